import { ConfigError } from '../config/config-error.js';

/** A numeric flag's value; the schema then checks its range and names the key. */
export function parseNumberFlag(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new ConfigError(`${flag} expects a number, got "${raw}".`, flag, flag);
  return value;
}
