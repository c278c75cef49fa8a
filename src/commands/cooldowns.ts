import { Args, Command, Flags } from '@oclif/core';

export default class Cooldowns extends Command {
  static override summary = 'List the models that are cooling down, or clear their cooldowns.';
  static override description =
    'A model that failed with a transient error (429, 5xx, overloaded, timeout) is skipped until its cooldown ends, ' +
    'in every openkoi process (the cooldowns live in openkoi.db). `clear` ends them at once: all of them, or one model\'s.';
  static override examples = ['<%= config.bin %> cooldowns', '<%= config.bin %> cooldowns --json', '<%= config.bin %> cooldowns clear', '<%= config.bin %> cooldowns clear openai/gpt-4.1'];
  static override args = {
    action: Args.string({ description: 'clear: end cooldowns (default: list them).', options: ['list', 'clear'] }),
    model: Args.string({ description: 'With clear: only this provider/model.' }),
  };
  static override flags = {
    json: Flags.boolean({ description: 'Machine-readable JSON on stdout.' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Cooldowns);
    const { runCooldowns } = await import('../app/run-cooldowns.js');
    process.exitCode = runCooldowns({
      json: flags.json,
      stdout: process.stdout,
      stderr: process.stderr,
      ...(args.action ? { action: args.action } : {}),
      ...(args.model ? { model: args.model } : {}),
    });
  }
}
