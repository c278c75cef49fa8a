import type { Role } from '../model/role.js';
import type { OpenkoiConfig } from '../config/config-schema.js';
import { ROLES } from '../model/role.js';
import { ConfigError } from '../config/config-error.js';
import { parseModelRef, type ModelRef } from '../model/model-ref.js';
import { providerIds, type ProviderEntry } from '../providers/provider-catalog.js';
import { NO_PROVIDER_MESSAGE, selectDefaultModel } from './select-default-model.js';

export type RoleModels = Record<Exclude<Role, 'embedder'>, ModelRef> & { embedder?: ModelRef };

/**
 * The model of each role: config (already layered with env and flags) first, else the default
 * model for the generating roles. Throws a ConfigError that says how to configure one.
 */
export function resolveRoleModels(
  config: OpenkoiConfig,
  entries: readonly ProviderEntry[],
  environment: NodeJS.ProcessEnv,
  /** A default already chosen (choose-default-model.ts, which may probe or ask); else the sync choice. */
  defaultModel?: ModelRef,
): RoleModels {
  const known = providerIds(entries);
  const parse = (role: Role): ModelRef | undefined => {
    const text = config.models?.[role];
    if (!text) return undefined;
    try {
      return parseModelRef(text, known);
    } catch (error) {
      throw new ConfigError(`${role} model: ${(error as Error).message}`, 'models', `models.${role}`);
    }
  };
  const explicit = Object.fromEntries(ROLES.map((role) => [role, parse(role)])) as Partial<Record<Role, ModelRef>>;
  const needsDefault = !explicit.executor || !explicit.evaluator || !explicit.planner;
  const fallback = needsDefault ? (explicit.executor ?? defaultModel ?? selectDefaultModel(entries, environment)) : undefined;
  if (needsDefault && !fallback) throw new ConfigError(NO_PROVIDER_MESSAGE, 'models');
  const result: RoleModels = {
    executor: explicit.executor ?? fallback!,
    evaluator: explicit.evaluator ?? explicit.executor ?? fallback!,
    planner: explicit.planner ?? explicit.executor ?? fallback!,
  };
  if (explicit.embedder) result.embedder = explicit.embedder;
  return result;
}
