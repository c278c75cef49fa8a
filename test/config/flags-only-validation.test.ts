import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig, prepareConfigValidation } from '../../src/config/load-config.js';

// This file never imports config-schema.ts: like a run in a fresh home (flags, no config file, no
// OPENKOI_* variable), it validates the flag layer with the flag-layer schema alone.
const root = mkdtempSync(join(tmpdir(), 'openkoi-flags-only-'));
const environment = { OPENKOI_HOME: join(root, 'home') };
const workspace = root;
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function load(flags: Record<string, unknown>) {
  await prepareConfigValidation({ environment, workspace, flags, trusted: false });
  return loadConfig({ environment, workspace, flags, trusted: false });
}

describe('a flags-only config (no file, no variable)', () => {
  it('keeps the flags', async () => {
    const { config } = await load({ models: { executor: 'openai/gpt-4.1' }, engine: { iterations: 0 } });
    expect(config.models?.executor).toBe('openai/gpt-4.1');
    expect(config.engine?.iterations).toBe(0);
  });

  it('refuses a bad flag value with the whole schema’s message', async () => {
    const error = await load({ engine: { quality: 2 } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe('Invalid configuration in command-line flags:\n  - key "engine.quality": expected a value of at most 1');
  });

  it('validates a layer with another section with the whole schema', async () => {
    const error = await load({ engine: { iterations: 1 }, tools: { mode: 'sometimes' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/^Invalid configuration in command-line flags:\n {2}- key "tools\.mode": /);
  });
});
