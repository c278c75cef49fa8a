import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../config/config-error.js';
import { openkoiHome } from '../config/paths.js';
import { canonicalWorkspace, listTrustedWorkspaces, revokeWorkspace, trustedFolderCovering, trustStorePath, trustWorkspace } from '../config/workspace-trust.js';
import { EXIT } from './exit-codes.js';

export interface RunTrustInput {
  /** The folder to trust; default the current one. */
  directory?: string;
  /** `--list`. */
  list: boolean;
  /** `--revoke DIR`. */
  revoke?: string;
  /** With --list: JSON on stdout. */
  json: boolean;
  environment?: NodeJS.ProcessEnv;
  /** Relative folders resolve against this; default the process's. */
  cwd?: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** `openkoi trust [DIR]`, `--list`, `--revoke DIR`: returns the exit code. */
export function runTrust(input: RunTrustInput): number {
  const home = openkoiHome(input.environment ?? process.env);
  const cwd = input.cwd ?? process.cwd();
  const fail = (message: string): number => {
    input.stderr.write(`openkoi: ${message}\n`);
    return EXIT.usage;
  };
  try {
    if ((input.list || input.revoke !== undefined) && input.directory !== undefined) {
      return fail(`give either a folder to trust or ${input.list ? '--list' : '--revoke DIR'}, not both.`);
    }
    if (input.list) {
      const workspaces = listTrustedWorkspaces(home);
      if (input.json) input.stdout.write(`${JSON.stringify({ file: trustStorePath(home), workspaces }, null, 2)}\n`);
      else if (workspaces.length === 0) input.stdout.write('No folder is trusted yet. Trust one with: openkoi trust [DIR]\n');
      else input.stdout.write(workspaces.map((workspace) => `${workspace}\n`).join(''));
      return EXIT.ok;
    }
    if (input.revoke !== undefined) {
      const directory = resolve(cwd, input.revoke);
      if (revokeWorkspace(home, directory)) {
        input.stdout.write(`No longer trusted: ${canonicalWorkspace(directory)}\n`);
        return EXIT.ok;
      }
      // Trust covers subfolders: revoking a subfolder of a trusted one would change nothing.
      const covering = trustedFolderCovering(home, directory);
      if (covering) return fail(`${canonicalWorkspace(directory)} is trusted because ${covering} is; revoke that instead: openkoi trust --revoke ${covering}`);
      input.stdout.write(`${canonicalWorkspace(directory)} was not trusted; nothing changed.\n`);
      return EXIT.ok;
    }
    const directory = resolve(cwd, input.directory ?? '.');
    if (!isFolder(directory)) return fail(`${directory} is not a folder; give the folder to trust (default: the current one).`);
    const covering = trustedFolderCovering(home, directory);
    if (covering) {
      input.stdout.write(`${canonicalWorkspace(directory)} is already trusted${covering === canonicalWorkspace(directory) ? '' : ` (through ${covering})`}.\n`);
      return EXIT.ok;
    }
    const trusted = trustWorkspace(home, directory);
    input.stdout.write(`Trusted ${trusted}: its .openkoi/config.toml and .mcp.json now apply in full, here and in every folder below. Undo: openkoi trust --revoke ${trusted}\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    input.stderr.write(`openkoi: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
