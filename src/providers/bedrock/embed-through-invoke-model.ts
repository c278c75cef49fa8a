import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { CallDeadline } from '../call-deadline.js';
import { ProviderError } from '../provider-error.js';

type BedrockModule = typeof import('@aws-sdk/client-bedrock-runtime');

/** Cohere's embed models take at most this many texts per request. */
const COHERE_BATCH_SIZE = 96;

/**
 * Embeddings through InvokeModel, whose body is each model family's own: Amazon Titan Text
 * Embeddings (`amazon.titan-embed-text-v1`, `-v2:0`) embed one text per request, Cohere Embed
 * (`cohere.embed-english-v3`, `-multilingual-v3`) up to 96. Other models have no embeddings here.
 */
export async function embedThroughInvokeModel(
  client: BedrockRuntimeClient,
  sdk: BedrockModule,
  texts: string[],
  modelId: string,
  deadline: CallDeadline,
): Promise<Float32Array[]> {
  const invoke = async (body: unknown): Promise<any> => {
    const output = await client.send(
      new sdk.InvokeModelCommand({ modelId, contentType: 'application/json', accept: 'application/json', body: JSON.stringify(body) }),
      { abortSignal: deadline.signal },
    );
    deadline.touch();
    try {
      return JSON.parse(new TextDecoder().decode(output.body));
    } catch (error) {
      throw new SyntaxError(`the embedding reply is not JSON (${(error as Error).message})`);
    }
  };
  const family = embeddingFamily(modelId);
  if (family === 'titan') {
    const vectors: Float32Array[] = [];
    for (const text of texts) vectors.push(vectorOf((await invoke({ inputText: text }))?.embedding, modelId));
    return vectors;
  }
  if (family === 'cohere') {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += COHERE_BATCH_SIZE) {
      const batch = texts.slice(start, start + COHERE_BATCH_SIZE);
      // search_document: these vectors are stored for recall, the use Cohere names so.
      const reply = await invoke({ texts: batch, input_type: 'search_document', embedding_types: ['float'] });
      const embeddings: unknown = Array.isArray(reply?.embeddings) ? reply.embeddings : reply?.embeddings?.float;
      if (!Array.isArray(embeddings) || embeddings.length !== batch.length) {
        throw new ProviderError(`Amazon Bedrock returned no embeddings for ${batch.length} texts (bedrock/${modelId})`, {
          kind: 'server',
          provider: 'bedrock',
          model: modelId,
        });
      }
      for (const embedding of embeddings) vectors.push(vectorOf(embedding, modelId));
    }
    return vectors;
  }
  throw new ProviderError(
    `bedrock/${modelId} has no embeddings in openkoi: use amazon.titan-embed-text-v2:0 or cohere.embed-english-v3 (or cohere.embed-multilingual-v3).`,
    { kind: 'invalid-request', provider: 'bedrock', model: modelId },
  );
}

function embeddingFamily(modelId: string): 'titan' | 'cohere' | undefined {
  // Plain ids or cross-region inference profiles (`us.cohere.embed-…`).
  if (/(^|\.)amazon\.titan-embed-text/.test(modelId)) return 'titan';
  if (/(^|\.)cohere\.embed-/.test(modelId)) return 'cohere';
  return undefined;
}

function vectorOf(values: unknown, modelId: string): Float32Array {
  if (Array.isArray(values) && values.every((value) => typeof value === 'number')) return Float32Array.from(values as number[]);
  throw new ProviderError(`Amazon Bedrock sent an embedding that is not a list of numbers (bedrock/${modelId})`, {
    kind: 'server',
    provider: 'bedrock',
    model: modelId,
  });
}
