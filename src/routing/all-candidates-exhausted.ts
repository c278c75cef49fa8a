import type { Role } from '../model/role.js';
import { formatModelRef, type ModelRef } from '../model/model-ref.js';
import { kindLabel } from '../providers/classify-http-error.js';
import type { ProviderErrorKind } from '../providers/provider-error.js';
import type { AttemptRecord } from './model-gateway.js';

/** What became of one candidate of the chain by the time the gateway gave up. */
export interface ExhaustedCandidate {
  candidate: ModelRef;
  /** The candidate's last error in this call, or the one that cooled it down in another process. */
  lastError?: { kind: ProviderErrorKind; status?: number; message: string };
  /** Epoch ms; set while the candidate is cooling. */
  cooldownUntil?: number;
  /** Why the cooldown is shorter than the vendor asked (max_cooldown_s). */
  cooldownNote?: string;
}

/** Every candidate of a role's chain failed or is cooling down; nothing was left to try. */
export class AllCandidatesExhausted extends Error {
  override name = 'AllCandidatesExhausted';

  constructor(
    readonly role: Role,
    readonly candidates: readonly ExhaustedCandidate[],
    readonly attempts: readonly AttemptRecord[],
    now: number,
    reason = 'every candidate failed or is cooling down',
  ) {
    super(
      [
        `No model could serve the ${role} role: ${reason}.`,
        ...candidates.map((entry) => `  - ${describeCandidate(entry, now)}`),
        `Wait for a cooldown to end (openkoi status lists them), or add candidates to [models.fallback] ${role}.`,
      ].join('\n'),
    );
  }
}

function describeCandidate(entry: ExhaustedCandidate, now: number): string {
  const error = entry.lastError;
  const what = error
    ? `${kindLabel(error.kind)}${error.status !== undefined ? ` (HTTP ${error.status})` : ''}: ${error.message}`
    : 'not tried';
  const cooling =
    entry.cooldownUntil !== undefined && entry.cooldownUntil > now
      ? `; cooling until ${new Date(entry.cooldownUntil).toISOString()} (${Math.ceil((entry.cooldownUntil - now) / 1000)} s from now${entry.cooldownNote ? `: ${entry.cooldownNote}` : ''})`
      : '';
  return `${formatModelRef(entry.candidate)}: ${what}${cooling}`;
}
