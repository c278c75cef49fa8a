// Every setting a user relies on, proven wired from flag, environment or file to behaviour: each
// test here fails when the line that reads its setting is cut (issue 14, "Every setting proven wired").
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { taskSummarySchema } from '../../src/engine/task-summary.js';
import { planReply } from '../engine/engine-harness.js';
import type { FakeServer } from '../fakes/fake-server.js';
import type { ScriptedReply } from '../fakes/scripted-reply.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

let fake: FakeServer;
let environment: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeVendors();
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-wiring-0123' };
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const ROLES = ['--planner', 'openai/planner-a', '--executor', 'openai/executor-b', '--evaluator', 'openai/judge-c'];

function judge(score: number): ScriptedReply {
  return { text: JSON.stringify({ scores: { correctness: score, completeness: score, clarity: score }, findings: [], summary: 'judged' }) };
}

/** Plan, answer and judgement of one iteration, all on the OpenAI fake. */
function iteration(answer: string, score: number): ScriptedReply[] {
  return [planReply(['do it']), { text: answer }, judge(score)];
}

function models(): string[] {
  return fake.requestsTo('openai.chat').map((request) => String(request.body.model));
}

describe('engine settings from config.toml', () => {
  it('min_improvement: a gain below it stops the loop ("no improvement"), exit 4', async () => {
    // 0.50 then 0.52: a gain of 0.02 is below 0.05 (the default 0.02 would let it continue).
    fake.script('openai.chat', ...iteration('first', 0.5), ...iteration('second', 0.52), ...iteration('third', 0.6));
    const result = await runOpenkoi([...ROLES, 'task'], environment, { config: '[engine]\nmin_improvement = 0.05\n' });
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toContain('[iter 2] score 0.52 → stop: no improvement, keeping the best');
    expect(models()).toHaveLength(6);
    expect(result.stdout).toBe('second\n');
  });

  it('regression_threshold: a fall beyond it stops the loop ("regressed"), keeping the best', async () => {
    // 0.60 then 0.54: a fall of 0.06 is beyond 0.05 (the default 0.1 would call it no improvement).
    fake.script('openai.chat', ...iteration('first', 0.6), ...iteration('second', 0.54));
    const result = await runOpenkoi([...ROLES, 'task'], environment, { config: '[engine]\nregression_threshold = 0.05\n' });
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toContain('[iter 2] score 0.54 → stop: score regressed, keeping the best');
    expect(result.stdout).toBe('first\n');
  });

  it('an unknown key in [providers.<id>] is an error naming it, nothing sent', async () => {
    const result = await runOpenkoi(['-i', '0', '-m', 'mylab/lab-1', 'task'], environment, {
      config: `[providers.mylab]\nbase_url = "${fake.url}/v1"\napi_kye_env = "MYLAB_KEY"\n`,
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/providers\.mylab.*api_kye_env/s);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('OPENKOI_* environment variables', () => {
  it('OPENKOI_ITERATIONS=0 executes once, without a planner or an evaluator', async () => {
    fake.script('openai.chat', { text: 'executed once' });
    const result = await runOpenkoi([...ROLES, 'task'], { ...environment, OPENKOI_ITERATIONS: '0' });
    expect(result.code, result.stderr).toBe(0);
    expect(models()).toEqual(['executor-b']);
    expect(result.stdout).toBe('executed once\n');
  });

  it('OPENKOI_ITERATIONS=1 stops after one iteration below the threshold', async () => {
    fake.script('openai.chat', ...iteration('only', 0.5), ...iteration('never', 0.9));
    const result = await runOpenkoi([...ROLES, 'task'], { ...environment, OPENKOI_ITERATIONS: '1' });
    expect(result.code, result.stderr).toBe(4);
    expect(models()).toHaveLength(3);
    expect(result.stderr).toContain('stop: iteration limit');
  });

  it('OPENKOI_STREAM=false asks for whole replies; true (the default) streams', async () => {
    fake.script('openai.chat', { text: 'whole' }, { text: 'streamed' });
    const whole = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'task'], { ...environment, OPENKOI_STREAM: 'false' });
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stdout).toBe('whole\n');
    const streamed = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'task'], { ...environment, OPENKOI_STREAM: 'true' });
    expect(streamed.stdout).toBe('streamed\n');
    const requests = fake.requestsTo('openai.chat');
    expect(requests[0]?.body.stream).toBeFalsy();
    expect(requests[1]?.body.stream).toBe(true);
  });
});

describe('flags', () => {
  it('--max-time is in seconds: a stalled reply is cut after 1 s with exit 3 (budget-time)', async () => {
    // The stall never ends by itself: only the time budget can stop it (read as minutes, this run
    // would outlive the test's 20 s limit).
    fake.script('openai.chat', { chunks: ['partial '], stallAfterEvents: 2 });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', '--max-time', '1', 'task'], environment);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('[done] budget-time');
  });

  it('--quiet hides progress, never errors', async () => {
    fake.script('openai.chat', { fault: { status: 400, message: 'Unsupported parameter: temperature' } });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', '--quiet', 'task'], environment);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Unsupported parameter: temperature');
    expect(result.stderr).not.toContain('[model]');
  });

  it('--quiet still shows a setup error (exit 2)', async () => {
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', '--quiet', '--max-cost', 'lots', 'task'], environment);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--max-cost expects a number, got "lots"');
  });
});

describe('the evaluator the planner chose judges the result', () => {
  it('the planner picks prose: the judge sees the prose rubric and its scores count', async () => {
    fake.script(
      'openai.chat',
      planReply(['write it'], 'prose'),
      { text: 'A clear paragraph.' },
      { text: JSON.stringify({ scores: { accuracy: 0.9, structure: 0.9, style: 0.9 }, findings: [], summary: 'good prose' }) },
    );
    const result = await runOpenkoi([...ROLES, 'Write a paragraph'], environment);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('[plan] 1 step, evaluator prose');
    const judgePrompt = JSON.stringify(fake.requestsTo('openai.chat')[2]?.body.messages);
    expect(judgePrompt).toContain('accuracy (weight 0.4)');
    expect(judgePrompt).not.toContain('correctness (weight');
    expect(result.stderr).toContain('[iter 1] score 0.90 → accept');
  });
});

describe('a judge that scores no rubric dimension gives no score, never 0', () => {
  it('scores for unknown dimensions: "score none", the iteration is not accepted, and the JSON says null', async () => {
    const offRubric: ScriptedReply = { text: JSON.stringify({ scores: { vibes: 0.95, energy: 0.9 }, findings: [], summary: '?' }) };
    fake.script('openai.chat', planReply(['a']), { text: 'answer' }, offRubric);
    const result = await runOpenkoi([...ROLES, '-i', '1', '--json', 'task'], environment);
    expect(result.code, result.stderr).toBe(4);
    const summary = taskSummarySchema.parse(JSON.parse(result.stdout));
    expect(summary.iterations[0]?.score).toBeNull();
    expect(summary.decision).toBe('unscored');
    expect(summary.answer).toBe('answer');
  });

  it('without --json the progress line says "score none", not 0.00', async () => {
    const offRubric: ScriptedReply = { text: JSON.stringify({ scores: { vibes: 0.95 }, findings: [], summary: '?' }) };
    fake.script('openai.chat', planReply(['a']), { text: 'answer' }, offRubric);
    const result = await runOpenkoi([...ROLES, '-i', '1', 'task'], environment);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/\[iter 1\] score none/);
    expect(result.stderr).not.toContain('score 0.00');
  });
});

describe('more OPENKOI_* variables and flags, each to its behaviour', () => {
  it('OPENKOI_PLANNER, OPENKOI_EXECUTOR and OPENKOI_EVALUATOR choose each role’s model', async () => {
    fake.script('openai.chat', ...iteration('answer', 0.9));
    const result = await runOpenkoi(['task'], { ...environment, OPENKOI_PLANNER: 'openai/env-p', OPENKOI_EXECUTOR: 'openai/env-e', OPENKOI_EVALUATOR: 'openai/env-j' });
    expect(result.code, result.stderr).toBe(0);
    expect(models()).toEqual(['env-p', 'env-e', 'env-j']);
  });

  it('OPENKOI_EMBEDDER sets the embedder role (shown by openkoi status)', async () => {
    const result = await runOpenkoi(['status', '--json'], { ...environment, OPENKOI_EMBEDDER: 'openai/text-embedding-3-large' });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { roles: Array<{ role: string; model?: string }> };
    expect(report.roles.find((role) => role.role === 'embedder')?.model).toBe('openai/text-embedding-3-large');
  });

  it('OPENKOI_MAX_TOKENS stops the task with exit 3 (token budget)', async () => {
    fake.script('openai.chat', ...iteration('partial', 0.5), ...iteration('never', 0.9));
    const result = await runOpenkoi([...ROLES, 'task'], { ...environment, OPENKOI_MAX_TOKENS: '20' });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('token budget spent');
  });

  it('OPENKOI_MAX_DURATION_S is in seconds: a stalled reply is cut with exit 3 (budget-time)', async () => {
    fake.script('openai.chat', { chunks: ['partial '], stallAfterEvents: 2 });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'task'], { ...environment, OPENKOI_MAX_DURATION_S: '1' });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('[done] budget-time');
  });

  it.each([
    ['-q', ['-q', '0.95'], {}],
    ['OPENKOI_QUALITY', [], { OPENKOI_QUALITY: '0.95' }],
  ])('%s raises the threshold: a 0.90 is not accepted (exit 4)', async (_label, flags, variables) => {
    fake.script('openai.chat', ...iteration('good', 0.9));
    const result = await runOpenkoi([...ROLES, '-i', '1', ...flags, 'task'], { ...environment, ...variables });
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toContain('[iter 1] score 0.90 → stop: iteration limit');
  });

  it('-q lowers it too: a 0.70 is accepted (exit 0)', async () => {
    fake.script('openai.chat', ...iteration('fine', 0.7));
    const result = await runOpenkoi([...ROLES, '-i', '1', '-q', '0.65', 'task'], environment);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('[iter 1] score 0.70 → accept');
  });
});

describe('the schema’s limits hold for flags', () => {
  it('-i above 50 is a usage error, nothing sent', async () => {
    const result = await runOpenkoi([...ROLES, '-i', '51', 'task'], environment);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('-i/--iterate: expected a value of at most 50');
    expect(fake.requests).toHaveLength(0);
  });
});
