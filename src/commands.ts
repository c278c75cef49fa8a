// Explicit command strategy: oclif loads this one module instead of scanning a directory.
// Command classes import nothing heavy at top level; their work is imported when they run.
import Connect from './commands/connect.js';
import ConnectStatus from './commands/connect-status.js';
import Disconnect from './commands/disconnect.js';
import Cooldowns from './commands/cooldowns.js';
import Models from './commands/models.js';
import Run from './commands/run.js';
import Status from './commands/status.js';
import Trust from './commands/trust.js';
// Gateway (issue 13)
import Serve from './commands/serve.js';
import Token from './commands/token.js';
// Semantic memory and task history (issue 11).
import History from './commands/history.js';
import Memory from './commands/memory.js';

export const COMMANDS = {
  cooldowns: Cooldowns,
  models: Models,
  run: Run,
  status: Status,
  trust: Trust,
  // Gateway (issue 13)
  serve: Serve,
  token: Token,
  history: History,
  memory: Memory,
  // issue 12: sign-ins and keys
  connect: Connect,
  'connect:status': ConnectStatus,
  disconnect: Disconnect,
};
