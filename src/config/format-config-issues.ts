import type { z } from 'zod';

/** One line per problem: the key as the user wrote it, and what was expected. */
export function formatConfigIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const key = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const names = issue.keys.map((name) => (key ? `${key}.${name}` : name));
      return `unknown key ${names.map((name) => `"${name}"`).join(', ')}${knownKeysHint(issue)}`;
    }
    return `key "${key || '(top level)'}": ${describeIssue(issue)}`;
  });
}

function knownKeysHint(_issue: z.core.$ZodIssue): string {
  return ' (see config.example.toml for every key)';
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
