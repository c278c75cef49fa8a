import { Command, Flags } from '@oclif/core';

export default class Serve extends Command {
  static override summary = 'Serve an OpenAI- and Anthropic-compatible gateway over your providers, for Codex CLI, Claude Code and SDKs.';
  static override description =
    'Every request goes through openkoi routing (retries, fallback, cooldowns) and is counted per client token ' +
    '(openkoi token create). Listens on 127.0.0.1 unless --host says otherwise; another host needs a token first. ' +
    'OpenAI clients use <url>/openai/v1 (or /v1), Anthropic clients <url>/anthropic. Models are provider/model or [gateway.aliases] names.';
  static override examples = ['<%= config.bin %> serve', '<%= config.bin %> serve --port 9000', '<%= config.bin %> serve --print-env', '<%= config.bin %> serve --host 0.0.0.0'];
  static override flags = {
    port: Flags.string({ description: 'Port to listen on (0: any free port). Default 8766.', helpValue: 'PORT' }),
    host: Flags.string({ description: 'Address to listen on. Default 127.0.0.1; anything else is reachable beyond this machine.', helpValue: 'HOST' }),
    'print-env': Flags.boolean({ description: 'Print the settings that point Codex CLI and Claude Code at the gateway, then exit.' }),
    config: Flags.string({ description: 'Config file used instead of OPENKOI_HOME/config.toml.', helpValue: 'PATH' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve);
    const { runServe } = await import('../app/run-serve.js');
    const controller = new AbortController();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
    process.exitCode = await runServe({
      printEnv: flags['print-env'],
      stdout: process.stdout,
      stderr: process.stderr,
      signal: controller.signal,
      ...(flags.port !== undefined ? { port: flags.port } : {}),
      ...(flags.host !== undefined ? { host: flags.host } : {}),
      ...(flags.config ? { configPath: flags.config } : {}),
    });
  }
}
