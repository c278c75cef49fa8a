import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as GenaiPrices from '@pydantic/genai-prices';
import type { OpenkoiConfig } from '../config/config-schema.js';
import type { ModelRef } from '../model/model-ref.js';
import { CatalogPriceCache, catalogPriceCachePath } from './catalog-price-cache.js';

/**
 * USD per million tokens. A tiered rate (the catalog's long-context prices) reprices the whole
 * call at the highest tier whose `start` the prompt exceeds, as the vendors bill it.
 */
export type PerMillionRate = number | TieredRate;

export interface TieredRate {
  base: number;
  tiers: ReadonlyArray<{ start: number; price: number }>;
}

/** Where a price came from; reports and `status` name it. */
export type PriceSource = 'config' | 'catalog' | 'subscription' | 'local';

export interface ModelPrice {
  input: PerMillionRate;
  output: PerMillionRate;
  /** Absent: the source has no cached-input price (compute-cost.ts decides what that means). */
  cacheRead?: PerMillionRate;
  cacheWrite?: PerMillionRate;
  /** Claude models bill cache writes above input and reads far below it, wherever they run. */
  anthropicCaching: boolean;
  source: PriceSource;
  /** The catalog model the reference matched (`claude-sonnet-4-20250514` → `claude-sonnet-4-0`). */
  catalogModel?: string;
}

export type PriceLookup = { known: true; price: ModelPrice } | { known: false };

export type PricingOverrides = OpenkoiConfig['pricing'];

export interface FindModelPriceOptions {
  /** `[pricing."provider/model"]` from config: beats the catalog. */
  pricing?: PricingOverrides;
  /** The model the vendor says served the call: priced first, as it is what was billed. */
  responseModel?: string;
  /** When the call happened: the catalog holds dated price changes. */
  at?: Date;
}

// Subscriptions are paid for by the month, whatever the tokens; local models cost nothing per call.
const SUBSCRIPTION_PROVIDERS = new Set(['github-copilot', 'openai-codex', 'chatgpt']);
const LOCAL_PROVIDERS = new Set(['ollama', 'offline']);

// openkoi's provider ids where the catalog spells them differently.
const CATALOG_PROVIDER_IDS: Readonly<Record<string, string>> = {
  bedrock: 'aws',
  xai: 'x-ai',
  moonshot: 'moonshotai',
  kimi: 'moonshotai',
};

/**
 * The price of a model call: config overrides first; then subscription and local providers,
 * known to cost 0; then the catalog (`@pydantic/genai-prices`). Anything else is unknown: it is
 * recorded as such, never guessed.
 */
export function findModelPrice(ref: ModelRef, options: FindModelPriceOptions = {}): PriceLookup {
  const models = modelNamesToTry(ref.model, options.responseModel);
  // The user's own figure wins over everything, free providers included (Ollama on a rented GPU).
  for (const model of models) {
    const override = options.pricing?.[`${ref.provider}/${model}`];
    if (override) return { known: true, price: priceFromOverride(override, model) };
  }
  if (SUBSCRIPTION_PROVIDERS.has(ref.provider)) return { known: true, price: freePrice('subscription') };
  if (LOCAL_PROVIDERS.has(ref.provider)) return { known: true, price: freePrice('local') };
  for (const model of models) {
    const price = catalogPrice(ref.provider, model, options.at ?? new Date());
    if (price) return { known: true, price };
  }
  return { known: false };
}

function modelNamesToTry(requested: string, responseModel: string | undefined): string[] {
  return responseModel && responseModel !== requested ? [responseModel, requested] : [requested];
}

function freePrice(source: PriceSource): ModelPrice {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, anthropicCaching: false, source };
}

function priceFromOverride(override: NonNullable<PricingOverrides>[string], model: string): ModelPrice {
  return {
    input: override.input,
    output: override.output,
    ...(override.cache_read !== undefined ? { cacheRead: override.cache_read } : {}),
    ...(override.cache_write !== undefined ? { cacheWrite: override.cache_write } : {}),
    anthropicCaching: isClaudeModel(model),
    source: 'config',
  };
}

function catalogPrice(provider: string, model: string, at: Date): ModelPrice | undefined {
  const providerId = CATALOG_PROVIDER_IDS[provider] ?? provider;
  const cache = diskCache();
  const cached = cache?.get(provider, model);
  if (cached && (cached.price === null || isModelPrice(cached.price))) return cached.price ?? undefined;
  let result: GenaiPrices.PriceCalculationResult;
  try {
    // Empty usage: we only want the catalog's match and its prices at `at`, not its arithmetic.
    result = loadCatalog().calcPrice({}, model, { providerId, timestamp: at });
  } catch {
    // A catalog that cannot price a model (a malformed entry, a broken install) leaves the price
    // unknown: the call is still recorded, and reports say its cost is unknown.
    return undefined;
  }
  if (!result) {
    cache?.set(provider, model, null);
    return undefined;
  }
  const price = priceFromCatalog(result, provider, model);
  // Dated or time-of-day prices depend on `at`: only an unconditional price is kept.
  if (!Array.isArray(result.model.prices)) cache?.set(provider, model, price ?? null);
  return price;
}

function priceFromCatalog(result: GenaiPrices.PriceCalculation, provider: string, model: string): ModelPrice | undefined {
  const prices = result.model_price;
  const input = rateOf(prices['input_mtok']);
  // A catalog entry without an input price (Copilot lists models it meters in credits) is no price.
  if (input === undefined) return undefined;
  const cacheRead = rateOf(prices['cache_read_mtok']);
  const cacheWrite = rateOf(prices['cache_write_mtok']);
  return {
    input,
    // Embedding models have no output price: they produce no output tokens.
    output: rateOf(prices['output_mtok']) ?? 0,
    ...(cacheRead !== undefined ? { cacheRead } : {}),
    ...(cacheWrite !== undefined ? { cacheWrite } : {}),
    anthropicCaching: isClaudeModel(model) || provider === 'anthropic',
    source: 'catalog',
    catalogModel: result.model.id,
  };
}

function rateOf(value: number | GenaiPrices.TieredPrices | undefined): PerMillionRate | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const tiers = value.tiers.map((tier) => ({ start: tier.start, price: tier.price })).sort((a, b) => a.start - b.start);
  return { base: value.base, tiers };
}

// Bedrock and Vertex ids embed the vendor: `anthropic.claude-…`, `us.anthropic.claude-…`, `claude-…@2025…`.
function isClaudeModel(model: string): boolean {
  return /(^|[./])claude-/i.test(model);
}

type Catalog = typeof GenaiPrices;

// The catalog is large (about 45 ms to load): it is required on first use only, so commands that
// never price a call (`--help`, `status`, which reads stored costs) never pay for it. The bundle
// leaves this require to run time, where it resolves the package from node_modules.
const require = createRequire(import.meta.url);
let loadedCatalog: Catalog | undefined;

function loadCatalog(): Catalog {
  loadedCatalog ??= require('@pydantic/genai-prices') as Catalog;
  return loadedCatalog;
}

let cacheDirectoryHome: string | undefined;
let openedCache: CatalogPriceCache<ModelPrice> | null | undefined;

/**
 * Keeps catalog lookups in OPENKOI_HOME/cache between runs (catalog-price-cache.ts says which).
 * The app layer calls it once per process; without it every lookup asks the catalog.
 */
export function cacheCatalogPricesIn(openkoiHome: string | undefined): void {
  cacheDirectoryHome = openkoiHome;
  openedCache = undefined;
}

function diskCache(): CatalogPriceCache<ModelPrice> | undefined {
  if (cacheDirectoryHome === undefined) return undefined;
  if (openedCache === undefined) {
    const version = installedCatalogVersion();
    openedCache = version ? new CatalogPriceCache<ModelPrice>(catalogPriceCachePath(cacheDirectoryHome), version) : null;
  }
  return openedCache ?? undefined;
}

/** The installed catalog's version and size, read without loading it; undefined when unreadable. */
function installedCatalogVersion(): string | undefined {
  try {
    const entry = require.resolve('@pydantic/genai-prices');
    const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? `${manifest.version}+${statSync(entry).size}` : undefined;
  } catch {
    return undefined;
  }
}

function isRate(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0;
  if (typeof value !== 'object' || value === null) return false;
  const tiered = value as { base?: unknown; tiers?: unknown };
  return typeof tiered.base === 'number' && Array.isArray(tiered.tiers);
}

/** A cached entry is used only if it still looks like a price (the file is the user's to edit or damage). */
function isModelPrice(value: unknown): value is ModelPrice {
  if (typeof value !== 'object' || value === null) return false;
  const price = value as Partial<Record<keyof ModelPrice, unknown>>;
  return (
    isRate(price.input) &&
    isRate(price.output) &&
    (price.cacheRead === undefined || isRate(price.cacheRead)) &&
    (price.cacheWrite === undefined || isRate(price.cacheWrite)) &&
    typeof price.anthropicCaching === 'boolean' &&
    price.source === 'catalog'
  );
}
