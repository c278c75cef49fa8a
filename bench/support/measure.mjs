// Shared helpers for the benchmarks: paired wall-clock runs and medians.
import { spawnSync } from 'node:child_process';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Wall time in ms of one run of `command args` (which must exit 0). */
export function timeCommand(command, args, environment) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env: environment, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

/**
 * Runs each named case once per round, in rotating order so drift on a shared machine hits
 * every case alike, and returns the medians.
 */
export function pairedMedians(cases, rounds) {
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  const names = Object.keys(cases);
  for (let round = 0; round < rounds; round++) {
    for (let offset = 0; offset < names.length; offset++) {
      const name = names[(round + offset) % names.length];
      samples[name].push(cases[name]());
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

export function formatMs(value) {
  return `${value.toFixed(1)} ms`;
}
