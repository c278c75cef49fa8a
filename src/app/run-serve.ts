import { ConfigError } from '../config/config-error.js';
import type { OpenkoiConfig } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { databasePath, openkoiHome } from '../config/paths.js';
import { cacheCatalogPricesIn } from '../usage/find-model-price.js';
import { createCredentialFinder, discoveryContext } from '../auth/discover-credentials.js';
import { batchUsageWrites } from '../usage/batch-usage-writes.js';
import { ChainRouter } from '../gateway/chain-router.js';
import { GatewayServer } from '../gateway/gateway-server.js';
import { clientEnvironmentLines, gatewayLimitsFromConfig, isLoopbackHost } from '../gateway/gateway-settings.js';
import { GatewayTokenStore } from '../gateway/token-store.js';
import { DatabaseError, openDatabase, type Database } from '../memory/database.js';
import { ROLES, type Role } from '../model/role.js';
import type { ModelRef } from '../model/model-ref.js';
import { findProviderEntry, providerIds, type ProviderEntry } from '../providers/provider-catalog.js';
import { resolveProviderEntries } from '../providers/resolve-provider-entries.js';
import { buildRoleChains } from '../routing/build-role-chains.js';
import { SqliteCooldownStore } from '../routing/cooldown-store.js';
import { ProviderPool } from '../routing/provider-pool.js';
import { resolveRoleModels } from '../routing/resolve-role-models.js';
import { retryPolicyFromConfig } from '../routing/retry-policy.js';
import { UsageRecorder } from '../usage/usage-recorder.js';
import { EXIT } from './exit-codes.js';
import { decideWorkspaceTrust, untrustedWorkspaceWarning } from './resolve-workspace-trust.js';
import { loadConfigSchema } from '../config/config-schema-registry.js';

export const DEFAULT_PORT = 8766;
export const DEFAULT_HOST = '127.0.0.1';

export interface RunServeInput {
  port?: string;
  /** Given only when the user typed --host: another host than loopback must be asked for. */
  host?: string;
  printEnv: boolean;
  configPath?: string;
  environment?: NodeJS.ProcessEnv;
  workspace?: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Aborted on SIGINT / SIGTERM: the server closes and the command returns. */
  signal: AbortSignal;
}

/** `openkoi serve`: runs the gateway until the signal aborts; returns the exit code. */
export async function runServe(input: RunServeInput): Promise<number> {
  // loadConfig validates with zod, which this command loads up front (only status may skip it).
  await loadConfigSchema();
  const environment = input.environment ?? process.env;
  let database: Database | undefined;
  try {
    const port = parsePort(input.port);
    const host = input.host ?? DEFAULT_HOST;
    const loopback = isLoopbackHost(host);
    const shownHost = host.includes(':') ? `[${host}]` : host;
    if (input.printEnv) {
      input.stdout.write(clientEnvironmentLines(`http://${shownHost}:${port}`).join('\n') + '\n');
      return EXIT.ok;
    }
    const trust = decideWorkspaceTrust({
      workspace: input.workspace ?? process.cwd(),
      environment,
      load: (trusted) => loadConfig({ environment, trusted, ...(input.workspace ? { workspace: input.workspace } : {}), ...(input.configPath ? { explicitPath: input.configPath } : {}) }),
    });
    const trustWarning = untrustedWorkspaceWarning(trust);
    if (trustWarning) input.stderr.write(`openkoi: warning: ${trustWarning}\n`);
    const { config } = trust.loaded;
    const entries = resolveProviderEntries(config);
    database = openDatabase(databasePath(environment));
    cacheCatalogPricesIn(openkoiHome(environment));
    // One usage row per request: in WAL mode NORMAL skips the fsync of each commit (the database
    // stays consistent; a power cut may lose the last rows), which is most of a row's cost.
    database.pragma('synchronous = NORMAL');
    const tokens = new GatewayTokenStore(database);
    if (!tokens.hasValidTokens()) {
      if (!loopback) {
        input.stderr.write(`openkoi: serving on ${host} (beyond this machine) needs a client token first: openkoi token create --name NAME\n`);
        return EXIT.usage;
      }
      input.stderr.write('openkoi: warning: no client token yet, so every request gets 401. Create one: openkoi token create --name NAME\n');
    }
    const findCredential = createCredentialFinder(discoveryContext(environment, (message) => input.stderr.write(`openkoi: warning: ${message}\n`)));
    const pool = new ProviderPool(entries, environment, findCredential);
    const recorder = new UsageRecorder({
      database,
      ...(config.pricing ? { pricing: config.pricing } : {}),
      onWriteError: (error) => input.stderr.write(`openkoi: warning: a usage row was not written: ${(error as Error).message}\n`),
    });
    const usageWrites = batchUsageWrites(database, (attempt, source) => recorder.record(attempt, source));
    const gateway = config.gateway ?? {};
    const server = new GatewayServer({
      router: new ChainRouter({
        pool,
        policy: retryPolicyFromConfig(config.routing),
        cooldowns: new SqliteCooldownStore(database),
        recordAttempt: usageWrites.record,
      }),
      tokens,
      catalog: { aliases: gateway.aliases ?? {}, roleChains: roleChainsOf(config, entries, environment), providerIds: providerIds(entries) },
      limits: gatewayLimitsFromConfig(gateway),
      isSubscription: (providerId) => isSubscriptionProvider(providerId, entries, findCredential),
      allowSubscriptions: gateway.allow_subscriptions === true,
      loopback,
    });
    const address = await server.listen(port, host);
    const url = `http://${shownHost}:${address.port}`;
    input.stdout.write(`openkoi gateway listening on ${url} (OpenAI: ${url}/openai/v1, Anthropic: ${url}/anthropic)\n`);
    if (!loopback) input.stderr.write(`openkoi: warning: listening on ${host}, reachable beyond this machine; only requests with a client token are served.\n`);
    if (gateway.allow_subscriptions === true && !loopback) input.stderr.write('openkoi: warning: allow_subscriptions applies on loopback only; subscription sign-ins are not shared here.\n');
    await new Promise<void>((resolve) => {
      if (input.signal.aborted) resolve();
      input.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await server.close();
    usageWrites.flush();
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DatabaseError) {
      input.stderr.write(`openkoi: ${error.message}\n`);
      return EXIT.usage;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      input.stderr.write(`openkoi: cannot listen there (${code}): ${(error as Error).message}. Choose another --port or --host.\n`);
      return EXIT.usage;
    }
    input.stderr.write(`openkoi: ${(error as Error).message}\n`);
    return EXIT.failed;
  } finally {
    database?.close();
  }
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || port > 65535) throw new ConfigError(`--port expects a port number from 0 to 65535, got "${raw}".`, '--port', '--port');
  return port;
}

/** The roles' chains (what `role:executor` aliases mean). Serving needs none configured. */
function roleChainsOf(config: OpenkoiConfig, entries: readonly ProviderEntry[], environment: NodeJS.ProcessEnv): Record<Role, ModelRef[]> {
  try {
    return buildRoleChains(config, resolveRoleModels(config, entries, environment), providerIds(entries));
  } catch (error) {
    // No model configured and none to default to: only `role:` aliases are affected, and they say so.
    if (error instanceof ConfigError && config.models === undefined) return Object.fromEntries(ROLES.map((role) => [role, []])) as unknown as Record<Role, ModelRef[]>;
    throw error;
  }
}

/**
 * Whether a provider is reached through a personal subscription sign-in. The credential's own
 * auth mode decides, so a new sign-in kind (ChatGPT, GitHub) only needs to report it.
 */
function isSubscriptionProvider(providerId: string, entries: readonly ProviderEntry[], findCredential: ReturnType<typeof createCredentialFinder>): boolean {
  const entry = findProviderEntry(providerId, entries);
  return entry !== undefined && findCredential(entry)?.authMode === 'subscription';
}
