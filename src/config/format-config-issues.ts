import type { z } from 'zod';
import { closestMatch } from '../model/model-ref.js';

export interface FormatIssueOptions {
  /**
   * How the user wrote a key in this source: a flag (`-q/--quality`) or a variable
   * (`OPENKOI_QUALITY`) instead of the dotted config key; undefined keeps the key.
   */
  nameOf?: (path: readonly string[]) => string | undefined;
  /** The schema validated against: unknown keys get a did-you-mean from the keys it knows there. */
  schema?: z.ZodType;
}

/** One line per problem: the key as the user wrote it, and what was expected. */
export function formatConfigIssues(issues: readonly z.core.$ZodIssue[], options: FormatIssueOptions = {}): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String);
    const key = path.join('.');
    if (issue.code === 'unrecognized_keys') {
      const known = options.schema ? knownKeysAt(options.schema, path) : [];
      return issue.keys
        .map((name) => {
          const suggestion = closestMatch(name, known);
          const full = key ? `${key}.${name}` : name;
          return `unknown key "${full}"${suggestion ? ` — did you mean "${key ? `${key}.${suggestion}` : suggestion}"?` : ' (see config.example.toml for every key)'}`;
        })
        .join('\n  - ');
    }
    const name = options.nameOf?.(path);
    return name ? `${name}: ${describeIssue(issue)}` : `key "${key || '(top level)'}": ${describeIssue(issue)}`;
  });
}

/** The keys an object schema accepts at `path` (through optional, default and record layers). */
export function knownKeysAt(schema: z.ZodType, path: readonly string[]): string[] {
  let node: unknown = schema;
  for (const segment of [...path, undefined]) {
    node = unwrap(node);
    const def = (node as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return [];
    if (segment === undefined) return def.type === 'object' ? Object.keys(def.shape as object) : [];
    if (def.type === 'object') node = (def.shape as Record<string, unknown>)[segment];
    else if (def.type === 'record') node = def.valueType;
    else return [];
  }
  return [];
}

function unwrap(node: unknown): unknown {
  let current = node;
  for (;;) {
    const def = (current as { _zod?: { def?: { type?: string; innerType?: unknown } } })._zod?.def;
    if (def && (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) current = def.innerType;
    else return current;
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}, got ${receivedOf(issue)}`;
    case 'too_small':
      return `expected a value of at least ${String(issue.minimum)}`;
    case 'too_big':
      return `expected a value of at most ${String(issue.maximum)}`;
    case 'custom':
      return issue.message;
    case 'invalid_format':
      return `expected ${issue.message.replace(/^Invalid string: must match pattern .*$/, 'a valid value')}`;
    default:
      return issue.message;
  }
}

function receivedOf(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  if (input === undefined) return 'nothing';
  if (Array.isArray(input)) return 'an array';
  if (typeof input === 'string') return `the string ${JSON.stringify(input)}`;
  return `${typeof input} ${JSON.stringify(input)}`;
}
