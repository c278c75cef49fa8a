import { ConfigError } from '../config/config-error.js';
import { databasePath } from '../config/paths.js';
import { GatewayTokenStore, TokenStoreError, type GatewayToken } from '../gateway/token-store.js';
import { DatabaseError, openDatabase, type Database } from '../memory/database.js';
import { formatTable } from '../ui/format-table.js';
import { EXIT } from './exit-codes.js';

export interface RunTokenInput extends TokenCommandIo {
  action: 'create' | 'list' | 'revoke';
  /** The positional word after the action (the name, for revoke). */
  argument?: string;
  name?: string;
  expires?: string;
  models?: string;
  budgetUsd?: string;
  json?: boolean;
}

/** `openkoi token create|list|revoke`: each action checks that it got only its own flags. */
export function runToken(input: RunTokenInput): number {
  const misplaced = (flags: Array<[string, unknown]>): string | undefined => flags.find(([, value]) => value !== undefined && value !== false)?.[0];
  const creationFlags: Array<[string, unknown]> = [['--name', input.name], ['--expires', input.expires], ['--models', input.models], ['--budget-usd', input.budgetUsd]];
  const refuse = (message: string): number => {
    input.stderr.write(`openkoi: ${message}\n`);
    return EXIT.usage;
  };
  switch (input.action) {
    case 'create': {
      if (input.name === undefined) return refuse('token create needs --name NAME (usage and spend are recorded under it).');
      if (input.argument !== undefined) return refuse(`token create takes its name as --name, not "${input.argument}".`);
      if (input.json) return refuse('--json goes with token list.');
      const { argument: _argument, action: _action, json: _json, ...create } = input;
      return runTokenCreate({ ...create, name: input.name });
    }
    case 'list': {
      const wrong = misplaced(creationFlags) ?? (input.argument !== undefined ? input.argument : undefined);
      if (wrong !== undefined) return refuse(`token list takes no ${wrong}.`);
      return runTokenList({ ...input, json: input.json === true });
    }
    case 'revoke': {
      const wrong = misplaced(creationFlags.slice(1)) ?? (input.json ? '--json' : undefined);
      if (wrong !== undefined) return refuse(`token revoke takes no ${wrong}.`);
      const name = input.argument ?? input.name;
      if (name === undefined) return refuse('token revoke needs the token name: openkoi token revoke NAME.');
      return runTokenRevoke({ ...input, name });
    }
  }
}

interface TokenCommandIo {
  environment?: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  now?: () => number;
}

export interface TokenCreateInput extends TokenCommandIo {
  name: string;
  /** `30d`, `12h`: how long the token is valid. */
  expires?: string;
  /** A glob over provider/model or alias names, such as `openai/*`. */
  models?: string;
  budgetUsd?: string;
}

/** `openkoi token create`: prints the secret alone on stdout, once. */
export function runTokenCreate(input: TokenCreateInput): number {
  return withStore(input, (store, now) => {
    const expiresAt = input.expires === undefined ? undefined : now + parseDuration(input.expires);
    const budgetUsd = input.budgetUsd === undefined ? undefined : parseBudget(input.budgetUsd);
    if (input.models !== undefined && input.models.trim() === '') throw new ConfigError('--models expects a pattern such as "openai/*".', '--models', '--models');
    const secret = store.create({
      name: input.name,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(input.models !== undefined ? { modelPattern: input.models.trim() } : {}),
      ...(budgetUsd !== undefined ? { budgetUsd } : {}),
    });
    input.stdout.write(`${secret}\n`);
    input.stderr.write(`openkoi: created token "${input.name}". It is shown only this once (openkoi keeps only its hash): store it now.\n`);
    return EXIT.ok;
  });
}

export interface TokenListInput extends TokenCommandIo {
  json: boolean;
}

/** `openkoi token list`: names, scopes, spend and expiry — never a secret. */
export function runTokenList(input: TokenListInput): number {
  return withStore(input, (store, now) => {
    const rows = store.list().map((token) => ({ ...token, spentUsd: store.spentUsd(token), state: stateOf(token, now) }));
    if (input.json) {
      input.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      return EXIT.ok;
    }
    if (rows.length === 0) {
      input.stdout.write('No gateway tokens. Create one: openkoi token create --name NAME\n');
      return EXIT.ok;
    }
    input.stdout.write(
      formatTable(
        [{ header: 'NAME' }, { header: 'STATE' }, { header: 'MODELS' }, { header: 'SPENT', align: 'right' }, { header: 'BUDGET', align: 'right' }, { header: 'EXPIRES' }],
        rows.map((row) => [
          row.name,
          row.state,
          row.modelPattern ?? 'any',
          `$${row.spentUsd.toFixed(4)}`,
          row.budgetUsd === undefined ? '-' : `$${row.budgetUsd.toFixed(2)}`,
          row.expiresAt === undefined ? 'never' : new Date(row.expiresAt).toISOString(),
        ]),
      ),
    );
    return EXIT.ok;
  });
}

export interface TokenRevokeInput extends TokenCommandIo {
  name: string;
}

/** `openkoi token revoke NAME`: a running server refuses the token from its next request. */
export function runTokenRevoke(input: TokenRevokeInput): number {
  return withStore(input, (store) => {
    if (!store.revoke(input.name)) {
      input.stderr.write(`openkoi: no valid token named "${input.name}" (openkoi token list shows them).\n`);
      return EXIT.usage;
    }
    input.stdout.write(`Revoked token "${input.name}".\n`);
    return EXIT.ok;
  });
}

function stateOf(token: GatewayToken, now: number): string {
  if (token.revokedAt !== undefined) return 'revoked';
  if (token.expiresAt !== undefined && token.expiresAt <= now) return 'expired';
  return 'valid';
}

function withStore(input: TokenCommandIo, action: (store: GatewayTokenStore, now: number) => number): number {
  let database: Database | undefined;
  try {
    database = openDatabase(databasePath(input.environment ?? process.env));
    const now = input.now ?? Date.now;
    return action(new GatewayTokenStore(database, now), now());
  } catch (error) {
    if (error instanceof ConfigError || error instanceof TokenStoreError || error instanceof DatabaseError) {
      input.stderr.write(`openkoi: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  } finally {
    database?.close();
  }
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

function parseDuration(text: string): number {
  const match = /^([1-9]\d{0,5})([mhd])$/.exec(text.trim());
  if (!match) throw new ConfigError(`--expires expects a duration such as 30d, 12h or 90m, got "${text}".`, '--expires', '--expires');
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

function parseBudget(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new ConfigError(`--budget-usd expects a positive amount in USD, got "${text}".`, '--budget-usd', '--budget-usd');
  return value;
}
