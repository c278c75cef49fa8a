/**
 * The JSON of a tool call's input, assembled from streamed fragments. For wire APIs whose tool
 * input is always a JSON object (Anthropic, Bedrock Converse — their whole replies show it), JSON
 * that does not parse means the stream was damaged: a SyntaxError, which classifies as a
 * malformed server reply. An empty input is an empty object.
 */
export function parseStreamedToolInput(json: string): unknown {
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new SyntaxError(`the tool input JSON could not be parsed (${(error as Error).message})`);
  }
}
