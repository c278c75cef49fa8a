import type { ReasoningPart } from '../model/content-part.js';

/**
 * Reasoning from a vendor other than the client's own travels through the client inside the
 * wire format's opaque field (Anthropic `signature` / `redacted_thinking.data`, Responses
 * `encrypted_content`). Clients send those fields back unchanged, so the envelope brings back which
 * provider made the reasoning and that provider's own proof of it — DeepSeek's thinking mode, Bedrock's
 * signed reasoning and Gemini's thought signatures each need their reasoning returned on tool-call
 * turns, whatever wire the client speaks. It holds no secret: a client could write the same
 * reasoning text itself; the vendor's signature inside is checked by the vendor.
 */
const PREFIX = 'openkoi.reasoning.v1.';

interface Sealed {
  provider: string;
  signature?: string;
  encrypted?: string;
}

export function sealReasoning(part: Pick<ReasoningPart, 'provider' | 'signature' | 'encrypted'>): string {
  const sealed: Sealed = {
    provider: part.provider ?? '',
    ...(part.signature !== undefined ? { signature: part.signature } : {}),
    ...(part.encrypted !== undefined ? { encrypted: part.encrypted } : {}),
  };
  return PREFIX + Buffer.from(JSON.stringify(sealed), 'utf8').toString('base64url');
}

/** The reasoning a client sent back, if the value is an envelope this gateway made; else undefined. */
export function openReasoning(value: unknown): Sealed | undefined {
  if (typeof value !== 'string' || !value.startsWith(PREFIX)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value.slice(PREFIX.length), 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { provider, signature, encrypted } = parsed as Record<string, unknown>;
    if (typeof provider !== 'string' || provider === '') return undefined;
    return {
      provider,
      ...(typeof signature === 'string' ? { signature } : {}),
      ...(typeof encrypted === 'string' ? { encrypted } : {}),
    };
  } catch {
    return undefined;
  }
}

/** A reasoning part rebuilt from a client's block: its text, and what the envelope carried. */
export function reasoningPartOf(text: string, sealed: Sealed): ReasoningPart {
  return {
    type: 'reasoning',
    text,
    provider: sealed.provider,
    ...(sealed.signature !== undefined ? { signature: sealed.signature } : {}),
    ...(sealed.encrypted !== undefined ? { encrypted: sealed.encrypted } : {}),
  };
}
