import { ConfigError } from '../config/config-error.js';
import { ROLES, type Role } from '../model/role.js';
import { type OpenkoiConfig } from '../config/config-schema.js';
import { formatModelRef, parseModelRef, type ModelRef } from '../model/model-ref.js';
import type { RoleModels } from './resolve-role-models.js';

/**
 * Each role's candidates in the order they are tried: the role's primary model first (even when
 * `[models.fallback]` lists it later or not at all), then the fallback list, each model once.
 * A role without a primary (the embedder, unconfigured) gets its fallback list alone.
 */
export function buildRoleChains(config: OpenkoiConfig, primaries: Partial<RoleModels>, knownProviders: readonly string[]): Record<Role, ModelRef[]> {
  const chains = {} as Record<Role, ModelRef[]>;
  for (const role of ROLES) {
    const fallback = (config.models?.fallback?.[role] ?? []).map((text, index) => {
      try {
        return parseModelRef(text, knownProviders);
      } catch (error) {
        throw new ConfigError(`${role} fallback: ${(error as Error).message}`, 'models.fallback', `models.fallback.${role}[${index}]`);
      }
    });
    const primary = primaries[role];
    const seen = new Set<string>();
    chains[role] = [...(primary ? [primary] : []), ...fallback].filter((candidate) => {
      const key = formatModelRef(candidate);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  return chains;
}

/** `--no-fallback`: each role keeps only its first candidate (the model it names). */
export function withoutFallbacks(chains: Record<Role, ModelRef[]>): Record<Role, ModelRef[]> {
  return Object.fromEntries(ROLES.map((role) => [role, chains[role].slice(0, 1)])) as Record<Role, ModelRef[]>;
}
