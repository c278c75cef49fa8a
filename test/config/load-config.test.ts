import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigSchema } from '../../src/config/config-schema-registry.js';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { temporaryDirectories } from '../temporary-directories.js';

// loadConfig validates with the schema that commands load first (see config-schema-registry.ts).
beforeAll(() => loadConfigSchema());

const makeDirectory = temporaryDirectories('openkoi-config-');

let home: string;
let workspace: string;

function writeUser(text: string): string {
  const path = join(home, 'config.toml');
  writeFileSync(path, text);
  return path;
}

function writeProject(text: string): string {
  mkdirSync(join(workspace, '.openkoi'), { recursive: true });
  const path = join(workspace, '.openkoi', 'config.toml');
  writeFileSync(path, text);
  return path;
}

function load(environment: Record<string, string> = {}, flags = {}, explicitPath?: string) {
  return loadConfig({
    environment: { OPENKOI_HOME: home, ...environment },
    workspace,
    flags,
    // These tests are about layering: the workspace is trusted (untrusted-project-config.test.ts covers the rest).
    trusted: true,
    ...(explicitPath ? { explicitPath } : {}),
  });
}

function errorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

beforeEach(() => {
  const root = makeDirectory();
  home = join(root, 'home');
  workspace = join(root, 'workspace');
  mkdirSync(home);
  mkdirSync(workspace);
});

describe('config layers: flag > environment > project > user > defaults', () => {
  it('defaults apply when nothing is configured', () => {
    const { config, files } = load();
    expect(config.engine).toMatchObject({ quality: 0.8, iterations: 3 });
    expect(config.output?.stream).toBe(true);
    expect(files).toEqual([]);
  });

  it('the user file beats the defaults', () => {
    writeUser('[engine]\nquality = 0.6\n');
    expect(load().config.engine?.quality).toBe(0.6);
    expect(load().config.engine?.iterations).toBe(3);
  });

  it('the project file beats the user file, key by key', () => {
    writeUser('[engine]\nquality = 0.6\niterations = 5\n[models]\nexecutor = "openai/gpt-4.1"\n');
    writeProject('[engine]\nquality = 0.7\n');
    const { config, files } = load();
    expect(config.engine).toMatchObject({ quality: 0.7, iterations: 5 });
    expect(config.models?.executor).toBe('openai/gpt-4.1');
    expect(files).toHaveLength(2);
  });

  it('the environment beats the project file', () => {
    writeProject('[engine]\nquality = 0.7\n[models]\nexecutor = "openai/gpt-4.1"\n');
    const { config } = load({ OPENKOI_QUALITY: '0.9', OPENKOI_MODEL: 'anthropic/claude-sonnet-4-6' });
    expect(config.engine?.quality).toBe(0.9);
    expect(config.models?.executor).toBe('anthropic/claude-sonnet-4-6');
    expect(config.models?.planner).toBe('anthropic/claude-sonnet-4-6');
  });

  it('a per-role variable beats OPENKOI_MODEL for its role', () => {
    const { config } = load({ OPENKOI_MODEL: 'openai/gpt-4.1', OPENKOI_EVALUATOR: 'anthropic/claude-opus-4-6' });
    expect(config.models?.executor).toBe('openai/gpt-4.1');
    expect(config.models?.evaluator).toBe('anthropic/claude-opus-4-6');
  });

  it('flags beat the environment', () => {
    const { config } = load({ OPENKOI_MODEL: 'openai/gpt-4.1', OPENKOI_STREAM: 'true' }, {
      models: { executor: 'anthropic/claude-sonnet-4-6' },
      output: { stream: false },
    });
    expect(config.models?.executor).toBe('anthropic/claude-sonnet-4-6');
    expect(config.models?.planner).toBe('openai/gpt-4.1');
    expect(config.output?.stream).toBe(false);
  });

  it('an unset flag does not hide a lower layer', () => {
    writeUser('[output]\nstream = false\n');
    expect(load({}, { output: { stream: undefined } }).config.output?.stream).toBe(false);
  });

  it('--config replaces the user file', () => {
    writeUser('[engine]\nquality = 0.6\n');
    const other = join(home, 'other.toml');
    writeFileSync(other, '[engine]\nquality = 0.5\n');
    expect(load({}, {}, other).config.engine?.quality).toBe(0.5);
  });
});

describe('a bad config names the file, the key and what was expected', () => {
  it('invalid TOML names the file and the line', () => {
    const path = writeUser('[engine]\nquality = \n');
    const error = errorOf(() => load());
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/not valid TOML at line 2/);
  });

  it('a wrong type names the key and the expected type', () => {
    const path = writeProject('[engine]\nquality = "high"\n');
    const error = errorOf(() => load());
    expect(error.message).toContain(path);
    expect(error.message).toContain('key "engine.quality"');
    expect(error.message).toMatch(/expected number, got the string "high"/);
    expect(error.key).toBe('engine.quality');
  });

  it('an out-of-range value says the bound', () => {
    writeUser('[engine]\nquality = 1.5\n');
    expect(errorOf(() => load()).message).toMatch(/key "engine.quality": expected a value of at most 1/);
  });

  it('an unknown key is named, nested ones with their path', () => {
    const path = writeUser('[engine]\nqualty = 0.9\n');
    const error = errorOf(() => load());
    expect(error.message).toContain(path);
    expect(error.message).toContain('unknown key "engine.qualty"');
    writeUser('[modles]\nexecutor = "openai/gpt-4.1"\n');
    expect(errorOf(() => load()).message).toContain('unknown key "modles"');
  });

  it('a model reference without a provider is refused', () => {
    writeUser('[models]\nexecutor = "gpt-4.1"\n');
    expect(errorOf(() => load()).message).toMatch(/key "models.executor": expected a model reference "provider\/model"/);
  });

  it('a bad environment variable is named', () => {
    const error = errorOf(() => load({ OPENKOI_QUALITY: 'high' }));
    expect(error.message).toContain('OPENKOI_QUALITY="high" must be a number');
  });

  it('a missing --config file is named', () => {
    expect(errorOf(() => load({}, {}, join(home, 'nope.toml'))).message).toMatch(/nope.toml \(from --config\) does not exist/);
  });

  it('[providers.<id>] entries are validated', () => {
    writeUser('[providers.mylab]\nbase_url = "not a url"\n');
    expect(errorOf(() => load()).message).toContain('key "providers.mylab.base_url"');
  });
});

describe('config.example.toml documents valid keys', () => {
  it('parses and validates as a user file', async () => {
    const { readConfigFile } = await import('../../src/config/load-config.js');
    const example = new URL('../../config.example.toml', import.meta.url).pathname;
    const config = readConfigFile(example);
    expect(config?.models?.executor).toBe('anthropic/claude-sonnet-4-6');
    expect(config?.providers?.['mylab']?.base_url).toBe('http://127.0.0.1:8000/v1');
  });
});
