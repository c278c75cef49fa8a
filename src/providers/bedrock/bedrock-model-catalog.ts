import type { ModelInfo } from '../model-provider.js';

/**
 * The Bedrock models openkoi knows (shared/PROVIDERS.md). Bedrock's own listing lives on another
 * client (`@aws-sdk/client-bedrock`, the control plane), not worth a dependency for a list.
 */
export const BEDROCK_MODELS: readonly ModelInfo[] = [
  { id: 'anthropic.claude-sonnet-4-20250514', contextWindow: 200_000, maxOutputTokens: 64_000, capabilities: ['chat', 'tools', 'vision', 'reasoning'] },
  { id: 'anthropic.claude-3-5-haiku-20241022', contextWindow: 200_000, maxOutputTokens: 8192, capabilities: ['chat', 'tools'] },
  { id: 'amazon.nova-pro-v1:0', contextWindow: 300_000, maxOutputTokens: 5000, capabilities: ['chat', 'tools', 'vision'] },
  { id: 'meta.llama3-3-70b-instruct-v1:0', contextWindow: 128_000, maxOutputTokens: 8192, capabilities: ['chat', 'tools'] },
  { id: 'amazon.titan-embed-text-v2:0', contextWindow: 8192, capabilities: ['embeddings'] },
  { id: 'cohere.embed-english-v3', contextWindow: 512, capabilities: ['embeddings'] },
  { id: 'cohere.embed-multilingual-v3', contextWindow: 512, capabilities: ['embeddings'] },
];
