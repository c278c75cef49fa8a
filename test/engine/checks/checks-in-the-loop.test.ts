import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chooseChecks } from '../../../src/engine/checks/choose-checks.js';
import { commandChecks } from '../../../src/engine/checks/run-checks.js';
import type { ToolRunner } from '../../../src/engine/tool-runner.js';
import { PlainCommandRunner } from '../../../src/tools/plain-command-runner.js';
import { FakeServer } from '../../fakes/fake-server.js';
import { openaiRoutes } from '../../fakes/openai-routes.js';
import { judgeReply, planReply, runLoop } from '../engine-harness.js';

// A fixture project with a failing test: add() subtracts.
const TEST_SCRIPT = `import { add } from './add.mjs';\nif (add(2, 3) !== 5) { console.error('FAIL add(2, 3) = ' + add(2, 3) + ', expected 5'); process.exit(1); }\nconsole.log('ok');\n`;

let fake: FakeServer;
let workspace: string;
beforeAll(async () => {
  fake = await new FakeServer(openaiRoutes).start();
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  workspace = mkdtempSync(join(tmpdir(), 'openkoi-fix-the-bug-'));
  writeFileSync(join(workspace, 'add.mjs'), 'export const add = (a, b) => a - b;\n');
  writeFileSync(join(workspace, 'add.test.mjs'), TEST_SCRIPT);
  writeFileSync(join(workspace, 'package.json'), JSON.stringify({ type: 'module', scripts: { test: 'node add.test.mjs', lint: 'node -e 0' } }));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

/** A whole-file write tool, enough for the model to fix the fixture (the real tools are the tools module's). */
function writeTool(): ToolRunner {
  return {
    definitions: () => [{ name: 'write', description: 'Write a file', inputSchema: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } } } }],
    run: async (call) => {
      const { path, content } = call.input as { path: string; content: string };
      writeFileSync(join(workspace, path), content);
      return { output: `wrote ${path}`, isError: false };
    },
  };
}

const write = (content: string, id: string) => ({ toolCalls: [{ id, name: 'write', arguments: { path: 'add.mjs', content } }] });

function detectedChecks(trusted: boolean) {
  const { checks } = chooseChecks(workspace, { enabled: true, trusted });
  return commandChecks(checks, new PlainCommandRunner(), { workspace, timeoutMs: 60_000 });
}

describe('the evaluator runs the tests after each execution', () => {
  it('a wrong fix fails the tests: the failing output reaches the planner as a blocker, iteration 2 fixes it, accepted', async () => {
    fake.script('openai.chat', planReply(['fix add']), { ...write('export const add = (a, b) => a * b;\n', 'w1') }, { text: 'fixed add' }, judgeReply(0.95));
    fake.script('openai.chat', planReply(['really fix add']), write('export const add = (a, b) => a + b;\n', 'w2'), { text: 'fixed add for real' }, judgeReply(0.95));
    const { result, progress } = await runLoop(fake, 'Fix the bug in add', { tools: writeTool(), checks: detectedChecks(true), settings: { maxIterations: 3, quality: 0.8 } });

    expect(result.decision).toBe('accepted');
    expect(result.iterations).toHaveLength(2);
    // A judge's 0.95 with the linter passing would be 0.8375: red tests cap it below the threshold.
    expect(result.iterations[0]!.score).toBeCloseTo(0.79);
    const blocker = result.iterations[0]!.evaluation!.findings[0]!;
    expect(blocker).toMatchObject({ severity: 'blocker', dimension: 'checks' });
    expect(blocker.message).toContain('FAIL add(2, 3) = 6, expected 5');
    expect(result.iterations[1]!.score).toBeGreaterThan(0.95);
    expect(readFileSync(join(workspace, 'add.mjs'), 'utf8')).toContain('a + b');

    const requests = fake.requestsTo('openai.chat');
    // The first judge saw the failure; the second planner was told about it.
    expect(JSON.stringify(requests[3]!.body.messages)).toContain('FAIL add(2, 3) = 6');
    const secondPlanner = JSON.stringify(requests[4]!.body.messages);
    expect(secondPlanner).toContain('[blocker] (checks) The tests `npm test` failed (exit 1)');
    expect(secondPlanner).toContain('FAIL add(2, 3) = 6, expected 5');
    expect(progress.filter((line) => line.includes('check tests npm test'))).toEqual([
      expect.stringMatching(/check tests npm test → exit 1 in [\d.]+ s \(not sandboxed\)/),
      expect.stringMatching(/check tests npm test → passed in/),
    ]);
  });
});
