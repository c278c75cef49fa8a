import picomatch from 'picomatch';
import { formatModelRef, parseModelRef, type ModelRef } from '../model/model-ref.js';
import { ROLES, type Role } from '../model/role.js';
import { GatewayRequestError, invalidField } from './client-error.js';

/** `[gateway.aliases]`: a name clients use → `provider/model`, `role:<role>`, or an explicit chain. */
export type GatewayAliases = Readonly<Record<string, string | readonly string[]>>;

export interface ModelCatalog {
  aliases: GatewayAliases;
  /** Each role's chain from config (what `role:executor` means). */
  roleChains: Readonly<Record<Role, readonly ModelRef[]>>;
  providerIds: readonly string[];
}

/** The candidates a request's `model` names, in the order routing tries them. */
export function resolveModelChain(model: unknown, catalog: ModelCatalog): ModelRef[] {
  if (typeof model !== 'string' || model.trim() === '') invalidField('model', 'required: "provider/model" or an alias from [gateway.aliases].');
  const alias = catalog.aliases[model];
  if (alias !== undefined) return chainOfAlias(model, alias, catalog);
  return [parseModelRef(model, catalog.providerIds)];
}

function chainOfAlias(name: string, target: string | readonly string[], catalog: ModelCatalog): ModelRef[] {
  if (Array.isArray(target)) return target.map((entry) => parseModelRef(entry, catalog.providerIds));
  const single = target as string;
  if (single.startsWith('role:')) {
    const role = single.slice('role:'.length) as Role;
    if (!ROLES.includes(role)) throw new GatewayRequestError('invalid-request', `Alias "${name}" names an unknown role "${role}".`, 'model');
    const chain = catalog.roleChains[role] ?? [];
    if (chain.length === 0) throw new GatewayRequestError('invalid-request', `Alias "${name}" names the ${role} role, which has no model configured.`, 'model');
    return [...chain];
  }
  return [parseModelRef(single, catalog.providerIds)];
}

/**
 * The part of a chain a token may use. A pattern that matches the requested name (an alias)
 * allows its whole chain; otherwise each candidate `provider/model` must match.
 */
export function allowedCandidates(requested: string, chain: readonly ModelRef[], pattern: string | undefined): ModelRef[] {
  if (pattern === undefined) return [...chain];
  const matches = picomatch(pattern, { nocase: true });
  if (matches(requested)) return [...chain];
  return chain.filter((candidate) => matches(formatModelRef(candidate)));
}

/** Ids listed by `GET models`: the aliases first (Claude Code keeps only `claude*` ones), then configured models. */
export function listedModelIds(catalog: ModelCatalog): string[] {
  const ids = new Set<string>(Object.keys(catalog.aliases));
  for (const role of ROLES) for (const candidate of catalog.roleChains[role] ?? []) ids.add(formatModelRef(candidate));
  return [...ids];
}
