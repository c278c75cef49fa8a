import { ConfigError } from './config-error.js';
import type { OpenkoiConfig } from './config-schema.js';
import { GENERATING_ROLES } from '../model/role.js';
import { closestMatch } from '../model/model-ref.js';

type Parse = (raw: string, name: string) => unknown;

const asString: Parse = (raw) => raw;
const asNumber: Parse = (raw, name) => {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw new ConfigError(`Environment variable ${name}="${raw}" must be a number.`, name, name);
  }
  return value;
};
const asBoolean: Parse = (raw, name) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`Environment variable ${name}="${raw}" must be true or false.`, name, name);
};

/** Each OPENKOI_* variable and the config key it sets. */
export const ENVIRONMENT_KEYS: ReadonlyArray<[variable: string, path: string[], parse: Parse]> = [
  ['OPENKOI_MODEL', ['models', '*'], asString],
  ['OPENKOI_EXECUTOR', ['models', 'executor'], asString],
  ['OPENKOI_EVALUATOR', ['models', 'evaluator'], asString],
  ['OPENKOI_PLANNER', ['models', 'planner'], asString],
  ['OPENKOI_EMBEDDER', ['models', 'embedder'], asString],
  ['OPENKOI_QUALITY', ['engine', 'quality'], asNumber],
  ['OPENKOI_ITERATIONS', ['engine', 'iterations'], asNumber],
  ['OPENKOI_MAX_TOKENS', ['engine', 'max_tokens'], asNumber],
  ['OPENKOI_MAX_COST_USD', ['engine', 'max_cost_usd'], asNumber],
  ['OPENKOI_MAX_DURATION_S', ['engine', 'max_duration_s'], asNumber],
  ['OPENKOI_STREAM', ['output', 'stream'], asBoolean],
];

/** The config layer the OPENKOI_* environment variables describe. */
export function environmentOverrides(environment: NodeJS.ProcessEnv): OpenkoiConfig {
  const layer: Record<string, Record<string, unknown>> = {};
  for (const [variable, [section, key], parse] of ENVIRONMENT_KEYS) {
    const raw = environment[variable];
    if (raw === undefined || raw === '') continue;
    const value = parse(raw, variable);
    const target = (layer[section!] ??= {});
    if (key === '*') {
      // OPENKOI_MODEL sets the three generating roles; the per-role variables, applied after, win.
      for (const role of GENERATING_ROLES) target[role] ??= value;
    } else {
      target[key!] = value;
    }
  }
  return layer as OpenkoiConfig;
}

/** The variable that sets a config key, so a validation error names what the user set. */
export function variableForKey(path: readonly string[]): string | undefined {
  const dotted = path.join('.');
  return ENVIRONMENT_KEYS.find(([, keyPath]) => keyPath.join('.') === dotted)?.[0];
}

/**
 * Every OPENKOI_* variable openkoi reads, those that set config keys and the rest (paths, endpoints).
 * A test checks that each variable named in src/ is listed, so this list cannot fall behind.
 */
export const OTHER_VARIABLES: readonly string[] = ['OPENKOI_HOME'];

/** OPENKOI_* variables that openkoi does not read: each a warning, with a did-you-mean when one is close. */
export function unknownVariables(environment: NodeJS.ProcessEnv): Array<{ variable: string; suggestion?: string }> {
  const known = [...ENVIRONMENT_KEYS.map(([variable]) => variable), ...OTHER_VARIABLES];
  return Object.keys(environment)
    .filter((name) => name.startsWith('OPENKOI_') && !known.includes(name))
    .sort()
    .map((variable) => {
      // Compared without the shared prefix, which would make every name look close.
      const suffix = closestMatch(variable.slice('OPENKOI_'.length), known.map((name) => name.slice('OPENKOI_'.length)));
      return suffix ? { variable, suggestion: `OPENKOI_${suffix}` } : { variable };
    });
}
