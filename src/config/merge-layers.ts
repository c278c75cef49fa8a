type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge, later layers winning; arrays and scalars replace, undefined never overrides. */
export function mergeLayers<T extends object>(layers: readonly T[]): T {
  const result: Plain = {};
  for (const layer of layers) mergeInto(result, layer as Plain);
  return result as T;
}

function mergeInto(target: Plain, source: Plain): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const existing = target[key];
    if (isPlainObject(value)) {
      const nested: Plain = isPlainObject(existing) ? existing : {};
      mergeInto(nested, value);
      target[key] = nested;
    } else {
      target[key] = Array.isArray(value) ? [...value] : value;
    }
  }
}
