import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ManifestCommand } from './render-help.js';

export interface ParsedArgv {
  flags: Record<string, string | boolean | undefined>;
  words: string[];
}

/**
 * Parses a command's argv from its manifest entry with node:util's parser, without loading oclif.
 * Returns undefined for anything this small parser does not cover (an unknown flag, a flag with
 * choices or dependencies): the caller then hands the argv to oclif, which reports the problem.
 */
export function parseArgvWithManifest(argv: readonly string[], command: ManifestCommand): ParsedArgv | undefined {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const flag of Object.values(command.flags ?? {})) {
    const extra = flag as unknown as Record<string, unknown>;
    if (flag.options || extra['dependsOn'] || extra['exclusive'] || extra['required'] || extra['multiple'] || extra['relationships']) return undefined;
    options[flag.name] = { type: flag.type === 'boolean' ? 'boolean' : 'string', ...(flag.char ? { short: flag.char } : {}) };
    if (flag.type === 'boolean' && flag.allowNo) options[`no-${flag.name}`] = { type: 'boolean' };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch {
    return undefined;
  }
  const flags: ParsedArgv['flags'] = {};
  for (const flag of Object.values(command.flags ?? {})) {
    const value = parsed.values[flag.name] as string | boolean | undefined;
    flags[flag.name] = flag.type === 'boolean' && flag.allowNo && parsed.values[`no-${flag.name}`] === true ? false : value;
  }
  const argumentCount = Object.keys(command.args ?? {}).length;
  if (command.strict !== false && parsed.positionals.length > argumentCount) return undefined;
  return { flags, words: parsed.positionals };
}
