/** A problem with a tool call's arguments or target (outside the workspace, no match): goes back to the model as a tool error. */
export class ToolInputError extends Error {
  override name = 'ToolInputError';
}
