import { discoveryContext, inspectCredentials, type DiscoveryContext } from '../auth/discover-credentials.js';
import { describeQuota, type QuotaSnapshot } from '../auth/quota-telemetry.js';
import { compareCodePoints } from '../model/compare-code-points.js';
import { ConfigError } from '../config/config-error.js';
import { ROLES, type Role } from '../model/role.js';
import { type OpenkoiConfig } from '../config/config-schema.js';
import type { Database } from '../memory/database.js';
import { providerIds, type ProviderEntry } from '../providers/provider-catalog.js';
import { buildRoleChains } from '../routing/build-role-chains.js';
import { MemoryCooldownStore, SqliteCooldownStore } from '../routing/cooldown-store.js';
import { describeRouting, type CoolingCandidate } from '../routing/describe-routing.js';
import { resolveRoleModels } from '../routing/resolve-role-models.js';
import { startOfLocalDay } from '../usage/parse-since.js';
import { buildUsageReport, emptySpendLine, type SpendLine } from '../usage/usage-report.js';

export interface ProviderStatus {
  id: string;
  name: string;
  /** undefined: not checked (a local server, which `status` does not probe: it stays off the network). */
  found: boolean | undefined;
  /** Where the credential came from, e.g. `env OPENAI_API_KEY`. */
  source?: string;
  /** The credential, masked (`sk-…wxyz`). */
  secret?: string;
  note?: string;
}

export interface RoleStatus {
  role: Role;
  /** The primary model, `provider/model`; undefined when the role has none (an unset embedder). */
  model?: string;
  fallbacks: string[];
  /** Models of the chain cooling right now. */
  cooling: string[];
}

export interface StatusReport {
  providers: ProviderStatus[];
  roles: RoleStatus[];
  /** Why the roles could not be resolved (no provider configured, a bad model reference). */
  rolesProblem?: string;
  /** Every model cooling down, earliest back first. */
  cooling: CoolingCandidate[];
  /** Spend since local midnight. */
  today: SpendLine;
  /** The current folder: trusted or not, and the project config keys that untrusted leaves out. */
  workspace?: WorkspaceStatus;
  /** Whether the executor's shell commands run in the sandbox here, and why not. */
  shell?: { sandboxed: boolean; reason: string };
  /** What each vendor last reported of its rate limits (the model rows say what was asked for). */
  limits: ProviderLimits[];
}

/** One provider's last reported limits: the figures, and the line `status` shows for them. */
export interface ProviderLimits extends QuotaSnapshot {
  provider: string;
  /** "requests 4990/5000 left, resets in 12m (seen 3m ago)". */
  summary: string;
}

export interface WorkspaceStatus {
  path: string;
  trusted: boolean;
  ignoredKeys: string[];
}

export interface StatusInput {
  config: OpenkoiConfig;
  entries: readonly ProviderEntry[];
  environment: NodeJS.ProcessEnv;
  /** undefined when no database exists yet: nothing cooling, nothing spent. */
  database: Database | undefined;
  now: Date;
  /** Where credentials are looked for; defaults to this process's HOME and OPENKOI_HOME. */
  discovery?: DiscoveryContext;
  /** The workspace trust decision (app/resolve-workspace-trust.ts). */
  workspace?: WorkspaceStatus;
  /** tools/shell/sandbox.ts's detectSandbox, run by the caller (it starts bwrap once). */
  shell?: { sandboxed: boolean; reason: string };
  /** The quota snapshots kept in OPENKOI_HOME/quota.json, by provider. */
  quotas?: Record<string, QuotaSnapshot>;
}

/**
 * What `openkoi status` shows: providers found and from where (secrets masked), each role's
 * model and fallbacks, cooling models, today's spend. Reads config, environment and the
 * database only: no network, so it is fast and safe to run anywhere.
 */
export function buildStatusReport(input: StatusInput): StatusReport {
  const cooldowns = input.database ? new SqliteCooldownStore(input.database) : new MemoryCooldownStore();
  let roles: RoleStatus[] = ROLES.map((role) => ({ role, fallbacks: [], cooling: [] }));
  let rolesProblem: string | undefined;
  let cooling: CoolingCandidate[];
  try {
    const primaries = resolveRoleModels(input.config, input.entries, input.environment);
    const chains = buildRoleChains(input.config, primaries, providerIds(input.entries));
    const routing = describeRouting(chains, cooldowns, input.now.getTime());
    cooling = routing.cooling;
    roles = routing.roles.map((role) => {
      const [model, ...fallbacks] = role.chain;
      // The embedder's chain may be fallbacks alone; its primary is then the first of them.
      return { role: role.role, ...(model ? { model } : {}), fallbacks, cooling: role.cooling.map((entry) => entry.candidate) };
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    rolesProblem = error.message;
    cooling = describeRouting({} as Record<Role, []>, cooldowns, input.now.getTime()).cooling;
  }
  const today = input.database ? buildUsageReport(input.database, startOfLocalDay(input.now), input.now).totals : { ...emptySpendLine(), costUsd: 0 };
  return {
    providers: input.entries.map((entry) => providerStatus(entry, input.discovery ?? discoveryContext(input.environment))),
    roles,
    ...(rolesProblem ? { rolesProblem } : {}),
    cooling,
    today,
    ...(input.workspace ? { workspace: input.workspace } : {}),
    ...(input.shell ? { shell: { sandboxed: input.shell.sandboxed, reason: input.shell.reason } } : {}),
    limits: Object.entries(input.quotas ?? {})
      .sort(([a], [b]) => compareCodePoints(a, b))
      .map(([provider, snapshot]) => ({ provider, ...snapshot, summary: describeQuota(snapshot, input.now.getTime()) })),
  };
}

/**
 * One provider as discovery sees it, in PROVIDERS.md's order: the first usable credential and its
 * source, or, when none is usable, what was found and why it is not used (a Claude subscription).
 */
function providerStatus(entry: ProviderEntry, discovery: DiscoveryContext): ProviderStatus {
  if (entry.api === 'ollama') {
    return { id: entry.id, name: entry.name, found: undefined, note: 'local server; not probed (status stays off the network)' };
  }
  const findings = inspectCredentials(entry, discovery);
  const usable = findings.find((finding) => finding.usable);
  if (usable) {
    return { id: entry.id, name: entry.name, found: true, source: usable.source, ...(usable.masked ? { secret: usable.masked } : {}) };
  }
  const unusable = findings[0];
  if (unusable) {
    return { id: entry.id, name: entry.name, found: false, source: unusable.source, note: unusable.note ?? 'found but not usable' };
  }
  const variables = entry.keyVariables.join(' or ');
  return { id: entry.id, name: entry.name, found: false, ...(variables ? { note: `set ${variables}` } : {}) };
}
