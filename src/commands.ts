// Explicit command strategy: oclif loads this one module instead of scanning a directory.
// Command classes import nothing heavy at top level; their work is imported when they run.
import Run from './commands/run.js';

export const COMMANDS = {
  run: Run,
};
