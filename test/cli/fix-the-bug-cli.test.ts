// End to end, as a user runs it: a project with a failing test, `openkoi trust`, then
// `openkoi --mode auto "Fix the bug"`. The fake model is scripted; everything else is real: the
// built CLI, the built-in tools (read, edit, shell under the sandbox when bwrap is installed), the
// evaluator's own run of the project's tests, and the change report in --json.
import { mkdirSync, readFileSync, realpathSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { judgeReply, planReply } from '../engine/engine-harness.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

const TEST_SCRIPT = `import { add } from './add.mjs';\nif (add(2, 3) !== 5) { console.error('FAIL add(2, 3) = ' + add(2, 3) + ', expected 5'); process.exit(1); }\nconsole.log('ok');\n`;

let fake: FakeServer;
let root: string;
let project: string;
let environment: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeVendors();
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  root = realpathSync(mkdtempSync(join(tmpdir(), 'openkoi-fix-the-bug-cli-')));
  project = join(root, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'add.mjs'), 'export const add = (a, b) => a - b;\n');
  writeFileSync(join(project, 'add.test.mjs'), TEST_SCRIPT);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module', scripts: { test: 'node add.test.mjs' } }));
  const home = join(root, 'home');
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-fix-0123', HOME: home, OPENKOI_HOME: join(home, '.openkoi') };
  return () => rmSync(root, { recursive: true, force: true });
});

const call = (id: string, name: string, args: Record<string, unknown>) => ({ toolCalls: [{ id, name, arguments: args }] });
const edit = (id: string, newString: string) => call(id, 'edit', { path: 'add.mjs', old_string: '(a, b) => a - b', new_string: newString });

/** The tool results the executor's requests carried back to the model, in order. */
function toolResults(): string[] {
  return fake.requestsTo('openai.chat').flatMap((request) => {
    const messages = request.body.messages as Array<{ role: string; content: unknown }>;
    const last = messages.at(-1);
    return last?.role === 'tool' ? [String(last.content)] : [];
  });
}

async function fixTheBug() {
  const trusted = await runOpenkoi(['trust', project], environment, { cwd: project });
  expect(trusted.code, trusted.stderr).toBe(0);
  return runOpenkoi(['-m', 'openai/gpt-4.1', '--mode', 'auto', '--no-memory', '--json', 'Fix the bug in add'], environment, { cwd: project, timeoutMs: 60_000 });
}

describe('openkoi "Fix the bug": read, edit, run the tests, evaluated by the project\'s own tests', () => {
  it('the model reads, fixes and runs the tests; the evaluator\'s test run passes; accepted, and --json lists the change with its diff', async () => {
    fake.script(
      'openai.chat',
      planReply(['read add.mjs', 'fix add', 'run the tests']),
      call('r1', 'read', { path: 'add.mjs' }),
      edit('e1', '(a, b) => a + b'),
      call('s1', 'shell', { command: 'npm test' }),
      { text: 'add now adds; the test passes' },
      judgeReply(0.95),
    );
    const result = await fixTheBug();
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(project, 'add.mjs'), 'utf8')).toBe('export const add = (a, b) => a + b;\n');
    const [read, edited, shell] = toolResults();
    expect(read).toContain('a - b');
    expect(edited).toContain('add.mjs');
    expect(shell).toMatch(/exit 0|ok/);
    expect(result.stderr).toContain('[tool] edit add.mjs');
    const summary = JSON.parse(result.stdout) as { decision: string; changes: Array<{ path: string; status: string; additions: number; deletions: number; diff: string }> };
    expect(summary.decision).toBe('accepted');
    expect(summary.changes).toEqual([expect.objectContaining({ path: 'add.mjs', status: 'modified', additions: 1, deletions: 1 })]);
    expect(summary.changes[0]!.diff).toContain('-export const add = (a, b) => a - b;');
    expect(summary.changes[0]!.diff).toContain('+export const add = (a, b) => a + b;');
  });

  it('a wrong fix: the project\'s tests fail, their output reaches the planner as a blocker, iteration 2 fixes it, accepted', async () => {
    fake.script('openai.chat', planReply(['fix add']), edit('e1', '(a, b) => a * b'), { text: 'fixed, I think' }, judgeReply(0.95));
    fake.script(
      'openai.chat',
      planReply(['really fix add']),
      call('e2', 'edit', { path: 'add.mjs', old_string: '(a, b) => a * b', new_string: '(a, b) => a + b' }),
      { text: 'fixed for real' },
      judgeReply(0.95),
    );
    const result = await fixTheBug();
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(project, 'add.mjs'), 'utf8')).toBe('export const add = (a, b) => a + b;\n');
    const summary = JSON.parse(result.stdout) as { decision: string; iterations: Array<{ score: number | null }> };
    expect(summary.decision).toBe('accepted');
    expect(summary.iterations).toHaveLength(2);
    // The judge said 0.95, but red tests cap the first iteration below the threshold.
    expect(summary.iterations[0]!.score).toBeLessThan(0.8);
    // The second plan was asked for with the failing test's output as a blocker finding.
    const replan = fake.requestsTo('openai.chat').find((request) => JSON.stringify(request.body.messages).includes('FAIL add(2, 3) = 6, expected 5'));
    expect(replan, 'a request carried the failing test output').toBeDefined();
    expect(JSON.stringify(replan!.body.messages)).toMatch(/blocker/i);
  });
});
