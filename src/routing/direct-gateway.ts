import type { Role } from '../config/config-schema.js';
import { formatModelRef, type ModelRef } from '../model/model-ref.js';
import { ProviderError } from '../providers/provider-error.js';
import type {
  AttemptListener,
  AttemptRecord,
  GatewayChatResponse,
  GatewayStreamEvent,
  ModelGateway,
  RoleCallOptions,
  RoleRequest,
} from './model-gateway.js';
import type { ProviderPool } from './provider-pool.js';

/**
 * The simplest gateway: each role's first candidate, one attempt, no fallback. Tests and the
 * fallback router build on the same contract.
 */
export class DirectGateway implements ModelGateway {
  constructor(
    private readonly chains: Readonly<Record<Role, readonly ModelRef[]>>,
    private readonly pool: ProviderPool,
    private readonly onAttempt: AttemptListener = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  chain(role: Role): readonly ModelRef[] {
    return this.chains[role] ?? [];
  }

  private candidate(role: Role): ModelRef {
    const candidate = this.chain(role)[0];
    if (!candidate) throw new ProviderError(`No model is configured for the ${role} role.`, { kind: 'invalid-request', provider: 'none' });
    return candidate;
  }

  async chat(role: Role, request: RoleRequest, options: RoleCallOptions = {}): Promise<GatewayChatResponse> {
    const candidate = this.candidate(role);
    const startedAt = this.now();
    try {
      const provider = await this.pool.get(candidate.provider);
      const response = await provider.chat({ ...request, model: candidate.model }, options);
      const attempt = this.report(role, candidate, startedAt, options, { outcome: 'ok', usage: response.usage, responseModel: response.responseModel });
      return { ...response, servedBy: candidate, attempts: [attempt] };
    } catch (error) {
      this.reportError(role, candidate, startedAt, options, error);
      throw error;
    }
  }

  async *chatStream(role: Role, request: RoleRequest, options: RoleCallOptions = {}): AsyncIterable<GatewayStreamEvent> {
    const candidate = this.candidate(role);
    const startedAt = this.now();
    let usage: AttemptRecord['usage'];
    let responseModel: string | undefined;
    try {
      const provider = await this.pool.get(candidate.provider);
      yield { type: 'served-by', candidate };
      for await (const event of provider.chatStream({ ...request, model: candidate.model }, options)) {
        if (event.type === 'usage') usage = event.usage;
        if (event.type === 'response-metadata') responseModel = event.responseModel ?? responseModel;
        yield event;
      }
    } catch (error) {
      const attempt = this.reportError(role, candidate, startedAt, options, error, usage);
      yield { type: 'attempt', attempt };
      throw error;
    }
    const attempt = this.report(role, candidate, startedAt, options, { outcome: 'ok', usage, responseModel });
    yield { type: 'attempt', attempt };
  }

  async embed(texts: string[], options: RoleCallOptions = {}): Promise<Float32Array[]> {
    const candidate = this.candidate('embedder');
    const provider = await this.pool.get(candidate.provider);
    if (!provider.embed) {
      throw new ProviderError(`${formatModelRef(candidate)} cannot embed: ${provider.name} has no embeddings API.`, {
        kind: 'invalid-request',
        provider: candidate.provider,
        model: candidate.model,
      });
    }
    return provider.embed(texts, { ...options, model: candidate.model });
  }

  private report(
    role: Role,
    candidate: ModelRef,
    startedAt: number,
    options: RoleCallOptions,
    details: Partial<AttemptRecord> & Pick<AttemptRecord, 'outcome'>,
  ): AttemptRecord {
    const attempt: AttemptRecord = {
      role,
      candidate,
      startedAt,
      durationMs: this.now() - startedAt,
      waitedMs: 0,
      ...(options.taskId ? { taskId: options.taskId } : {}),
      ...details,
    };
    this.onAttempt(attempt);
    return attempt;
  }

  private reportError(role: Role, candidate: ModelRef, startedAt: number, options: RoleCallOptions, error: unknown, usage?: AttemptRecord['usage']): AttemptRecord {
    const providerError = error instanceof ProviderError ? error : undefined;
    return this.report(role, candidate, startedAt, options, {
      outcome: 'error',
      ...(providerError ? { errorKind: providerError.kind, message: providerError.message } : { message: String(error) }),
      ...(providerError?.status !== undefined ? { status: providerError.status } : {}),
      ...(usage ? { usage } : {}),
    });
  }
}
