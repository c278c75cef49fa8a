import type { ChatRequest } from './chat-request.js';
import type { Role } from './role.js';

/** What `[models.options]` sets on a request: per role (`executor`) or per model (`provider/model`). */
export type RequestSettings = Pick<ChatRequest, 'temperature' | 'maxOutputTokens' | 'reasoning'>;

/** The settings of every role and model, as `[models.options]` names them. */
export interface ModelOptions {
  byRole: Partial<Record<Role, RequestSettings>>;
  /** Keyed `provider/model`. */
  byModel: Record<string, RequestSettings>;
}

/** `[models.options]` entries (config keys) → request settings. */
export function requestSettingsFrom(options: {
  temperature?: number | undefined;
  max_output_tokens?: number | undefined;
  reasoning_effort?: 'minimal' | 'low' | 'medium' | 'high' | undefined;
  thinking_budget?: number | undefined;
}): RequestSettings {
  const settings: RequestSettings = {};
  if (options.temperature !== undefined) settings.temperature = options.temperature;
  if (options.max_output_tokens !== undefined) settings.maxOutputTokens = options.max_output_tokens;
  if (options.reasoning_effort !== undefined || options.thinking_budget !== undefined) {
    settings.reasoning = {
      ...(options.reasoning_effort !== undefined ? { effort: options.reasoning_effort } : {}),
      ...(options.thinking_budget !== undefined ? { budgetTokens: options.thinking_budget } : {}),
    };
  }
  return settings;
}
