import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogPriceCachePath } from '../../src/usage/catalog-price-cache.js';
import { cacheCatalogPricesIn, findModelPrice } from '../../src/usage/find-model-price.js';
import { temporaryDirectories } from '../temporary-directories.js';

const newHome = temporaryDirectories('openkoi-price-cache-');

interface CacheFile {
  catalog: string;
  entries: Record<string, Record<string, unknown> | null>;
}

function readCache(home: string): CacheFile {
  return JSON.parse(readFileSync(catalogPriceCachePath(home), 'utf8')) as CacheFile;
}

/** A home whose cache already holds gpt-4.1 (the catalog's answer, as a first run would store it). */
function homeWithCachedGpt41(): { home: string; file: CacheFile } {
  const home = newHome();
  cacheCatalogPricesIn(home);
  expect(findModelPrice({ provider: 'openai', model: 'gpt-4.1' })).toMatchObject({ known: true, price: { input: 2, output: 8 } });
  return { home, file: readCache(home) };
}

function lookUpAfterRestart(home: string, provider: string, model: string) {
  cacheCatalogPricesIn(home); // what the next process does: a fresh read of the file
  return findModelPrice({ provider, model });
}

afterEach(() => cacheCatalogPricesIn(undefined));

describe('catalog prices are kept between runs (the catalog is not loaded for a model seen before)', () => {
  it('stores an unconditional price under the catalog version, and the next run reads it from the file', () => {
    const { home, file } = homeWithCachedGpt41();
    expect(file.catalog).toMatch(/^\d+\.\d+\.\d+\+\d+$/);
    expect(file.entries['openai/gpt-4.1']).toMatchObject({ input: 2, output: 8, cacheRead: 0.5, source: 'catalog' });
    // Proof that the file is what answers: a figure only the file has.
    writeFileSync(catalogPriceCachePath(home), JSON.stringify({ ...file, entries: { 'openai/gpt-4.1': { ...file.entries['openai/gpt-4.1'], input: 123 } } }));
    expect(lookUpAfterRestart(home, 'openai', 'gpt-4.1')).toMatchObject({ known: true, price: { input: 123 } });
  });

  it('a cache written for another catalog version is ignored (a catalog update is never hidden)', () => {
    const { home, file } = homeWithCachedGpt41();
    writeFileSync(catalogPriceCachePath(home), JSON.stringify({ catalog: '0.0.1+1', entries: { 'openai/gpt-4.1': { ...file.entries['openai/gpt-4.1'], input: 123 } } }));
    expect(lookUpAfterRestart(home, 'openai', 'gpt-4.1')).toMatchObject({ known: true, price: { input: 2 } });
    expect(readCache(home).catalog).toBe(file.catalog);
  });

  it('a damaged file or an entry that is not a price falls back to the catalog', () => {
    const { home, file } = homeWithCachedGpt41();
    writeFileSync(catalogPriceCachePath(home), '{ not json');
    expect(lookUpAfterRestart(home, 'openai', 'gpt-4.1')).toMatchObject({ known: true, price: { input: 2 } });
    writeFileSync(catalogPriceCachePath(home), JSON.stringify({ ...file, entries: { 'openai/gpt-4.1': { input: 'two', output: 8 } } }));
    expect(lookUpAfterRestart(home, 'openai', 'gpt-4.1')).toMatchObject({ known: true, price: { input: 2 } });
  });

  it('a model the catalog does not know is remembered as unknown, still reported as unknown', () => {
    const home = newHome();
    cacheCatalogPricesIn(home);
    expect(findModelPrice({ provider: 'openai', model: 'no-such-model-xyz' })).toEqual({ known: false });
    expect(readCache(home).entries['openai/no-such-model-xyz']).toBeNull();
    expect(lookUpAfterRestart(home, 'openai', 'no-such-model-xyz')).toEqual({ known: false });
  });

  it('dated and time-of-day prices are not kept: they depend on when the call happens', () => {
    const home = newHome();
    cacheCatalogPricesIn(home);
    // deepseek-chat carries conditional prices in the catalog.
    expect(findModelPrice({ provider: 'deepseek', model: 'deepseek-chat' }).known).toBe(true);
    const entries = existsSync(catalogPriceCachePath(home)) ? readCache(home).entries : {};
    expect(Object.keys(entries)).not.toContain('deepseek/deepseek-chat');
  });

  it('[pricing] overrides still beat a cached catalog price', () => {
    const { home } = homeWithCachedGpt41();
    cacheCatalogPricesIn(home);
    const lookup = findModelPrice({ provider: 'openai', model: 'gpt-4.1' }, { pricing: { 'openai/gpt-4.1': { input: 7, output: 9 } } });
    expect(lookup).toMatchObject({ known: true, price: { input: 7, output: 9, source: 'config' } });
  });

  it('without a cache folder (tests, library use) nothing is written', () => {
    const home = newHome();
    cacheCatalogPricesIn(undefined);
    expect(findModelPrice({ provider: 'openai', model: 'gpt-4.1' }).known).toBe(true);
    expect(existsSync(catalogPriceCachePath(home))).toBe(false);
  });
});
