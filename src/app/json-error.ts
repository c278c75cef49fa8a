/** What kind of problem stopped a run before it could give a summary; stable for scripts. */
export type JsonErrorCode = 'usage' | 'config' | 'credentials' | 'permission' | 'database' | 'provider' | 'interrupted';

/** The one JSON object `--json` prints on stdout when there is no task summary to print. */
export function jsonError(code: JsonErrorCode, message: string, exitCode: number): { error: { code: JsonErrorCode; message: string; exitCode: number } } {
  return { error: { code, message, exitCode } };
}
