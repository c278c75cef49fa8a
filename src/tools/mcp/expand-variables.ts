// `${VAR}` and `${VAR:-default}` in MCP server settings, the expansion Claude Code applies to
// `.mcp.json`, so one file serves both tools. Expansion is one pass over the text: a value that
// itself contains `${...}` is not expanded again.

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface Expansion {
  value: string;
  /** Variables that were neither set nor given a default. */
  missing: string[];
}

export function expandVariables(text: string, environment: NodeJS.ProcessEnv): Expansion {
  const missing: string[] = [];
  const value = text.replace(VARIABLE, (_whole, name: string, fallback: string | undefined) => {
    const set = environment[name];
    if (set !== undefined && set !== '') return set;
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return '';
  });
  return { value, missing };
}

/** Expands every string of a server's settings; `missing` gathers the unset variables of them all. */
export class VariableExpander {
  readonly missing = new Set<string>();

  constructor(private readonly environment: NodeJS.ProcessEnv) {}

  text(text: string): string {
    const expansion = expandVariables(text, this.environment);
    for (const name of expansion.missing) this.missing.add(name);
    return expansion.value;
  }

  list(texts: readonly string[] | undefined): string[] {
    return (texts ?? []).map((text) => this.text(text));
  }

  record(record: Readonly<Record<string, string>> | undefined): Record<string, string> {
    return Object.fromEntries(Object.entries(record ?? {}).map(([key, text]) => [key, this.text(text)]));
  }
}
