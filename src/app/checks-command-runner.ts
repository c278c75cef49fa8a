// The CommandRunner for the evaluator's checks: the shell tool's own (sandboxed when bwrap works
// here, `[tools] network` honoured), so a test command a repository chose cannot write outside the
// workspace either. The sandbox is probed on the first check only: a run without checks pays nothing.
import type { ToolsConfig } from '../config/config-schema.js';
import { createCommandRunner } from '../tools/shell/command-runner.js';
import { detectSandbox, type SandboxStatus } from '../tools/shell/sandbox.js';
import type { CommandRunner } from '../tools/tool.js';

export interface ChecksCommandRunnerInput {
  workspace: string;
  config: ToolsConfig | undefined;
  environment: NodeJS.ProcessEnv;
  /** A decision already made (tests, or the tools of this run); else detected when first needed. */
  sandbox?: SandboxStatus | undefined;
}

export function checksCommandRunner(input: ChecksCommandRunnerInput): CommandRunner {
  let runner: CommandRunner | undefined;
  return {
    run(command, options) {
      runner ??= createCommandRunner({
        workspace: input.workspace,
        sandbox: input.sandbox ?? detectSandbox(input.environment),
        network: input.config?.network === true,
        environment: input.environment,
      });
      return runner.run(command, options);
    },
  };
}
