import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { isWorkspaceTrusted, listTrustedWorkspaces, revokeWorkspace, trustStorePath, trustWorkspace } from '../../src/config/workspace-trust.js';

let root: string;
let home: string;
let project: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'openkoi-trust-'));
  home = join(root, 'home');
  project = join(root, 'project');
  mkdirSync(join(project, 'sub'), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('workspace trust', () => {
  it('a folder is untrusted until trusted, and trust covers its subfolders', () => {
    expect(isWorkspaceTrusted(home, project)).toBe(false);
    trustWorkspace(home, project);
    expect(isWorkspaceTrusted(home, project)).toBe(true);
    expect(isWorkspaceTrusted(home, join(project, 'sub'))).toBe(true);
    expect(isWorkspaceTrusted(home, root)).toBe(false);
    expect(isWorkspaceTrusted(home, `${project}-evil`)).toBe(false);
  });

  it('stores the list mode 0600 in OPENKOI_HOME and revokes', () => {
    trustWorkspace(home, project);
    trustWorkspace(home, project);
    expect(listTrustedWorkspaces(home)).toHaveLength(1);
    expect(statSync(trustStorePath(home)).mode & 0o777).toBe(0o600);
    expect(revokeWorkspace(home, project)).toBe(true);
    expect(revokeWorkspace(home, project)).toBe(false);
    expect(isWorkspaceTrusted(home, project)).toBe(false);
  });

  it('resolves symlinks: a link into a trusted folder is trusted, a trusted link does not trust its neighbours', () => {
    symlinkSync(project, join(root, 'link'));
    trustWorkspace(home, project);
    expect(isWorkspaceTrusted(home, join(root, 'link'))).toBe(true);
  });

  it('a damaged list is an error naming the file, never a guess', () => {
    mkdirSync(home, { recursive: true });
    writeFileSync(trustStorePath(home), '{"workspaces": "everything"}');
    expect(() => isWorkspaceTrusted(home, project)).toThrow(ConfigError);
    expect(() => isWorkspaceTrusted(home, project)).toThrow(trustStorePath(home));
  });
});
