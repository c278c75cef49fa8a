import { listAvailableModels } from '../auth/list-available-models.js';
import { renderModelList } from '../ui/render-model-list.js';
import { EXIT } from './exit-codes.js';

export interface RunModelsInput {
  provider?: string;
  configPath?: string;
  json: boolean;
  environment?: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** `openkoi models`: returns the exit code. */
export async function runModels(input: RunModelsInput): Promise<number> {
  try {
    const lists = await listAvailableModels({
      ...(input.environment ? { environment: input.environment } : {}),
      ...(input.provider ? { provider: input.provider } : {}),
      ...(input.configPath ? { configPath: input.configPath } : {}),
      onWarning: (message) => input.stderr.write(`openkoi: warning: ${message}\n`),
    });
    input.stdout.write(input.json ? `${JSON.stringify({ providers: lists }, null, 2)}\n` : renderModelList(lists));
    return EXIT.ok;
  } catch (error) {
    input.stderr.write(`openkoi: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
}
