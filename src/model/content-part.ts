export interface TextPart {
  type: 'text';
  text: string;
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

export type ContentPart = TextPart | ToolCallPart | ToolResultPart;
