import { Args, Command } from '@oclif/core';

export default class Connect extends Command {
  static override summary = 'Connect a provider: ChatGPT or GitHub sign-in, or an API key.';
  static override description =
    'With no target, a picker lists them all. chatgpt: ChatGPT Plus/Pro device sign-in (openai-codex provider). ' +
    'copilot (github): GitHub Models with your GitHub login (device flow with [auth.github] client_id, the GitHub CLI\'s login, or a token). ' +
    'A vendor id (anthropic, openai, groq, ...): paste an API key (hidden; or pipe it), checked with one request and saved 0600 in OPENKOI_HOME/credentials. ' +
    'Without a terminal the device code is printed on stderr. See also: openkoi connect status, openkoi disconnect.';
  static override examples = ['<%= config.bin %> connect', '<%= config.bin %> connect chatgpt', '<%= config.bin %> connect copilot', '<%= config.bin %> connect groq < key.txt'];
  static override args = { target: Args.string({ description: 'chatgpt, copilot (github), or a provider id for an API key.' }) };

  async run(): Promise<void> {
    const { args } = await this.parse(Connect);
    const { runConnect } = await import('../app/run-connect.js');
    const controller = new AbortController();
    const onInterrupt = () => controller.abort(new Error('interrupted'));
    process.once('SIGINT', onInterrupt);
    try {
      process.exitCode = await runConnect({
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
        signal: controller.signal,
        ...(args.target ? { target: args.target } : {}),
      });
    } finally {
      process.off('SIGINT', onInterrupt);
    }
  }
}
