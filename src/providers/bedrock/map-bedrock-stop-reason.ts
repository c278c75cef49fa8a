import type { FinishReason } from '../../model/finish-reason.js';

/** Converse's `stopReason` in our unified vocabulary; the raw value travels beside it. */
export function mapBedrockStopReason(stopReason: string | undefined): FinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    // The model ran out of context window rather than output budget: cut short all the same.
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content-filter';
    default:
      return 'other';
  }
}
