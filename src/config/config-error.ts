/** A configuration problem, named by its source (a file, a variable or a flag) and key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    message: string,
    readonly source: string,
    readonly key?: string,
  ) {
    super(message);
  }
}
