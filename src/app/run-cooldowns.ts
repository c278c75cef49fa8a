import { existsSync } from 'node:fs';
import { databasePath } from '../config/paths.js';
import { openDatabase, type Database } from '../memory/database.js';
import { formatModelRef, type ModelRef } from '../model/model-ref.js';
import { kindLabel } from '../providers/classify-http-error.js';
import { SqliteCooldownStore, type Cooldown } from '../routing/cooldown-store.js';
import { EXIT } from './exit-codes.js';

export interface RunCooldownsInput {
  /** Undefined or `list`: list them; `clear`: end them. */
  action?: string;
  /** With `clear`: only this `provider/model`. */
  model?: string;
  json: boolean;
  environment?: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  now?: number;
}

/** `openkoi cooldowns`, `openkoi cooldowns clear [provider/model]`: returns the exit code. */
export function runCooldowns(input: RunCooldownsInput): number {
  const environment = input.environment ?? process.env;
  const now = input.now ?? Date.now();
  const fail = (message: string): number => {
    input.stderr.write(`openkoi: ${message}\n`);
    return EXIT.usage;
  };
  const action = input.action ?? 'list';
  if (action !== 'list' && action !== 'clear') return fail(`unknown action "${action}": use openkoi cooldowns, or openkoi cooldowns clear [provider/model].`);
  if (action === 'list' && input.model !== undefined) return fail('a model goes with clear: openkoi cooldowns clear provider/model.');
  let candidate: ModelRef | undefined;
  if (input.model !== undefined) {
    const slash = input.model.indexOf('/');
    if (slash <= 0 || slash === input.model.length - 1) return fail(`"${input.model}" must be provider/model (for example openai/gpt-4.1).`);
    candidate = { provider: input.model.slice(0, slash).toLowerCase(), model: input.model.slice(slash + 1) };
  }
  const path = databasePath(environment);
  // No database yet: nothing has ever cooled down, and listing must not create one.
  let database: Database | undefined;
  try {
    database = existsSync(path) ? openDatabase(path) : undefined;
    const store = database ? new SqliteCooldownStore(database) : undefined;
    if (action === 'clear') {
      const cleared = store?.clear(candidate) ?? 0;
      if (candidate) input.stdout.write(cleared > 0 ? `Cleared the cooldown of ${formatModelRef(candidate)}.\n` : `${formatModelRef(candidate)} had no cooldown; nothing changed.\n`);
      else input.stdout.write(cleared > 0 ? `Cleared ${cleared} cooldown${cleared === 1 ? '' : 's'}.\n` : 'No cooldown to clear.\n');
      return EXIT.ok;
    }
    const active = store?.active(now) ?? [];
    if (input.json) input.stdout.write(`${JSON.stringify({ cooldowns: active.map((cooldown) => toJson(cooldown, now)) }, null, 2)}\n`);
    else if (active.length === 0) input.stdout.write('Nothing is cooling down.\n');
    else input.stdout.write(active.map((cooldown) => `${describeCooldown(cooldown, now)}\n`).join(''));
    return EXIT.ok;
  } catch (error) {
    input.stderr.write(`openkoi: cannot read cooldowns from ${path}: ${(error as Error).message}\n`);
    return EXIT.failed;
  } finally {
    database?.close();
  }
}

function describeCooldown(cooldown: Cooldown, now: number): string {
  const error = `${kindLabel(cooldown.errorKind)}${cooldown.status !== undefined ? ` (HTTP ${cooldown.status})` : ''}`;
  return `${formatModelRef(cooldown.candidate)}  ${Math.ceil((cooldown.untilMs - now) / 1000)} s left (until ${new Date(cooldown.untilMs).toISOString()}) after ${error}${cooldown.message ? `: ${cooldown.message}` : ''}`;
}

function toJson(cooldown: Cooldown, now: number) {
  return {
    model: formatModelRef(cooldown.candidate),
    until: new Date(cooldown.untilMs).toISOString(),
    secondsLeft: Math.ceil((cooldown.untilMs - now) / 1000),
    errorKind: cooldown.errorKind,
    ...(cooldown.status !== undefined ? { status: cooldown.status } : {}),
    ...(cooldown.message !== undefined ? { message: cooldown.message } : {}),
  };
}
