import { createCredentialFinder, discoveryContext } from '../auth/discover-credentials.js';
import { ConfigError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import { databasePath } from '../config/paths.js';
import { GatewayEmbedder } from '../engine/gateway-embedder.js';
import { openDatabase, type Database } from '../memory/database.js';
import { MEMORY_KINDS, type MemoryKind } from '../memory/memory-store.js';
import { SemanticMemory } from '../memory/semantic-memory.js';
import { ROLES, type Role } from '../model/role.js';
import type { ModelRef } from '../model/model-ref.js';
import { resolveProviderEntries } from '../providers/resolve-provider-entries.js';
import { createGateway } from '../routing/create-gateway.js';
import { resolveEmbedderChain } from '../routing/embedder-chain.js';
import { PoolWithOfflineEmbedder } from '../routing/pool-with-offline-embedder.js';
import { renderIndexRefresh, renderMemory, renderMemoryList, renderMemoryStats, renderSearchHits } from '../ui/render-memory.js';
import { UsageRecorder } from '../usage/usage-recorder.js';
import { EXIT } from './exit-codes.js';
import { parseNumberFlag } from './parse-number-flag.js';
import { startMemoryIndexing } from './start-memory-indexing.js';
import { decideWorkspaceTrust, untrustedWorkspaceWarning } from './resolve-workspace-trust.js';
import { loadConfigSchema } from '../config/config-schema-registry.js';

export const MEMORY_ACTIONS = ['list', 'search', 'show', 'add', 'forget', 'stats', 'index'] as const;

export interface RunMemoryInput {
  action: string | undefined;
  /** The words after the action: the query, the text, or the id. */
  words: string[];
  kind?: string;
  limit?: string;
  json: boolean;
  configPath?: string;
  environment?: NodeJS.ProcessEnv;
  workspace?: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

class UsageError extends Error {}

/** `openkoi memory list|search|show|add|forget|stats|index`: returns the exit code. */
export async function runMemory(input: RunMemoryInput): Promise<number> {
  // loadConfig validates with zod, which this command loads up front (only status may skip it).
  await loadConfigSchema();
  const environment = input.environment ?? process.env;
  let database: Database | undefined;
  const write = (value: unknown, text: () => string) => input.stdout.write(input.json ? `${JSON.stringify(value, null, 2)}\n` : text());
  try {
    const action = input.action;
    if (!action || !(MEMORY_ACTIONS as readonly string[]).includes(action)) throw new UsageError(`openkoi memory needs one of: ${MEMORY_ACTIONS.join(', ')}.`);
    const text = input.words.join(' ').trim();
    const limit = parseNumberFlag('--limit', input.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new UsageError('--limit must be a whole number of at least 1.');
    const kind = input.kind;
    if (kind !== undefined && !(MEMORY_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--kind must be one of: ${MEMORY_KINDS.join(', ')}.`);
    if ((action === 'search' || action === 'add') && text === '') throw new UsageError(`openkoi memory ${action} needs ${action === 'add' ? 'the text to remember' : 'a query'}.`);
    const id = action === 'show' || action === 'forget' ? parseId(text) : undefined;

    const trust = decideWorkspaceTrust({
      workspace: input.workspace ?? process.cwd(),
      environment,
      load: (trusted) => loadConfig({ environment, trusted, ...(input.workspace ? { workspace: input.workspace } : {}), ...(input.configPath ? { explicitPath: input.configPath } : {}) }),
    });
    const warning = untrustedWorkspaceWarning(trust);
    if (warning) input.stderr.write(`openkoi: warning: ${warning}\n`);
    const { config } = trust.loaded;
    database = openDatabase(databasePath(environment));
    // Only search and add embed: list, show, forget and stats never build a provider.
    const needsEmbedder = action === 'search' || action === 'add';
    let embedder: GatewayEmbedder | undefined;
    if (needsEmbedder) {
      const entries = resolveProviderEntries(config);
      const discovery = discoveryContext(environment);
      const chains = Object.fromEntries(ROLES.map((role) => [role, [] as ModelRef[]])) as Record<Role, ModelRef[]>;
      chains.embedder = resolveEmbedderChain(config, { entries, discovery });
      const recorder = new UsageRecorder({ database, pricing: config.pricing });
      const gateway = createGateway({
        chains,
        pool: new PoolWithOfflineEmbedder(entries, environment, createCredentialFinder(discovery)),
        config,
        database,
        onAttempt: (attempt) => {
          recorder.onAttempt(attempt);
          embedder?.onAttempt(attempt);
        },
      });
      embedder = new GatewayEmbedder(gateway);
    }
    // A search of a large memory whose index file is missing or behind starts writing it in the
    // background; `index` writes it here and now.
    const memory = new SemanticMemory({
      database,
      ...(embedder ? { embedder } : {}),
      ...(action === 'search' ? { vectorIndex: { onStale: () => void startMemoryIndexing(environment) } } : {}),
    });

    switch (action) {
      case 'list': {
        const memories = memory.store.list({ ...(limit ? { limit } : {}), ...(kind ? { kind: kind as MemoryKind } : {}) });
        write(memories, () => renderMemoryList(memories));
        return EXIT.ok;
      }
      case 'show': {
        const found = memory.store.get(id!);
        if (!found) throw new NotFound(id!);
        write(found, () => renderMemory(found));
        return EXIT.ok;
      }
      case 'forget': {
        if (!memory.forget(id!)) throw new NotFound(id!);
        write({ forgotten: id }, () => `Forgot memory ${id}.\n`);
        return EXIT.ok;
      }
      case 'index': {
        const spaces = memory.refreshApproximateIndexes();
        write(spaces, () => renderIndexRefresh(spaces));
        return spaces.some((space) => space.result === 'busy') ? EXIT.failed : EXIT.ok;
      }
      case 'stats': {
        const stats = memory.stats();
        write(stats, () => renderMemoryStats(stats));
        return EXIT.ok;
      }
      case 'add': {
        const result = await memory.remember({ kind: (kind as MemoryKind | undefined) ?? 'fact', content: text });
        if (result.embedError) input.stderr.write(`openkoi: warning: the embedder failed (${result.embedError}); the memory is stored and will be embedded on a later run.\n`);
        write(result, () => `${result.action === 'added' ? 'Remembered' : 'Already known, reinforced'}: memory ${result.memory.id} (${result.memory.kind}).\n`);
        return EXIT.ok;
      }
      case 'search': {
        const result = await memory.recall(text, { limit: limit ?? 10 });
        if (result.vectors.state === 'missing') {
          input.stderr.write(`openkoi: ${result.vectors.missing} of ${result.vectors.total} memories have no vector from ${result.vectors.model} yet; text search only (the next task run re-embeds them).\n`);
        } else if (result.vectors.state === 'unavailable') {
          input.stderr.write(`openkoi: warning: the embedder failed (${result.vectors.reason}); text search only.\n`);
        }
        const hits = result.memories.map((hit) => ({ id: hit.memory.id, kind: hit.memory.kind, content: hit.memory.content, score: hit.score, foundBy: hit.foundBy, confidence: hit.memory.confidence, ...(hit.vectorDistance !== undefined ? { vectorDistance: hit.vectorDistance } : {}) }));
        write({ query: text, vectors: result.vectors, hits }, () => renderSearchHits(hits));
        return EXIT.ok;
      }
    }
    return EXIT.usage;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      input.stderr.write(`openkoi: ${error.message}\n`);
      return EXIT.usage;
    }
    input.stderr.write(`openkoi: ${(error as Error).message}\n`);
    return EXIT.failed;
  } finally {
    database?.close();
  }
}

class NotFound extends Error {
  constructor(id: number) {
    super(`No memory ${id} (openkoi memory list shows them).`);
  }
}

function parseId(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`A memory id is a number${text ? `, not "${text}"` : ''} (openkoi memory list shows them).`);
  return Number(text);
}
