import type { FinishReason } from '../../model/finish-reason.js';

/** Anthropic's `stop_reason` in our unified vocabulary; the raw value travels beside it. */
export function mapAnthropicStopReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    // The model ran out of room in its context window rather than its output budget:
    // for a caller it is the same "cut short" outcome as max_tokens.
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'refusal':
      return 'content-filter';
    default:
      // pause_turn (a server tool paused a long turn) and reasons newer than this adapter.
      return 'other';
  }
}
