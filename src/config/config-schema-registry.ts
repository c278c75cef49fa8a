import type { configSchema as ConfigSchema } from './config-schema.js';
import type { flagLayerSchema as FlagLayerSchema } from './flag-layer-schema.js';

let registered: typeof ConfigSchema | undefined;
let registeredFlagLayer: typeof FlagLayerSchema | undefined;

/** Called by config-schema.ts when it is evaluated: whoever imported it, validation can use it. */
export function registerConfigSchema(schema: typeof ConfigSchema): void {
  registered = schema;
}

/** Called by flag-layer-schema.ts when it is evaluated (config-schema.ts imports it too). */
export function registerFlagLayerSchema(schema: typeof FlagLayerSchema): void {
  registeredFlagLayer = schema;
}

/**
 * zod and the config schema cost ~40 ms to load and build: `openkoi status` in a home without a
 * config file validates nothing and never loads them. Commands that may validate call this first
 * (load-config.ts's prepareConfigValidation decides for status).
 */
export async function loadConfigSchema(): Promise<void> {
  if (!registered) await import('./config-schema.js');
}

/**
 * Enough to validate `flags`: the sections flags set, not the whole schema (a run that has no
 * config file nor OPENKOI_* variable never builds the rest; see load-config.ts). A layer with any
 * other section gets the whole schema.
 */
export async function loadFlagLayerSchema(flags: object): Promise<void> {
  if (registered) return;
  if (!registeredFlagLayer) await import('./flag-layer-schema.js');
  if (!fitsFlagLayer(flags)) await loadConfigSchema();
}

/** The schema, for a layer that has something to validate; a caller that skipped loadConfigSchema is a bug. */
export function registeredConfigSchema(): typeof ConfigSchema {
  if (!registered) throw new Error('internal error: the config schema was not loaded before a config layer was validated (await loadConfigSchema() first)');
  return registered;
}

/**
 * The schema to validate `layer` with: the whole config schema when it is loaded, else the
 * flag-layer schema when the layer has only sections it knows (it then judges the layer exactly
 * as the whole schema would), else registeredConfigSchema()'s internal error.
 */
export function schemaForLayer(layer: unknown): typeof ConfigSchema | typeof FlagLayerSchema {
  if (registered) return registered;
  if (registeredFlagLayer && fitsFlagLayer(layer)) return registeredFlagLayer;
  return registeredConfigSchema();
}

function fitsFlagLayer(layer: unknown): boolean {
  const shape = registeredFlagLayer?.shape;
  return shape !== undefined && typeof layer === 'object' && layer !== null && Object.keys(layer).every((key) => Object.hasOwn(shape, key));
}
