// Explicit command strategy: oclif loads this one module instead of scanning a directory.
// Command classes import nothing heavy at top level; their work is imported when they run.
import Models from './commands/models.js';
import Run from './commands/run.js';
import Status from './commands/status.js';
import Trust from './commands/trust.js';
// Semantic memory and task history (issue 11).
import History from './commands/history.js';
import Memory from './commands/memory.js';

export const COMMANDS = {
  models: Models,
  run: Run,
  status: Status,
  trust: Trust,
  history: History,
  memory: Memory,
};
