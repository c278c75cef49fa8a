import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { ConfigError } from './config-error.js';
import type { z } from 'zod';
import type { OpenkoiConfig } from './config-schema.js';
import { loadConfigSchema, loadFlagLayerSchema, schemaForLayer } from './config-schema-registry.js';
import { DEFAULT_CONFIG } from './default-config.js';
import { environmentOverrides, variableForKey } from './environment-overrides.js';
import { formatConfigIssues } from './format-config-issues.js';
import { mergeLayers } from './merge-layers.js';
import { projectConfigPath, userConfigPath } from './paths.js';
import { filterUntrustedProjectConfig } from './untrusted-project-keys.js';

export interface LoadConfigOptions {
  environment?: NodeJS.ProcessEnv;
  workspace?: string;
  /** `--config PATH`: used instead of the user file, and it must exist. */
  explicitPath?: string;
  /** Values from command-line flags, already shaped like the config. */
  flags?: OpenkoiConfig;
  /**
   * Whether the workspace is trusted (decided by the application layer, see
   * app/resolve-workspace-trust.ts). Untrusted: its project file applies only the keys of
   * UNTRUSTED_PROJECT_KEYS; the rest is returned in `ignoredKeys`. Required so that no caller
   * forgets the decision.
   */
  trusted: boolean;
}

export interface LoadedConfig {
  config: OpenkoiConfig;
  /** The files that contributed, lowest precedence first. */
  files: string[];
  /** The project file looked for (it may not exist). */
  projectFile: string;
  /** Keys of the project file not applied because the workspace is untrusted (dotted paths). */
  ignoredKeys: string[];
}

/**
 * Loads zod and the config schema when loadConfig will have something to validate: a config file,
 * an OPENKOI_* variable or flags. Without them (a fresh home), `openkoi status` never pays for them;
 * with flags alone (a run in a fresh home), only the sections flags set are built.
 */
export async function prepareConfigValidation(options: LoadConfigOptions): Promise<void> {
  const environment = options.environment ?? process.env;
  const filesOrVariables =
    options.explicitPath !== undefined ||
    Object.keys(environmentOverrides(environment)).length > 0 ||
    existsSync(userConfigPath(environment)) ||
    existsSync(projectConfigPath(options.workspace));
  if (filesOrVariables) await loadConfigSchema();
  else if (options.flags !== undefined && Object.keys(options.flags).length > 0) await loadFlagLayerSchema(options.flags);
}

/** Layering: flags > environment (OPENKOI_*) > project file > user file > defaults. */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const environment = options.environment ?? process.env;
  const files: string[] = [];
  const layers: OpenkoiConfig[] = [DEFAULT_CONFIG];
  let ignoredKeys: string[] = [];

  const userPath = options.explicitPath ?? userConfigPath(environment);
  if (options.explicitPath && !existsSync(options.explicitPath)) {
    throw new ConfigError(`Config file ${options.explicitPath} (from --config) does not exist.`, options.explicitPath);
  }
  const userLayer = readConfigFile(userPath);
  if (userLayer) {
    layers.push(userLayer);
    files.push(userPath);
  }
  const projectPath = projectConfigPath(options.workspace);
  // Run from the home folder, the project file is the user's own file: already applied, in full.
  if (!sameFile(projectPath, userPath)) {
    const projectData = parseConfigFile(projectPath);
    if (projectData !== undefined) {
      let data = projectData;
      if (!options.trusted) {
        const filtered = filterUntrustedProjectConfig(projectData, mergeLayers(layers) as Record<string, unknown>);
        data = filtered.kept;
        ignoredKeys = filtered.ignoredKeys;
      }
      // Only what applies is validated: an ignored key is never used, so its value cannot hurt.
      const layer = validateLayer(data, projectPath);
      if (options.trusted || Object.keys(layer).length > 0) {
        layers.push(layer);
        files.push(projectPath);
      }
    }
  }
  layers.push(validateLayer(environmentOverrides(environment), 'environment (OPENKOI_* variables)', variableForKey));
  if (options.flags) layers.push(validateLayer(options.flags, 'command-line flags'));
  return { config: mergeLayers(layers), files, projectFile: projectPath, ignoredKeys };
}

function sameFile(first: string, second: string): boolean {
  const canonical = (path: string) => {
    try {
      return realpathSync(path);
    } catch {
      return resolve(path);
    }
  };
  return canonical(first) === canonical(second);
}

/** Parses and validates one TOML file; undefined when it does not exist. */
export function readConfigFile(path: string): OpenkoiConfig | undefined {
  const data = parseConfigFile(path);
  return data === undefined ? undefined : validateLayer(data, path);
}

/** Parses one TOML file without validating it; undefined when it does not exist. */
function parseConfigFile(path: string): unknown {
  if (!existsSync(path)) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${path}: ${(error as Error).message}`, path);
  }
  try {
    return parseToml(text);
  } catch (error) {
    const where = error instanceof TomlError ? ` at line ${error.line}, column ${error.column}` : '';
    const reason = (error as Error).message.split('\n')[0];
    throw new ConfigError(`Config file ${path} is not valid TOML${where}: ${reason}`, path);
  }
}

function validateLayer(data: unknown, source: string, nameOf?: (path: readonly string[]) => string | undefined): OpenkoiConfig {
  // An empty table is a valid layer: nothing to check, and no need for the schema.
  if (isEmptyTable(data)) return {};
  const configSchema = schemaForLayer(data) as z.ZodType<OpenkoiConfig>;
  // jitless: a layer is validated once, and zod's compiled fast path (a `new Function` per object
  // schema, built on first parse) costs more to build than one parse of a small table.
  const result = configSchema.safeParse(data, { reportInput: true, jitless: true });
  if (result.success) return result.data;
  const problems = formatConfigIssues(result.error.issues, { schema: configSchema, ...(nameOf ? { nameOf } : {}) });
  const firstKey = result.error.issues[0]?.path.map(String).join('.');
  throw new ConfigError(`Invalid configuration in ${source}:\n  - ${problems.join('\n  - ')}`, source, firstKey);
}

function isEmptyTable(data: unknown): boolean {
  return typeof data === 'object' && data !== null && !Array.isArray(data) && Object.keys(data).length === 0;
}
