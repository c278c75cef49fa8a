// The price catalog (`@pydantic/genai-prices`) is about 480 KB of JavaScript plus a match over
// every model: some 50 ms before a run's first request (the budget check prices each candidate).
// Most runs ask for the same few models, so their lookups are kept on disk, keyed by the catalog's
// version: a new catalog starts a new cache. Only answers that cannot change with the date are
// kept: a model the catalog does not know, or one with a single unconditional price. Dated and
// time-of-day prices are looked up in the catalog every time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../auth/atomic-write-file.js';

/** What the cache holds for one provider/model: the catalog's answer, or that it has none. */
export type CachedCatalogAnswer<T> = { price: T } | { price: null };

interface CacheFile<T> {
  catalog: string;
  entries: Record<string, T | null>;
}

export class CatalogPriceCache<T> {
  private entries: Record<string, T | null>;

  constructor(
    private readonly path: string,
    private readonly catalogVersion: string,
  ) {
    this.entries = readEntries<T>(path, catalogVersion);
  }

  get(provider: string, model: string): CachedCatalogAnswer<T> | undefined {
    const key = cacheKey(provider, model);
    return Object.hasOwn(this.entries, key) ? { price: this.entries[key]! } : undefined;
  }

  set(provider: string, model: string, price: T | null): void {
    this.entries[cacheKey(provider, model)] = price;
    const file: CacheFile<T> = { catalog: this.catalogVersion, entries: this.entries };
    try {
      writeFileAtomically(this.path, `${JSON.stringify(file)}\n`, { mode: 0o644 });
    } catch {
      // A cache that cannot be written (a read-only home) only costs the next run a catalog load.
    }
  }
}

/** The cache file under OPENKOI_HOME. */
export function catalogPriceCachePath(openkoiHome: string): string {
  return join(openkoiHome, 'cache', 'catalog-prices.json');
}

function cacheKey(provider: string, model: string): string {
  return `${provider}/${model}`;
}

function readEntries<T>(path: string, catalogVersion: string): Record<string, T | null> {
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as Partial<CacheFile<T>>;
    const entries = file.entries;
    if (file.catalog !== catalogVersion || typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
      return Object.create(null) as Record<string, T | null>;
    }
    return Object.assign(Object.create(null) as Record<string, T | null>, entries);
  } catch {
    // Missing, unreadable or damaged: start empty; the catalog answers and the file is rewritten.
    return Object.create(null) as Record<string, T | null>;
  }
}
