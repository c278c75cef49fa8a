import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.js';
import { flagLayerSchema } from '../../src/config/flag-layer-schema.js';

// A run validates its flags with flagLayerSchema (the sections flags set) instead of building the
// whole config schema. That is only right while both judge a flag layer alike: these tests fail
// when the two drift apart (a section rebuilt on one side, a key order changed).

describe('flag-layer schema', () => {
  it('is made of the config schema’s own section schemas, in the config schema’s order', () => {
    const sections = Object.keys(flagLayerSchema.shape) as Array<keyof typeof flagLayerSchema.shape>;
    const configSections = Object.keys(configSchema.shape);
    expect(configSections.filter((key) => (sections as string[]).includes(key))).toEqual(sections);
    for (const key of sections) {
      const flagSection = flagLayerSchema.shape[key];
      const configSection = configSchema.shape[key];
      expect(flagSection._zod.def.innerType, key).toBe(configSection._zod.def.innerType);
    }
  });

  const layers: Array<[string, unknown]> = [
    ['valid flags', { models: { executor: 'openai/gpt-4.1', evaluator: 'openai/gpt-4.1', planner: 'openai/gpt-4.1' }, engine: { quality: 0.8, iterations: 0 }, output: { stream: false }, evaluator: { checks: false }, memory: { enabled: false } }],
    ['unset flags', { models: { executor: undefined }, engine: { quality: undefined }, output: { stream: undefined }, evaluator: { checks: undefined } }],
    ['a model without a provider', { models: { executor: 'gpt-4.1' } }],
    ['numbers out of range', { engine: { quality: 2, iterations: -1, max_tokens: 0, max_cost_usd: -1, max_duration_s: 0 } }],
    ['a fractional iteration count', { engine: { iterations: 1.5 } }],
    ['a bad base URL and key variable', { providers: { openai: { base_url: 'localhost:11434/v1', api_key_env: '1 KEY' } } }],
    ['a base URL with a user name', { providers: { openai: { base_url: 'https://user:pw@example.com/v1' } } }],
    ['an unknown key in a section', { engine: { qualty: 0.5 } }],
    ['wrong types', { output: { stream: 'yes' }, evaluator: { checks: 1 }, memory: { enabled: 'no' } }],
  ];

  for (const [name, layer] of layers) {
    it(`judges ${name} exactly as the config schema does`, () => {
      for (const options of [{ reportInput: true }, { reportInput: true, jitless: true }]) {
        const fromFlags = flagLayerSchema.safeParse(layer, options);
        const fromConfig = configSchema.safeParse(layer, options);
        expect(fromFlags.success).toBe(fromConfig.success);
        if (fromFlags.success && fromConfig.success) expect(fromFlags.data).toStrictEqual(fromConfig.data);
        else expect(fromFlags.error?.issues).toStrictEqual(fromConfig.error?.issues);
      }
    });
  }
});
