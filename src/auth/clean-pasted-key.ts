/**
 * A pasted key as the vendor issued it: whitespace anywhere (a wrapped line, a trailing newline)
 * and the quotes word processors and chat apps wrap around it (“…”, ‘…’, "…", `…`) are removed.
 * Keys never contain either.
 */
export function cleanPastedKey(raw: string): string {
  return raw.replace(/\s+/g, '').replace(/^[\u201C\u201D\u2018\u2019"'`\u00AB\u00BB]+|[\u201C\u201D\u2018\u2019"'`\u00AB\u00BB]+$/g, '');
}
