import { existsSync, readFileSync } from 'node:fs';
import { parse as parseToml, TomlError } from 'smol-toml';
import { ConfigError } from './config-error.js';
import { configSchema, DEFAULT_CONFIG, type OpenkoiConfig } from './config-schema.js';
import { environmentOverrides } from './environment-overrides.js';
import { formatConfigIssues } from './format-config-issues.js';
import { mergeLayers } from './merge-layers.js';
import { projectConfigPath, userConfigPath } from './paths.js';

export interface LoadConfigOptions {
  environment?: NodeJS.ProcessEnv;
  workspace?: string;
  /** `--config PATH`: used instead of the user file, and it must exist. */
  explicitPath?: string;
  /** Values from command-line flags, already shaped like the config. */
  flags?: OpenkoiConfig;
}

export interface LoadedConfig {
  config: OpenkoiConfig;
  /** The files that contributed, lowest precedence first. */
  files: string[];
}

/** Layering: flags > environment (OPENKOI_*) > project file > user file > defaults. */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const environment = options.environment ?? process.env;
  const files: string[] = [];
  const layers: OpenkoiConfig[] = [DEFAULT_CONFIG];

  const userPath = options.explicitPath ?? userConfigPath(environment);
  if (options.explicitPath && !existsSync(options.explicitPath)) {
    throw new ConfigError(`Config file ${options.explicitPath} (from --config) does not exist.`, options.explicitPath);
  }
  for (const path of [userPath, projectConfigPath(options.workspace)]) {
    const layer = readConfigFile(path);
    if (layer) {
      layers.push(layer);
      files.push(path);
    }
  }
  layers.push(validateLayer(environmentOverrides(environment), 'environment (OPENKOI_* variables)'));
  if (options.flags) layers.push(validateLayer(options.flags, 'command-line flags'));
  return { config: mergeLayers(layers), files };
}

/** Parses and validates one TOML file; undefined when it does not exist. */
export function readConfigFile(path: string): OpenkoiConfig | undefined {
  if (!existsSync(path)) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${path}: ${(error as Error).message}`, path);
  }
  let data: unknown;
  try {
    data = parseToml(text);
  } catch (error) {
    const where = error instanceof TomlError ? ` at line ${error.line}, column ${error.column}` : '';
    const reason = (error as Error).message.split('\n')[0];
    throw new ConfigError(`Config file ${path} is not valid TOML${where}: ${reason}`, path);
  }
  return validateLayer(data, path);
}

function validateLayer(data: unknown, source: string): OpenkoiConfig {
  const result = configSchema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  const problems = formatConfigIssues(result.error.issues);
  const firstKey = result.error.issues[0]?.path.map(String).join('.');
  throw new ConfigError(`Invalid configuration in ${source}:\n  - ${problems.join('\n  - ')}`, source, firstKey);
}
