import { join } from 'node:path';
import type { ChangeTracker } from './change-tracker.js';
import { createEditTool } from './builtin/edit-tool.js';
import { globTool } from './builtin/glob-tool.js';
import { createGrepTool } from './builtin/grep-tool.js';
import { listTool } from './builtin/list-tool.js';
import { readTool } from './builtin/read-tool.js';
import { createWriteTool } from './builtin/write-tool.js';
import type { ShellChangeWatch } from './shell/shell-change-watch.js';
import { createShellTool } from './shell/shell-tool.js';
import type { CommandRunner, Tool } from './tool.js';

export interface BuiltinToolsOptions {
  changes: ChangeTracker;
  runner: CommandRunner;
  shellTimeoutMs: number;
  outputLimit: number;
  /** OPENKOI_HOME: whole shell outputs go to OPENKOI_HOME/tool-output. */
  home: string;
  ripgrep?: string | undefined;
  /** The run's watch over files changed behind the change tracker (shell, MCP tools). */
  watch?: ShellChangeWatch;
}

/** read, list, glob, grep, write, edit, shell. */
export function createBuiltinTools(options: BuiltinToolsOptions): Tool[] {
  return [
    readTool,
    listTool,
    globTool,
    createGrepTool(options.ripgrep),
    createWriteTool(options.changes),
    createEditTool(options.changes),
    createShellTool({ runner: options.runner, timeoutMs: options.shellTimeoutMs, outputLimit: options.outputLimit, outputDirectory: join(options.home, 'tool-output'), changes: options.changes, ...(options.watch ? { watch: options.watch } : {}) }),
  ];
}
