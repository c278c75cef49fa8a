import type { ModelRef } from '../model/model-ref.js';
import { formatModelRef } from '../model/model-ref.js';
import type { Role } from '../model/role.js';
import type { ModelProvider } from '../providers/model-provider.js';
import { ProviderError } from '../providers/provider-error.js';

/** A role's candidates that cannot be sent to (unknown provider, no credential), with why. */
export interface RoleProviderCheck {
  role: Role;
  unavailable: Array<{ candidate: ModelRef; error: ProviderError }>;
  /** No candidate of the role can be sent to: the run must not start. */
  unservable: boolean;
}

/**
 * The preflight of a run: every role it will use must have at least one candidate whose provider
 * is known and has a credential, checked before the first request so that a missing evaluator
 * key stops the run before the planner and executor are billed. Creating a provider sends nothing.
 */
export async function checkRoleProviders(
  chains: Readonly<Record<Role, readonly ModelRef[]>>,
  roles: readonly Role[],
  pool: { get(providerId: string): Promise<ModelProvider> },
): Promise<RoleProviderCheck[]> {
  const providers = new Map<string, Promise<ProviderError | undefined>>();
  const check = (providerId: string): Promise<ProviderError | undefined> => {
    let result = providers.get(providerId);
    if (!result) {
      result = pool.get(providerId).then(
        () => undefined,
        (error: unknown) => (error instanceof ProviderError ? error : new ProviderError(String(error), { kind: 'invalid-request', provider: providerId })),
      );
      providers.set(providerId, result);
    }
    return result;
  };
  const checks: RoleProviderCheck[] = [];
  for (const role of roles) {
    const chain = chains[role] ?? [];
    const unavailable: RoleProviderCheck['unavailable'] = [];
    for (const candidate of chain) {
      const error = await check(candidate.provider);
      if (error) unavailable.push({ candidate, error });
    }
    checks.push({ role, unavailable, unservable: unavailable.length === chain.length });
  }
  return checks;
}

/** One line per unavailable candidate: `executor openai/gpt-4.1: <why>`. */
export function describeUnavailable(check: RoleProviderCheck): string[] {
  return check.unavailable.map(({ candidate, error }) => `${check.role} ${formatModelRef(candidate)}: ${error.message}`);
}
