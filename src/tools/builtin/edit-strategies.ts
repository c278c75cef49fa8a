// How an edit's old_string is found in the file. Exact first; when the exact string is absent,
// tolerant strategies in order (each reported, so the model knows what matched); when none
// matches, the error carries the closest region of the file with line numbers, so the model can
// retry without another read. All matching happens on LF text; the caller restores CRLF.
import { ToolInputError } from '../tool-input-error.js';

export type EditStrategy = 'exact' | 'line endings' | 'trailing whitespace' | 'indentation';

export interface EditOutcome {
  content: string;
  strategy: EditStrategy;
  replacements: number;
}

const STRATEGY_NAMES = 'exact, line endings, trailing whitespace, indentation';

function lineNumberAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function leadingWhitespace(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

/** The common leading whitespace of the non-blank lines. */
function commonIndent(lines: string[]): string {
  let indent: string | undefined;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const own = leadingWhitespace(line);
    if (indent === undefined) indent = own;
    else {
      let i = 0;
      while (i < indent.length && i < own.length && indent[i] === own[i]) i++;
      indent = indent.slice(0, i);
    }
  }
  return indent ?? '';
}

function dedent(lines: string[], indent: string): string[] {
  return lines.map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart()).trimEnd());
}

function ambiguous(relative: string, lines: number[]): ToolInputError {
  return new ToolInputError(
    `old_string matches ${lines.length} places in ${relative} (lines ${lines.join(', ')}); add surrounding lines to make it unique, or set replace_all`,
  );
}

/** Windows of whole lines that match, by a line comparison. */
function lineWindows(fileLines: string[], oldLines: string[], same: (window: string[]) => boolean): number[] {
  const found: number[] = [];
  for (let i = 0; i + oldLines.length <= fileLines.length; i++) {
    if (same(fileLines.slice(i, i + oldLines.length))) {
      found.push(i);
      i += oldLines.length - 1; // non-overlapping
    }
  }
  return found;
}

function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  return (prefix + suffix) / Math.max(a.length, b.length);
}

/** The region of the file most like old_string, numbered, with a line of context either side. */
export function closestRegion(fileLines: string[], oldLines: string[]): string {
  const size = Math.max(1, Math.min(oldLines.length, fileLines.length));
  const wanted = oldLines.map((line) => line.trim());
  let best = 0;
  let bestScore = -1;
  for (let i = 0; i + size <= fileLines.length; i++) {
    let score = 0;
    for (let j = 0; j < size; j++) score += similarity(fileLines[i + j]!.trim(), wanted[j] ?? '');
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  const from = Math.max(0, best - 1);
  const to = Math.min(fileLines.length, best + size + 1);
  const shown = fileLines.slice(from, to).map((line, k) => `${String(from + k + 1).padStart(5)}\t${line}`);
  return `The closest region (lines ${from + 1}-${to}):\n${shown.join('\n')}`;
}

/**
 * Applies one edit to `content` (LF). `lineEndingsDiffered`: old_string came with the other line
 * ending than the file (matching on LF text then counts as the line-endings strategy).
 */
export function applyEdit(content: string, oldString: string, newString: string, options: { replaceAll: boolean; relative: string; lineEndingsDiffered: boolean }): EditOutcome {
  if (oldString === '') throw new ToolInputError('old_string is empty; to create or overwrite a file use write');
  if (oldString === newString) throw new ToolInputError('old_string and new_string are the same; nothing to change');
  const exactName: EditStrategy = options.lineEndingsDiffered ? 'line endings' : 'exact';
  // 1. Exact (on LF text).
  const offsets: number[] = [];
  for (let at = content.indexOf(oldString); at !== -1; at = content.indexOf(oldString, at + oldString.length)) offsets.push(at);
  if (offsets.length > 1 && !options.replaceAll) throw ambiguous(options.relative, offsets.map((offset) => lineNumberAt(content, offset)));
  if (offsets.length > 0) {
    return { content: options.replaceAll ? content.split(oldString).join(newString) : content.replace(oldString, () => newString), strategy: exactName, replacements: offsets.length };
  }

  // Line-based strategies: old_string taken as whole lines.
  const endsWithNewline = oldString.endsWith('\n');
  const oldLines = (endsWithNewline ? oldString.slice(0, -1) : oldString).split('\n');
  const newText = endsWithNewline && newString.endsWith('\n') ? newString.slice(0, -1) : newString;
  const fileLines = content.split('\n');
  const replaceWindows = (starts: number[], render: (start: number) => string, strategy: EditStrategy): EditOutcome => {
    if (starts.length > 1 && !options.replaceAll) throw ambiguous(options.relative, starts.map((start) => start + 1));
    const lines = [...fileLines];
    for (const start of [...starts].reverse()) {
      const replacement = render(start);
      lines.splice(start, oldLines.length, ...(replacement === '' ? [] : replacement.split('\n')));
    }
    return { content: lines.join('\n'), strategy, replacements: starts.length };
  };

  // 2. Trailing whitespace differs.
  const oldTrimmed = oldLines.map((line) => line.trimEnd());
  const trailing = lineWindows(fileLines, oldLines, (window) => window.every((line, j) => line.trimEnd() === oldTrimmed[j]));
  if (trailing.length > 0) return replaceWindows(trailing, () => newText, 'trailing whitespace');

  // 3. Indentation shifted as a block: new_string is re-indented by the same shift.
  const oldIndent = commonIndent(oldLines);
  const oldDedented = dedent(oldLines, oldIndent);
  const shifted = lineWindows(fileLines, oldLines, (window) => {
    const dedented = dedent(window, commonIndent(window));
    return dedented.every((line, j) => line === oldDedented[j]);
  });
  if (shifted.length > 0) {
    return replaceWindows(
      shifted,
      (start) => {
        const fileIndent = commonIndent(fileLines.slice(start, start + oldLines.length));
        return newText
          .split('\n')
          .map((line) => (line.trim() === '' ? '' : line.startsWith(oldIndent) ? fileIndent + line.slice(oldIndent.length) : fileIndent + line.trimStart()))
          .join('\n');
      },
      'indentation',
    );
  }

  throw new ToolInputError(`old_string was not found in ${options.relative} (tried: ${STRATEGY_NAMES}). ${closestRegion(fileLines, oldLines)}`);
}
