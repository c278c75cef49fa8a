import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// bench/memory reads hours of cached embeddings through cachedVectors(): a part file joined at the
// wrong offset would pair every later vector with the wrong sentence and no figure would show it.
let cache: string;
let cachedVectors: (name: string, dimension: number) => { rows: number; values: Float32Array };

const rows = (from: number, to: number, dimension: number) => {
  const values = new Float32Array((to - from) * dimension);
  for (let row = from; row < to; row++) values.fill(row, (row - from) * dimension, (row - from + 1) * dimension);
  return Buffer.from(values.buffer);
};

beforeAll(async () => {
  cache = mkdtempSync(join(tmpdir(), 'openkoi-bench-cache-'));
  process.env['BENCH_CACHE'] = cache;
  // @ts-expect-error: a plain .mjs bench module, no declarations
  ({ cachedVectors } = await import('../../bench/support/real-embeddings.mjs'));
});
afterAll(() => {
  delete process.env['BENCH_CACHE'];
  rmSync(cache, { recursive: true, force: true });
});

describe('cachedVectors joins the main file and its part files by row', () => {
  it('row r holds sentence r across the join, an overlap is not counted twice, and a gap stops the join', () => {
    writeFileSync(join(cache, 't.f32'), rows(0, 5, 3));
    // Overlaps the main file by one row (row 4), then continues to 9.
    writeFileSync(join(cache, 't.part-4-9.f32'), rows(4, 9, 3));
    // A gap (rows 9 and 10 missing): must not be appended as rows 9…
    writeFileSync(join(cache, 't.part-11-13.f32'), rows(11, 13, 3));
    const { rows: covered, values } = cachedVectors('t', 3);
    expect(covered).toBe(9);
    expect(values.length).toBe(27);
    for (let row = 0; row < covered; row++) expect(Array.from(values.subarray(row * 3, row * 3 + 3))).toEqual([row, row, row]);
  });
});
