export interface TrustQuestion {
  /** The folder, canonical. */
  workspace: string;
  /** The project config file, when it sets keys that apply only once trusted. */
  projectFile?: string;
  /** Those keys. */
  ignoredKeys: string[];
  /** `./.mcp.json`, when present: its servers start only once trusted. */
  mcpFile?: string;
}

export interface TrustTerminal {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** Ctrl-C at the question: the caller ends the run quietly (exit 130). */
export class TrustQuestionInterrupted extends Error {
  override name = 'TrustQuestionInterrupted';
}

/**
 * The one-time question, as Claude Code and Codex ask it: what trusting this folder would let its
 * files do, then yes / no (no by default: an Enter typed ahead never grants trust).
 */
export async function confirmWorkspaceTrust(terminal: TrustTerminal, question: TrustQuestion): Promise<boolean> {
  const lines = [`This folder is not trusted yet: ${question.workspace}`];
  if (question.projectFile && question.ignoredKeys.length > 0) {
    lines.push(`  ${question.projectFile} sets ${question.ignoredKeys.join(', ')}`);
    lines.push('  (settings that can send your keys to another server, run programs or raise your budgets).');
  }
  if (question.mcpFile) lines.push(`  ${question.mcpFile} starts MCP servers (programs on this machine).`);
  lines.push('Trust it only if you know where it comes from. No: this run goes without them, and you are asked again next time.');
  terminal.output.write(`${lines.join('\n')}\n`);
  const { confirm } = await import('@inquirer/prompts');
  try {
    return await confirm({ message: 'Trust this folder?', default: false }, { input: terminal.input, output: terminal.output });
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') throw new TrustQuestionInterrupted('interrupted at the trust question');
    throw error;
  }
}
