import type { ModelInfo as AnthropicModelInfo } from '@anthropic-ai/sdk/resources/models';
import type { ModelInfo } from '../model-provider.js';

/**
 * One entry of `GET /v1/models` as ours. Prices are not in the listing; the usage module's price
 * table supplies them.
 */
export function convertAnthropicModelInfo(model: AnthropicModelInfo): ModelInfo {
  // Every Messages model chats and calls tools; the listing says which also see images or think.
  const capabilities: NonNullable<ModelInfo['capabilities']> = ['chat', 'tools'];
  if (model.capabilities?.image_input?.supported) capabilities.push('vision');
  if (model.capabilities?.thinking?.supported) capabilities.push('reasoning');
  const info: ModelInfo = { id: model.id, capabilities };
  if (typeof model.max_input_tokens === 'number') info.contextWindow = model.max_input_tokens;
  if (typeof model.max_tokens === 'number') info.maxOutputTokens = model.max_tokens;
  return info;
}
