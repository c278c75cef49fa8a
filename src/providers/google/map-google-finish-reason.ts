import type { FinishReason } from '../../model/finish-reason.js';

/**
 * Gemini's `finishReason` (or a prompt's `blockReason`) in our unified vocabulary. Gemini says
 * STOP after function calls as well, so whether the reply holds calls decides `tool-calls`.
 */
export function mapGoogleFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  switch (reason) {
    case 'STOP':
      return hasToolCalls ? 'tool-calls' : 'stop';
    case 'MAX_TOKENS':
    // The per-request token limit ended a reply that could go on; the SDK's automatic
    // continuation is off, so for a caller it is cut short like MAX_TOKENS.
    case 'CONTINUATION':
      return 'length';
    // Every reason that means "the vendor's filters stopped it", for text or images, and the
    // prompt-level block reasons (SAFETY, BLOCKLIST, PROHIBITED_CONTENT, IMAGE_SAFETY, OTHER...)
    // that a blocked prompt reports in promptFeedback.
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
    case 'IMAGE_PROHIBITED_CONTENT':
    case 'IMAGE_RECITATION':
      return 'content-filter';
    // The model wrote a function call the API could not accept: the reply is broken.
    case 'MALFORMED_FUNCTION_CALL':
    case 'UNEXPECTED_TOOL_CALL':
      return 'error';
    default:
      // LANGUAGE, OTHER, TOO_MANY_TOOL_CALLS, FINISH_REASON_UNSPECIFIED and reasons newer than this adapter.
      return 'other';
  }
}
