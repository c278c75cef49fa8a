export interface TextPart {
  type: 'text';
  text: string;
}

/**
 * The model's reasoning (thinking) as the vendor sent it. `signature` and `encrypted` are the
 * vendor's opaque proof of it (Anthropic and Bedrock `signature`, Gemini `thoughtSignature`;
 * Anthropic `redacted_thinking.data`, Bedrock `redactedContent`): never read, never shown, only
 * sent back unchanged where the vendor requires its own reasoning returned (Anthropic and Bedrock
 * extended thinking with tools, DeepSeek's thinking mode on tool-call turns).
 */
export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  signature?: string;
  /** Reasoning the vendor hid from us, as its opaque payload (the text is then empty). */
  encrypted?: string;
  /**
   * The provider id that produced it. A signature only means something to the vendor that made
   * it, so adapters send reasoning back only to the same provider.
   */
  provider?: string;
}

export interface ToolCallPart {
  type: 'tool-call';
  /** The vendor's id for this call; the matching tool result carries it back. */
  toolCallId: string;
  toolName: string;
  /** Parsed JSON arguments. */
  input: unknown;
}

export interface ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  toolName: string;
  /** What the tool returned, as text the model reads. */
  output: string;
  isError?: boolean;
}

/** What an assistant turn may hold, in the order the model produced it. */
export type AssistantPart = TextPart | ReasoningPart | ToolCallPart;

export type ContentPart = TextPart | ReasoningPart | ToolCallPart | ToolResultPart;
