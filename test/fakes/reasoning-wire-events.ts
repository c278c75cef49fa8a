// Reasoning replies as the vendors stream them, written from their documented formats (Anthropic
// extended thinking events, Gemini thought parts with thought signatures); none is a copied
// recording. The adapter wire tests and the gateway's passthrough tests script the same replies.

export const CLAUDE_SIGNATURE = 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds3FR5q+Kz8V3e5iKQ0mBg==';
/** Quotes, non-ASCII and trailing spaces: what a byte-identical round trip must keep. */
export const CLAUDE_THINKING = 'The user wants README.md; I will read it.\n\n"Quotes", unicode — é, and trailing spaces  ';
export const CLAUDE_REDACTED = 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP';

/** Claude's turn: signed thinking (in two deltas), redacted thinking, then a read_file call. */
export function claudeThinkingThenToolEvents(): unknown[] {
  const block = (index: number, content_block: unknown) => ({ type: 'content_block_start', index, content_block });
  const delta = (index: number, value: unknown) => ({ type: 'content_block_delta', index, delta: value });
  return [
    { type: 'message_start', message: { id: 'msg_t', type: 'message', role: 'assistant', model: 'claude-sonnet-4-6', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 50, output_tokens: 1 } } },
    block(0, { type: 'thinking', thinking: '', signature: '' }),
    delta(0, { type: 'thinking_delta', thinking: CLAUDE_THINKING.slice(0, 20) }),
    delta(0, { type: 'thinking_delta', thinking: CLAUDE_THINKING.slice(20) }),
    delta(0, { type: 'signature_delta', signature: CLAUDE_SIGNATURE }),
    { type: 'content_block_stop', index: 0 },
    block(1, { type: 'redacted_thinking', data: CLAUDE_REDACTED }),
    { type: 'content_block_stop', index: 1 },
    block(2, { type: 'tool_use', id: 'toolu_01', name: 'read_file', input: {} }),
    delta(2, { type: 'input_json_delta', partial_json: '{"path":"README.md"}' }),
    { type: 'content_block_stop', index: 2 },
    { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 90 } },
    { type: 'message_stop' },
  ];
}

/** That turn as Anthropic must receive it back with the tool result: every block unchanged. */
export const CLAUDE_TURN_SENT_BACK = {
  role: 'assistant',
  content: [
    { type: 'thinking', thinking: CLAUDE_THINKING, signature: CLAUDE_SIGNATURE },
    { type: 'redacted_thinking', data: CLAUDE_REDACTED },
    { type: 'tool_use', id: 'toolu_01', name: 'read_file', input: { path: 'README.md' } },
  ],
};

export const GEMINI_THOUGHT = '**Reading the file**\nI need README.md.';
export const GEMINI_THOUGHT_SIGNATURE = 'CiQBcsjafThoughtSig==';
export const GEMINI_CALL_SIGNATURE = 'CiQBcsjafCallSig==';

/** Gemini's turn, streamed: a signed thought summary, then a signed read_file call. */
export function geminiThoughtThenCallEvents(): unknown[] {
  const candidate = (parts: unknown[], finishReason?: string) => ({
    candidates: [{ content: { role: 'model', parts }, index: 0, ...(finishReason ? { finishReason } : {}) }],
    modelVersion: 'gemini-2.5-pro',
    usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 5, thoughtsTokenCount: 40, totalTokenCount: 75 },
  });
  return [
    candidate([{ text: GEMINI_THOUGHT, thought: true, thoughtSignature: GEMINI_THOUGHT_SIGNATURE }]),
    candidate([{ functionCall: { name: 'read_file', args: { path: 'README.md' } }, thoughtSignature: GEMINI_CALL_SIGNATURE }], 'STOP'),
  ];
}

/** That turn's parts as Gemini must receive them back: the thought and the call, each with its signature. */
export const GEMINI_PARTS_SENT_BACK = [
  { text: GEMINI_THOUGHT, thought: true, thoughtSignature: GEMINI_THOUGHT_SIGNATURE },
  { functionCall: { name: 'read_file', args: { path: 'README.md' } }, thoughtSignature: GEMINI_CALL_SIGNATURE },
];
