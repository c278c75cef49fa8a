// What a project file (./.openkoi/config.toml) may set while its workspace is untrusted.
//
// An ALLOWLIST, key by key: a key nobody listed here (one added to the schema later, a new
// section such as [tools] or [plugins], a typo) is ignored until the user trusts the folder.
// A denylist would let every future key through by default, and the keys that hurt are exactly
// the ones that route credentials ([providers], [models]), start programs ([plugins], [evaluator]
// test and lint commands), widen permissions ([tools]), or change what spending is counted
// ([pricing], [routing]'s retry counts).
//
// What is allowed, and why it is harmless:
// - engine quality and iteration settings: how good an answer must be and how hard the loop tries.
//   They change neither where a request goes nor what key it carries; the schema bounds them
//   (iterations ≤ 50, max_tool_rounds ≤ 200) and the user's own budgets still stop the run.
// - engine budgets (max_tokens, max_cost_usd, max_duration_s) only when they make the run
//   STRICTER than the user's own config: a repository may lower a budget, never raise one, since
//   a larger max_cost_usd from a clone would widen the user's spending behind their back.
// - output.stream: how the answer is shown.

/** `any`: every valid value applies. `lower-only`: applies only when not above the user's value. */
export type UntrustedKeyRule = 'any' | 'lower-only';

export const UNTRUSTED_PROJECT_KEYS: Readonly<Record<string, Readonly<Record<string, UntrustedKeyRule>>>> = {
  engine: {
    quality: 'any',
    iterations: 'any',
    regression_threshold: 'any',
    min_improvement: 'any',
    max_tool_rounds: 'any',
    max_tokens: 'lower-only',
    max_cost_usd: 'lower-only',
    max_duration_s: 'lower-only',
  },
  output: {
    stream: 'any',
  },
};

type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export interface FilteredProjectConfig {
  /** The part that applies, still unvalidated (the caller validates it like any layer). */
  kept: Plain;
  /** Every key not applied, as a dotted path (`providers.openai.base_url`), in file order. */
  ignoredKeys: string[];
}

/**
 * Splits an untrusted project file's parsed TOML into what may apply and what is ignored.
 * `userLayers` is the config below the project file (defaults and the user's file): the value a
 * `lower-only` key is compared with.
 */
export function filterUntrustedProjectConfig(data: unknown, userLayers: Plain): FilteredProjectConfig {
  const kept: Plain = {};
  const ignoredKeys: string[] = [];
  if (!isPlainObject(data)) return { kept, ignoredKeys };
  for (const [section, value] of Object.entries(data)) {
    const rules = Object.hasOwn(UNTRUSTED_PROJECT_KEYS, section) ? UNTRUSTED_PROJECT_KEYS[section] : undefined;
    if (!rules) {
      ignoredKeys.push(...leafKeys([section], value));
      continue;
    }
    if (!isPlainObject(value)) {
      // `engine = 5`: an allowed section of the wrong shape goes on to validation, which names it.
      kept[section] = value;
      continue;
    }
    const keptSection: Plain = {};
    const userSection = isPlainObject(userLayers[section]) ? userLayers[section] : {};
    for (const [key, setting] of Object.entries(value)) {
      const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
      if (rule === undefined || (rule === 'lower-only' && raises(setting, userSection[key]))) {
        ignoredKeys.push(...leafKeys([section, key], setting));
        continue;
      }
      keptSection[key] = setting;
    }
    if (Object.keys(keptSection).length > 0) kept[section] = keptSection;
  }
  return { kept, ignoredKeys };
}

/** A budget raises the user's when both are numbers and it is larger; no user budget means unlimited. */
function raises(projectValue: unknown, userValue: unknown): boolean {
  return typeof projectValue === 'number' && typeof userValue === 'number' && projectValue > userValue;
}

/** The dotted paths of the leaves under a value; an array (of tables too) counts as one leaf. */
function leafKeys(path: string[], value: unknown): string[] {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    return Object.entries(value).flatMap(([key, child]) => leafKeys([...path, key], child));
  }
  return [formatKeyPath(path)];
}

/** TOML's own spelling of a key path: bare segments as they are, others quoted. */
export function formatKeyPath(path: readonly string[]): string {
  return path.map((segment) => (/^[A-Za-z0-9_-]+$/.test(segment) ? segment : JSON.stringify(segment))).join('.');
}
