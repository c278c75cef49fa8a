/**
 * openkoi's own identity on the wire: its user agent and originator, never another client's
 * (Codex CLI's, VS Code's). Vendors see who is calling, and openkoi does not pretend otherwise.
 */
export const IDENTITY_ORIGINATOR = 'openkoi';

// Kept in step with package.json by a test (test/providers/openkoi-identity.test.ts).
export const IDENTITY_VERSION = '0.1.0';

export function openkoiUserAgent(version: string = IDENTITY_VERSION): string {
  return `openkoi/${version} (${process.platform}; ${process.arch}) node/${process.versions.node}`;
}
