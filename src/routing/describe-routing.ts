import { ROLES, type Role } from '../model/role.js';
import { formatModelRef, type ModelRef } from '../model/model-ref.js';
import type { ProviderErrorKind } from '../providers/provider-error.js';
import type { Cooldown, CooldownStore } from './cooldown-store.js';

export interface CoolingCandidate {
  /** `provider/model`. */
  candidate: string;
  untilMs: number;
  /** ISO 8601, for display. */
  until: string;
  remainingMs: number;
  errorKind: ProviderErrorKind;
  status?: number;
  message?: string;
}

export interface RoleRouting {
  role: Role;
  /** `provider/model` in the order they are tried; the first is the primary. */
  chain: string[];
  /** The chain's candidates cooling right now. */
  cooling: CoolingCandidate[];
}

export interface RoutingDescription {
  roles: RoleRouting[];
  /** Every cooling model, chained or not (another project's config may have cooled it), earliest first. */
  cooling: CoolingCandidate[];
}

/** For `openkoi status`: each role's resolved chain and the models cooling down, with until when. */
export function describeRouting(chains: Readonly<Record<Role, readonly ModelRef[]>>, cooldowns: CooldownStore, now: number = Date.now()): RoutingDescription {
  const cooling = cooldowns.active(now).map((row) => describeCooldown(row, now));
  const byCandidate = new Map(cooling.map((entry) => [entry.candidate, entry]));
  return {
    roles: ROLES.map((role) => {
      const chain = (chains[role] ?? []).map(formatModelRef);
      return { role, chain, cooling: chain.flatMap((candidate) => byCandidate.get(candidate) ?? []) };
    }),
    cooling,
  };
}

function describeCooldown(row: Cooldown, now: number): CoolingCandidate {
  return {
    candidate: formatModelRef(row.candidate),
    untilMs: row.untilMs,
    until: new Date(row.untilMs).toISOString(),
    remainingMs: row.untilMs - now,
    errorKind: row.errorKind,
    ...(row.status !== undefined ? { status: row.status } : {}),
    ...(row.message !== undefined ? { message: row.message } : {}),
  };
}
