/**
 * Gemini's thinking models sign the function calls they make (`thoughtSignature` on the part),
 * and Gemini 3 rejects a conversation whose function call comes back without its signature.
 * Our ToolCallPart has no room for a vendor's opaque data, so the adapter remembers each
 * signature by the call id it handed out and puts it back when the call returns in the history.
 *
 * Module-wide rather than per adapter: the engine may build a fresh adapter between turns.
 * Bounded: an agent session makes hundreds of calls, not millions; the oldest are forgotten.
 */
const MAXIMUM_REMEMBERED = 2000;
const signatures = new Map<string, string>();

export function rememberThoughtSignature(toolCallId: string, signature: string | undefined): void {
  if (!signature) return;
  signatures.delete(toolCallId);
  signatures.set(toolCallId, signature);
  while (signatures.size > MAXIMUM_REMEMBERED) signatures.delete(signatures.keys().next().value as string);
}

export function recallThoughtSignature(toolCallId: string): string | undefined {
  return signatures.get(toolCallId);
}

/**
 * Google's documented stand-in for a signature the client does not have (a history written by
 * another model, or by an earlier openkoi process): it tells the API to skip the check.
 */
export const UNKNOWN_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';
