// Built-in tools as the run builds them, over a fresh workspace: each test calls them by name the
// way the registry does and reads what the model would get back.
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { createBuiltinTools } from '../../src/tools/builtin-tools.js';
import { ChangeTracker } from '../../src/tools/change-tracker.js';
import { createCommandRunner } from '../../src/tools/shell/command-runner.js';
import type { CommandRunner, Tool, ToolResult } from '../../src/tools/tool.js';
import { temporaryDirectories } from '../temporary-directories.js';

export interface ToolBench {
  workspace: string;
  /** A folder beside the workspace: what a tool must never reach. */
  outside: string;
  home: string;
  changes: ChangeTracker;
  call(name: string, args: Record<string, unknown>): Promise<ToolResult>;
}

export function toolBenches(prefix: string): (options?: { runner?: CommandRunner; shellTimeoutMs?: number; outputLimit?: number; ripgrep?: string }) => ToolBench {
  const makeDirectory = temporaryDirectories(prefix);
  return (options = {}) => {
    const root = realpathSync(makeDirectory());
    const workspace = join(root, 'workspace');
    const outside = join(root, 'outside');
    const home = join(root, 'home');
    for (const folder of [workspace, outside, home]) mkdirSync(folder);
    const changes = new ChangeTracker(workspace);
    const tools: Tool[] = createBuiltinTools({
      changes,
      runner: options.runner ?? createCommandRunner({ workspace, sandbox: { sandboxed: false, reason: 'unit test' }, network: false, killGraceMs: 200 }),
      shellTimeoutMs: options.shellTimeoutMs ?? 20_000,
      outputLimit: options.outputLimit ?? 30_000,
      home,
      ...(options.ripgrep !== undefined ? { ripgrep: options.ripgrep } : {}),
    });
    return {
      workspace,
      outside,
      home,
      changes,
      call(name, args) {
        const tool = tools.find((candidate) => candidate.definition.name === name);
        if (!tool) throw new Error(`no built-in tool ${name}`);
        return tool.run(args, { workspace });
      },
    };
  };
}
