import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';
import { openkoiHome } from '../config/paths.js';
import { canonicalWorkspace, isWorkspaceTrusted, trustWorkspace } from '../config/workspace-trust.js';
import type { TrustQuestion } from '../ui/confirm-workspace-trust.js';

/** Asks the user whether to trust the folder: true records trust, false runs untrusted this time. */
export type ConfirmTrust = (question: TrustQuestion) => Promise<boolean>;

export interface WorkspaceTrust {
  /** The folder, canonical (symlinks resolved). */
  workspace: string;
  /** The one decision of this run: what the workspace's files may do (config keys, MCP servers, tools). */
  trusted: boolean;
  /** Project config keys not applied because the workspace is untrusted (empty when trusted). */
  ignoredKeys: string[];
  /** The project config file looked for. */
  projectFile: string;
  /** `./.mcp.json` when present and untrusted: its servers must not start. */
  ignoredMcpFile?: string;
  /** The config loaded with this decision. */
  loaded: LoadedConfig;
  /** What the user answered this run, when asked. */
  answered?: 'trusted' | 'declined';
}

export interface ResolveWorkspaceTrustInput {
  workspace: string;
  environment: NodeJS.ProcessEnv;
  /** Loads the config for a trust decision (loadConfig with the caller's flags and --config). */
  load: (trusted: boolean) => LoadedConfig;
}

/**
 * The trust decision without asking anybody (status, models, non-interactive runs): the trust
 * list in OPENKOI_HOME decides. A damaged list throws a ConfigError (a setup error, exit 2).
 */
export function decideWorkspaceTrust(input: ResolveWorkspaceTrustInput): WorkspaceTrust {
  const workspace = canonicalWorkspace(input.workspace);
  const trusted = isWorkspaceTrusted(openkoiHome(input.environment), workspace);
  const loaded = input.load(trusted);
  const mcpFile = join(input.workspace, '.mcp.json');
  return {
    workspace,
    trusted,
    ignoredKeys: loaded.ignoredKeys,
    projectFile: loaded.projectFile,
    ...(!trusted && existsSync(mcpFile) ? { ignoredMcpFile: mcpFile } : {}),
    loaded,
  };
}

/**
 * The trust decision of a run, computed once: the trust list, or, for an untrusted folder whose
 * files trust would change (gated config keys, a .mcp.json) and a `confirm` to ask with (a
 * terminal), the user's answer. Yes is recorded in the list; no runs untrusted this time and asks
 * again next time. Nothing to change: nobody is asked.
 */
export async function resolveWorkspaceTrust(input: ResolveWorkspaceTrustInput & { confirm?: ConfirmTrust }): Promise<WorkspaceTrust> {
  const decision = decideWorkspaceTrust(input);
  if (decision.trusted || !input.confirm || !trustWouldChange(decision)) return decision;
  const yes = await input.confirm({
    workspace: decision.workspace,
    ignoredKeys: decision.ignoredKeys,
    ...(decision.ignoredKeys.length > 0 ? { projectFile: decision.projectFile } : {}),
    ...(decision.ignoredMcpFile ? { mcpFile: decision.ignoredMcpFile } : {}),
  });
  if (!yes) return { ...decision, answered: 'declined' };
  trustWorkspace(openkoiHome(input.environment), decision.workspace);
  const loaded = input.load(true);
  return { workspace: decision.workspace, trusted: true, ignoredKeys: loaded.ignoredKeys, projectFile: loaded.projectFile, loaded, answered: 'trusted' };
}

function trustWouldChange(decision: WorkspaceTrust): boolean {
  return decision.ignoredKeys.length > 0 || decision.ignoredMcpFile !== undefined;
}

/**
 * The one warning of an untrusted run: each ignored key, the file, and how to trust the folder.
 * undefined when nothing was ignored.
 */
export function untrustedWorkspaceWarning(decision: WorkspaceTrust): string | undefined {
  if (decision.trusted || !trustWouldChange(decision)) return undefined;
  const parts: string[] = [];
  if (decision.ignoredKeys.length > 0) parts.push(`ignored ${decision.ignoredKeys.join(', ')} in ${decision.projectFile}`);
  if (decision.ignoredMcpFile) parts.push(`ignored ${decision.ignoredMcpFile} (its MCP servers start only in a trusted folder)`);
  const budgets = decision.ignoredKeys.some((key) => /^engine\.max_(tokens|cost_usd|duration_s)$/.test(key))
    ? ' An untrusted project may lower your budgets, never raise them.'
    : '';
  return `this folder is not trusted: ${parts.join('; ')}.${budgets} To trust it: openkoi trust ${shellQuote(decision.workspace)}`;
}

function shellQuote(path: string): string {
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
