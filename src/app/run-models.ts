import { listAvailableModels } from '../auth/list-available-models.js';
import { loadConfig } from '../config/load-config.js';
import { decideWorkspaceTrust, untrustedWorkspaceWarning } from './resolve-workspace-trust.js';
import { renderModelList } from '../ui/render-model-list.js';
import { EXIT } from './exit-codes.js';
import { loadConfigSchema } from '../config/config-schema-registry.js';

export interface RunModelsInput {
  provider?: string;
  configPath?: string;
  json: boolean;
  environment?: NodeJS.ProcessEnv;
  workspace?: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** `openkoi models`: returns the exit code. */
export async function runModels(input: RunModelsInput): Promise<number> {
  // loadConfig validates with zod, which this command loads up front (only status may skip it).
  await loadConfigSchema();
  try {
    const environment = input.environment ?? process.env;
    const workspace = input.workspace ?? process.cwd();
    // `models` calls each provider's list endpoint: an untrusted folder's [providers] must not
    // point those calls (and their keys) elsewhere. It never asks; `openkoi trust` does.
    const trust = decideWorkspaceTrust({
      workspace,
      environment,
      load: (trusted) => loadConfig({ environment, workspace, trusted, ...(input.configPath ? { explicitPath: input.configPath } : {}) }),
    });
    const trustWarning = untrustedWorkspaceWarning(trust);
    if (trustWarning) input.stderr.write(`openkoi: warning: ${trustWarning}\n`);
    const lists = await listAvailableModels({
      environment,
      config: trust.loaded.config,
      ...(input.provider ? { provider: input.provider } : {}),
      onWarning: (message) => input.stderr.write(`openkoi: warning: ${message}\n`),
    });
    input.stdout.write(input.json ? `${JSON.stringify({ providers: lists }, null, 2)}\n` : renderModelList(lists));
    return EXIT.ok;
  } catch (error) {
    input.stderr.write(`openkoi: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
}
