import type { AttemptRecord } from '../model/attempt-record.js';
import { formatModelRef } from '../model/model-ref.js';
import type { Embedded, TextEmbedder } from '../memory/text-embedder.js';
import type { ModelGateway } from '../routing/model-gateway.js';

/**
 * Memory's embedder, served by the gateway's embedder role: fallback, cooldowns, usage rows and
 * cost like every other role. Which candidate served is read from the attempts the gateway
 * reports (wire `onAttempt` to this object's): vectors of two models must never share a space.
 * Calls run one at a time, so "the last success" is always this call's.
 */
export class GatewayEmbedder implements TextEmbedder {
  private served: AttemptRecord['candidate'] | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly gateway: ModelGateway,
    private readonly taskId?: string,
  ) {}

  get preferredModel(): string | undefined {
    const first = this.gateway.chain('embedder')[0];
    return first ? formatModelRef(first) : undefined;
  }

  readonly onAttempt = (attempt: AttemptRecord): void => {
    if (attempt.role === 'embedder' && attempt.outcome === 'ok') this.served = attempt.candidate;
  };

  embed(texts: string[], signal?: AbortSignal): Promise<Embedded> {
    const run = this.queue.then(async () => {
      this.served = undefined;
      const vectors = await this.gateway.embed(texts, { ...(signal ? { signal } : {}), ...(this.taskId ? { taskId: this.taskId } : {}) });
      const served = this.served ?? this.gateway.chain('embedder')[0];
      if (!served) throw new Error('the embedder role has no model');
      return { vectors, model: formatModelRef(served) };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
