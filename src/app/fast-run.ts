// Start-up fast path for the default command. `openkoi "task"` is typed dozens of times a day, and
// loading oclif costs over 100 ms before the first request can leave. The manifest oclif writes at
// build time describes every flag, so the common case is parsed here with node:util and handed to
// the same function the oclif command calls. Anything unusual goes to oclif (returns false).
import type { ManifestCommand } from '../ui/render-help.js';
import { parseArgvWithManifest } from '../ui/parse-argv-with-manifest.js';

export { routeCommandLine } from './route-command-line.js';

/**
 * `openkoi status`, the command users run most after a task, without oclif (over 50 ms of its
 * start-up). --since needs --costs: the one rule of its flags the small parser does not know.
 */
export async function tryStatusFast(argv: string[], command: ManifestCommand | undefined): Promise<boolean> {
  if (!command) return false;
  const flags = Object.fromEntries(Object.entries(command.flags ?? {}).map(([name, flag]) => [name, { ...flag, dependsOn: undefined }]));
  const parsed = parseArgvWithManifest(argv, { ...command, flags } as ManifestCommand);
  if (!parsed || (parsed.flags['since'] !== undefined && parsed.flags['costs'] !== true)) return false;
  const { runStatus } = await import('./run-status.js');
  const { costs, json, since, config } = parsed.flags;
  process.exitCode = await runStatus({
    costs: costs === true,
    json: json === true,
    stdout: process.stdout,
    stderr: process.stderr,
    ...(typeof since === 'string' ? { since } : {}),
    ...(typeof config === 'string' ? { configPath: config } : {}),
  });
  return true;
}

export async function tryRunFast(argv: string[], command: ManifestCommand | undefined): Promise<boolean> {
  if (!command) return false;
  const parsed = parseArgvWithManifest(argv, command);
  if (!parsed) return false;
  const { runFromFlags } = await import('./run-command.js');
  process.exitCode = await runFromFlags(parsed.flags, parsed.words);
  return true;
}
