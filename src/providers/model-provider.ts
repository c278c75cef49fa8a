import type { ChatRequest } from '../model/chat-request.js';
import type { ChatResponse } from '../model/chat-response.js';
import type { StreamEvent } from '../model/stream-event.js';

export interface ModelInfo {
  id: string;
  contextWindow?: number;
  maxOutputTokens?: number;
  capabilities?: Array<'chat' | 'tools' | 'embeddings' | 'vision' | 'reasoning'>;
  /** USD per million tokens, where the provider publishes them. */
  prices?: { input: number; output: number; cacheRead?: number; cacheWrite?: number };
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Milliseconds without a byte from the server before the call fails as a timeout. */
  idleTimeoutMs?: number;
}

export interface EmbedOptions extends CallOptions {
  model: string;
}

export interface ModelProvider {
  readonly id: string;
  readonly name: string;
  models(): Promise<ModelInfo[]>;
  chat(request: ChatRequest, options?: CallOptions): Promise<ChatResponse>;
  chatStream(request: ChatRequest, options?: CallOptions): AsyncIterable<StreamEvent>;
  embed?(texts: string[], options: EmbedOptions): Promise<Float32Array[]>;
}
