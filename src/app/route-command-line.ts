// Which command a command line means, decided before anything is sent. `openkoi "task"` is
// `openkoi run "task"`, so a mistyped command (`openkoi stauts`) or another tool's command
// (`openkoi login`) would otherwise run as a paid task on the prompt "stauts". A task of one word
// that looks like a command stops with a suggestion instead; `openkoi run stauts` still runs it.
import type { Manifest, ManifestCommand } from '../ui/render-help.js';
import { parseArgvWithManifest } from '../ui/parse-argv-with-manifest.js';

export type CommandLineRoute = { kind: 'command'; args: string[] } | { kind: 'usage-error'; message: string };

/** Words users bring from other command-line tools, and what openkoi offers in their place. */
const PEER_COMMANDS: Record<string, string> = {
  login: 'openkoi reads provider keys from the environment or credentials/<provider>.key; `openkoi status` shows what it found',
  logout: 'openkoi keeps no session; unset the key variable or remove credentials/<provider>.key (`openkoi status` shows where each key comes from)',
  init: 'openkoi needs no init; `openkoi status` shows the providers it found',
  setup: 'run `openkoi "task"` in a terminal without a provider to get the setup picker; `openkoi status` shows what is set up',
  version: 'did you mean `openkoi --version`?',
  help: 'did you mean `openkoi --help`?',
};

const ROOT_WORDS = new Set(['--version', '-v', '--help', '-h', 'help']);

/** Optimal string alignment distance: Levenshtein plus the transposition of two neighbours (stauts → status). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const distance: number[][] = Array.from({ length: rows }, (_, row) => Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)));
  for (let row = 1; row < rows; row++) {
    for (let column = 1; column < columns; column++) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      let best = Math.min(distance[row - 1]![column]! + 1, distance[row]![column - 1]! + 1, distance[row - 1]![column - 1]! + cost);
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) best = Math.min(best, distance[row - 2]![column - 2]! + 1);
      distance[row]![column] = best;
    }
  }
  return distance[a.length]![b.length]!;
}

/** The command a one-word task most likely meant, if it is close enough to be a typo. */
export function commandTypoOf(word: string, commands: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  // Short words need a closer match: "fun" is not "run" and "test" is not "trust", but "stats" is "status".
  const allowed = lower.length <= 3 ? 0 : lower.length <= 5 ? 1 : 2;
  let best: { command: string; distance: number } | undefined;
  for (const command of commands) {
    const distance = editDistance(lower, command);
    if (distance <= allowed && (!best || distance < best.distance)) best = { command, distance };
  }
  return best?.command;
}

function quoteForShell(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** What a one-word task that looks like a command should say instead of running; undefined: run it. */
export function mistakenCommandMessage(word: string, commands: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const asTask = `To run "${word}" as a task: openkoi run ${quoteForShell(word)}`;
  const peer = PEER_COMMANDS[lower];
  if (peer !== undefined) return `\`${lower}\` is not an openkoi command: ${peer}${peer.endsWith('?') ? '' : '.'} ${asTask}`;
  const command = commandTypoOf(word, commands.filter((name) => name !== 'run'));
  if (command !== undefined) return `"${word}" is not a command: did you mean \`openkoi ${command}\`? ${asTask}`;
  return undefined;
}

/**
 * The command line oclif (or the fast path) should run, or the usage error to print instead.
 * Nothing here loads oclif, the database or a provider: it runs on every invocation.
 */
export function routeCommandLine(argv: readonly string[], manifest: Manifest): CommandLineRoute {
  const first = argv[0];
  const commandNames = Object.keys(manifest.commands);
  if (first !== undefined && Object.hasOwn(manifest.commands, first)) {
    const command = manifest.commands[first]!;
    const extra = argv[1];
    // `openkoi status report for the build`: oclif would look for a command "status:report:…".
    if (extra !== undefined && !extra.startsWith('-') && Object.keys(command.args ?? {}).length === 0 && command.strict !== false) {
      const words = argv.slice(1).join(' ');
      return {
        kind: 'usage-error',
        message: `\`openkoi ${first}\` takes no arguments (got "${words}"). To run this as a task: openkoi run ${quoteForShell(argv.join(' '))}`,
      };
    }
    return { kind: 'command', args: [...argv] };
  }
  if (first !== undefined && ROOT_WORDS.has(first)) return { kind: 'command', args: [...argv] };
  const run = manifest.commands['run'];
  const parsed = run ? parseArgvWithManifest(argv, run as ManifestCommand) : undefined;
  if (parsed && parsed.words.length === 1) {
    const message = mistakenCommandMessage(parsed.words[0]!, commandNames);
    if (message !== undefined) return { kind: 'usage-error', message };
  }
  return { kind: 'command', args: ['run', ...argv] };
}
