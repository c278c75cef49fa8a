/** A model reference `provider/model`; only the first `/` splits. */
export interface ModelRef {
  provider: string;
  model: string;
}

export class ModelRefError extends Error {
  override name = 'ModelRefError';
}

/**
 * Parses `provider/model`. `knownProviders` feeds the error message: a reference without a
 * provider, or with an unknown one, lists them and suggests the closest.
 */
export function parseModelRef(text: string, knownProviders: readonly string[]): ModelRef {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  if (slash <= 0 || slash === trimmed.length - 1) {
    const guess = slash <= 0 ? (providerForBareModel(trimmed, knownProviders) ?? closestMatch(trimmed, knownProviders)) : undefined;
    const hint = guess ? ` Did you mean "${guess}/${trimmed.replace(/^\//, '')}"?` : '';
    throw new ModelRefError(
      `Model reference "${text}" must be "provider/model" (for example openai/gpt-4.1).${hint} ` +
        `Providers: ${knownProviders.join(', ')}.`,
    );
  }
  const provider = trimmed.slice(0, slash).toLowerCase();
  const model = trimmed.slice(slash + 1);
  if (!knownProviders.includes(provider)) {
    const guess = closestMatch(provider, knownProviders);
    throw new ModelRefError(
      `Unknown provider "${provider}" in "${text}".${guess ? ` Did you mean "${guess}/${model}"?` : ''} ` +
        `Providers: ${knownProviders.join(', ')}.`,
    );
  }
  return { provider, model };
}

// Model-name families whose vendor is unambiguous, so `-m gpt-4.1` can suggest `openai/gpt-4.1`.
const MODEL_FAMILIES: ReadonlyArray<[RegExp, string]> = [
  [/^(gpt-|o[134](-|$)|chatgpt-|text-embedding-)/i, 'openai'],
  [/^claude-/i, 'anthropic'],
  [/^(gemini-|gemma-)/i, 'google'],
  [/^(anthropic|amazon|meta|mistral|cohere)\./i, 'bedrock'],
  [/^grok-/i, 'xai'],
  [/^deepseek-(chat|reasoner)/i, 'deepseek'],
  [/^(kimi-|moonshot-)/i, 'moonshot'],
];

/** For a reference without a provider: the full reference it most likely meant, if any. */
export function suggestModelRef(text: string): string | undefined {
  const family = MODEL_FAMILIES.find(([pattern]) => pattern.test(text.trim()))?.[1];
  return family ? `${family}/${text.trim()}` : undefined;
}

function providerForBareModel(model: string, knownProviders: readonly string[]): string | undefined {
  const family = MODEL_FAMILIES.find(([pattern]) => pattern.test(model))?.[1];
  return family && knownProviders.includes(family) ? family : undefined;
}

export function formatModelRef(ref: ModelRef): string {
  return `${ref.provider}/${ref.model}`;
}

/**
 * The candidate nearest to `word`: a candidate that appears inside the word (a bare model name
 * such as "gpt-4.1" suggests "openai" through the vendor table the caller passes), else the
 * smallest edit distance within a third of the word's length.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(lower.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}
