import { readFileSync } from 'node:fs';
import { Parser } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import Run from '../../src/commands/run.js';
import { parseArgvWithManifest } from '../../src/ui/parse-argv-with-manifest.js';
import type { Manifest } from '../../src/ui/render-help.js';

// The start-up fast path parses `openkoi run` argv without oclif; it must agree with oclif on
// every argv it accepts, and hand everything else back (undefined) for oclif to report.
const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as Manifest;
const runCommand = manifest.commands['run']!;

async function parseWithOclif(argv: string[]) {
  const { flags, argv: words } = await Parser.parse(argv, { flags: Run.flags, args: Run.args, strict: false });
  return { flags: Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined)), words };
}

function parseFast(argv: string[]) {
  const parsed = parseArgvWithManifest(argv, runCommand);
  if (!parsed) return undefined;
  return { flags: Object.fromEntries(Object.entries(parsed.flags).filter(([, value]) => value !== undefined)), words: parsed.words };
}

describe('the fast path parses `openkoi run` exactly as oclif does', () => {
  it.each([
    [['say', 'hi']],
    [['-m', 'openai/gpt-4.1', 'say hi']],
    [['--model=openai/gpt-4.1', '-i', '0', 'say hi']],
    [['-i0', '-q', '0.9', 'task']],
    [['--no-stream', 'task', 'with', 'words']],
    [['--stream', '--json', '--quiet', 'task']],
    [['task first', '--planner', 'openai/a', '--executor', 'openai/b', '--evaluator', 'anthropic/c']],
    [['--max-tokens', '1000', '--max-cost', '0.5', '--max-time', '60', '--config', '/tmp/x.toml', 'task']],
    [['--stdin']],
    [['together/meta-llama/Llama-3.3-70B', 'is', 'a', 'word', 'here']],
  ])('%j', async (argv) => {
    const fast = parseFast(argv);
    expect(fast).toBeDefined();
    expect(fast).toEqual(await parseWithOclif(argv));
  });

  it('hands unknown flags back to oclif, which reports them', () => {
    expect(parseFast(['--bogus', 'task'])).toBeUndefined();
    expect(parseFast(['-z', 'task'])).toBeUndefined();
  });

  it('hands back a value-taking flag without its value', () => {
    expect(parseFast(['task', '-m'])).toBeUndefined();
  });
});
