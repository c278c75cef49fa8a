import type { configSchema as ConfigSchema } from './config-schema.js';

let registered: typeof ConfigSchema | undefined;

/** Called by config-schema.ts when it is evaluated: whoever imported it, validation can use it. */
export function registerConfigSchema(schema: typeof ConfigSchema): void {
  registered = schema;
}

/**
 * zod and the config schema cost ~40 ms to load and build: `openkoi status` in a home without a
 * config file validates nothing and never loads them. Commands that may validate call this first
 * (load-config.ts's prepareConfigValidation decides for status).
 */
export async function loadConfigSchema(): Promise<void> {
  if (!registered) await import('./config-schema.js');
}

/** The schema, for a layer that has something to validate; a caller that skipped loadConfigSchema is a bug. */
export function registeredConfigSchema(): typeof ConfigSchema {
  if (!registered) throw new Error('internal error: the config schema was not loaded before a config layer was validated (await loadConfigSchema() first)');
  return registered;
}
