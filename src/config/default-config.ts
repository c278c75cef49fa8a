import { ENGINE_DEFAULTS } from '../model/engine-defaults.js';
import type { OpenkoiConfig } from './config-schema.js';

/** The lowest layer of every config; in a module of its own so that reading it never loads zod. */
export const DEFAULT_CONFIG = {
  engine: { ...ENGINE_DEFAULTS },
  output: { stream: true },
} satisfies OpenkoiConfig;
