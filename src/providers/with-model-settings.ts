import type { ChatRequest } from '../model/chat-request.js';
import type { RequestSettings } from '../model/request-settings.js';
import type { CallOptions, ModelProvider } from './model-provider.js';

/**
 * A provider whose requests carry `[models.options."provider/model"]`: the settings of the model
 * asked for are laid over the request (over the role's), so a fallback candidate gets its own
 * settings, not the first candidate's.
 */
export function withModelSettings(provider: ModelProvider, settingsByModel: Readonly<Record<string, RequestSettings>>): ModelProvider {
  if (Object.keys(settingsByModel).length === 0) return provider;
  const apply = (request: ChatRequest): ChatRequest => {
    const settings = settingsByModel[request.model];
    return settings ? { ...request, ...settings } : request;
  };
  const wrapped: ModelProvider = {
    id: provider.id,
    name: provider.name,
    models: () => provider.models(),
    chat: (request: ChatRequest, options?: CallOptions) => provider.chat(apply(request), options),
    chatStream: (request: ChatRequest, options?: CallOptions) => provider.chatStream(apply(request), options),
  };
  if (provider.embed) wrapped.embed = provider.embed.bind(provider);
  return wrapped;
}
