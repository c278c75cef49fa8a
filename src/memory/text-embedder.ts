/** Vectors and the embedder model (provider/model) that actually made them. */
export interface Embedded {
  vectors: Float32Array[];
  model: string;
}

/**
 * What memory needs of an embedder. The application passes one backed by the gateway (the
 * embedder role's chain, with fallback and usage rows); memory itself knows no routing.
 */
export interface TextEmbedder {
  /** The model expected to serve (the chain's first): cached vectors are looked up under it. */
  readonly preferredModel: string | undefined;
  embed(texts: string[], signal?: AbortSignal): Promise<Embedded>;
}
