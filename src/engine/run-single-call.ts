import type { ChatRequest } from '../model/chat-request.js';
import { emptyUsage, type Usage } from '../model/usage.js';
import type { ModelProvider } from '../providers/model-provider.js';

export interface SingleCallResult {
  text: string;
  usage: Usage;
  finishReason: string;
  responseModel: string | undefined;
}

/**
 * One executor call: the reply streams to `onText` as it arrives (or, with stream off, arrives
 * whole). The engine's loop builds on this; it stays the path of `-i 0`.
 */
export async function runSingleCall(
  provider: ModelProvider,
  request: ChatRequest,
  options: { stream: boolean; onText: (text: string) => void; signal?: AbortSignal },
): Promise<SingleCallResult> {
  const callOptions = options.signal ? { signal: options.signal } : {};
  if (!options.stream) {
    const response = await provider.chat(request, callOptions);
    options.onText(response.text);
    return {
      text: response.text,
      usage: response.usage,
      finishReason: response.finishReason,
      responseModel: response.responseModel,
    };
  }
  let text = '';
  let usage = emptyUsage();
  let finishReason = 'other';
  let responseModel: string | undefined;
  for await (const event of provider.chatStream(request, callOptions)) {
    switch (event.type) {
      case 'text-delta':
        text += event.text;
        options.onText(event.text);
        break;
      case 'usage':
        usage = event.usage;
        break;
      case 'response-metadata':
        responseModel = event.responseModel ?? responseModel;
        break;
      case 'finish':
        finishReason = event.finishReason;
        break;
      default:
        break;
    }
  }
  return { text, usage, finishReason, responseModel };
}
