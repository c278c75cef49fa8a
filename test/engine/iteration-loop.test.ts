import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeServer } from '../fakes/fake-server.js';
import { openaiRoutes } from '../fakes/openai-routes.js';
import { outcomeOf } from '../../src/engine/decision.js';
import { judgeReply, planReply, requestedModels, runLoop } from './engine-harness.js';

let fake: FakeServer;
beforeAll(async () => {
  fake = await new FakeServer(openaiRoutes).start();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

function script(...replies: Parameters<FakeServer['script']>[1][]): void {
  fake.script('openai.chat', ...replies);
}

describe('the loop accepts a result that reaches the quality threshold', () => {
  it('plans, executes, evaluates once and accepts', async () => {
    script(planReply(['Write the greeting']), { chunks: ['Hello', ', world'] }, judgeReply(0.9));
    const { result, progress, text } = await runLoop(fake, 'Greet the world');
    expect(result.decision).toBe('accepted');
    expect(result.answer).toBe('Hello, world');
    expect(result.score).toBeCloseTo(0.9);
    expect(result.iterations).toHaveLength(1);
    expect(text).toBe('Hello, world');
    expect(requestedModels(fake)).toEqual(['planner-model', 'executor-model', 'evaluator-model']);
    expect(progress).toContain('[plan] 1 step, evaluator general');
    expect(progress).toContain('[iter 1/3] executing');
    expect(progress.some((line) => line.startsWith('[iter 1] score 0.90') && line.endsWith('→ accept'))).toBe(true);
  });

  it('the executor sees the plan; the evaluator sees the task, the criteria, the rubric and the result', async () => {
    script(planReply(['Step one', 'Step two']), { text: 'RESULT-TEXT' }, judgeReply(0.95));
    await runLoop(fake, 'Do the thing');
    const [, executorRequest, evaluatorRequest] = fake.requestsTo('openai.chat');
    const executorPrompt = JSON.stringify(executorRequest?.body.messages);
    expect(executorPrompt).toContain('1. Step one');
    expect(executorPrompt).toContain('2. Step two');
    const judgePrompt = JSON.stringify(evaluatorRequest?.body.messages);
    expect(judgePrompt).toContain('Do the thing');
    expect(judgePrompt).toContain('it works');
    expect(judgePrompt).toContain('correctness (weight 0.5)');
    expect(judgePrompt).toContain('RESULT-TEXT');
  });
});

describe('the loop refines the plan from the findings and tries again', () => {
  it('continues below the threshold, then accepts; the planner sees iteration 1 findings', async () => {
    script(
      planReply(['First try']),
      { text: 'draft one' },
      judgeReply(0.5, [{ severity: 'blocker', message: 'Missing the FAREWELL section', fix: 'Add a farewell' }]),
      planReply(['Second try, with farewell']),
      { text: 'draft two' },
      judgeReply(0.85),
    );
    const { result, progress } = await runLoop(fake, 'Write a letter');
    expect(result.decision).toBe('accepted');
    expect(result.answer).toBe('draft two');
    expect(result.iterations.map((iteration) => iteration.decision)).toEqual(['continue', 'accepted']);
    const secondPlannerRequest = fake.requestsTo('openai.chat')[3];
    expect(secondPlannerRequest?.body.model).toBe('planner-model');
    const prompt = JSON.stringify(secondPlannerRequest?.body.messages);
    expect(prompt).toContain('Missing the FAREWELL section');
    expect(prompt).toContain('Add a farewell');
    expect(prompt).toContain('draft one');
    expect(prompt).toContain('scored 0.50');
    expect(progress).toContain('[plan] 1 step, evaluator general (refined from the findings)');
  });

  it('keeps the best iteration when the limit is reached below the threshold', async () => {
    script(planReply(['a']), { text: 'weak' }, judgeReply(0.5), planReply(['b']), { text: 'better' }, judgeReply(0.7));
    const { result } = await runLoop(fake, 'task', { settings: { maxIterations: 2 } });
    expect(result.decision).toBe('iteration-limit');
    expect(result.answer).toBe('better');
    expect(result.bestIteration).toBe(2);
    expect(result.score).toBeCloseTo(0.7);
  });
});

describe('the loop stops early when iterating stops paying', () => {
  it('stops on a regression and keeps the best iteration', async () => {
    script(planReply(['a']), { text: 'good first' }, judgeReply(0.6), planReply(['b']), { text: 'worse second' }, judgeReply(0.4));
    const { result } = await runLoop(fake, 'task', { settings: { regressionThreshold: 0.1 } });
    expect(result.decision).toBe('regression');
    expect(result.answer).toBe('good first');
    expect(result.bestIteration).toBe(1);
    expect(fake.requestsTo('openai.chat')).toHaveLength(6);
  });

  it('stops when the gain is below the minimum improvement', async () => {
    script(planReply(['a']), { text: 'one' }, judgeReply(0.6), planReply(['b']), { text: 'two' }, judgeReply(0.61));
    const { result } = await runLoop(fake, 'task', { settings: { minImprovement: 0.02 } });
    expect(result.decision).toBe('no-improvement');
    expect(result.answer).toBe('two');
    expect(fake.requestsTo('openai.chat')).toHaveLength(6);
  });
});

describe('budgets stop the loop', () => {
  it('a token budget stops before evaluating and keeps the output', async () => {
    // The fake reports 10 input + 5 output tokens per call: 30 after planning and executing.
    script(planReply(['a']), { text: 'output before the budget ran out' }, judgeReply(0.9));
    const { result } = await runLoop(fake, 'task', { budgets: { maxTokens: 25 } });
    expect(result.decision).toBe('budget-tokens');
    expect(result.answer).toBe('output before the budget ran out');
    expect(requestedModels(fake)).toEqual(['planner-model', 'executor-model']);
  });

  it('a cost budget stops once the priced attempts reach it', async () => {
    script(planReply(['a']), { text: 'one' }, judgeReply(0.5), planReply(['b']), { text: 'two' }, judgeReply(0.9));
    const { result } = await runLoop(fake, 'task', { budgets: { maxCostUsd: 0.03 }, priceAttempt: () => 0.01 });
    expect(result.decision).toBe('budget-cost');
    expect(result.answer).toBe('one');
    expect(fake.requestsTo('openai.chat')).toHaveLength(3);
  });

  it('a request whose estimated cost would cross what is left is not sent', async () => {
    // $0.01 a call: $0.02 spent after planner and executor, and the judge's $0.01 would cross $0.025.
    script(planReply(['a']), { text: 'one' }, judgeReply(0.5));
    const { result } = await runLoop(fake, 'task', { budgets: { maxCostUsd: 0.025 }, priceAttempt: () => 0.01 });
    expect(result.decision).toBe('budget-cost');
    expect(result.error?.message).toMatch(/Not sent: the evaluator request/);
    expect(result.answer).toBe('one');
    expect(fake.requestsTo('openai.chat')).toHaveLength(2);
  });

  it('a time budget aborts a call in flight and stops', async () => {
    // A controlled clock: time stands still until the executor's request reaches the vendor, then
    // the budget's deadline passes (the clock jumps and the deadline signal fires). No real wait.
    let now = 0;
    const deadlines: AbortController[] = [];
    const clock = {
      now: () => now,
      timeoutSignal: () => {
        const controller = new AbortController();
        deadlines.push(controller);
        return controller.signal;
      },
    };
    script(planReply(['a']), { text: 'never arrives', delayMs: 10_000 });
    const watch = setInterval(() => {
      if (fake.requestsTo('openai.chat').length < 2) return;
      clearInterval(watch);
      now = 1_000;
      for (const deadline of deadlines) deadline.abort(new Error('time budget'));
    }, 5);
    const { result } = await runLoop(fake, 'task', { budgets: { maxDurationMs: 400 }, clock });
    clearInterval(watch);
    expect(result.decision).toBe('budget-time');
    expect(result.answer).toBeUndefined();
    expect(requestedModels(fake)).toEqual(['planner-model', 'executor-model']);
  });
});

describe('the answer is the best iteration, whatever stops the loop', () => {
  it('a budget stop after an unscored iteration still answers with that iteration', async () => {
    // 15 tokens a call (10 in, 5 out): 45 after iteration 1, under the budget of 50; iteration 2's
    // planner brings it to 60, so the loop stops before iteration 2 executes.
    script(planReply(['a']), { text: 'first answer' }, { text: 'Looks great to me!' }, planReply(['b']), { text: 'never requested' });
    const { result, progress, database, taskId } = await runLoop(fake, 'task', { budgets: { maxTokens: 50 } });
    expect(requestedModels(fake)).toEqual(['planner-model', 'executor-model', 'evaluator-model', 'planner-model']);
    expect(result.decision).toBe('budget-tokens');
    expect(outcomeOf(result.decision)).toBe('budget');
    expect(result.answer).toBe('first answer');
    expect(result.bestIteration).toBe(1);
    expect(result.score).toBeUndefined();
    expect(result.iterations.map((iteration) => iteration.decision)).toEqual(['continue', 'budget-tokens']);
    expect(progress.at(-1)).toBe('[iter 2] stop: token budget spent');
    const rows = database.prepare('SELECT number, output, decision FROM iterations WHERE task_id = ? ORDER BY number').all(taskId);
    expect(rows).toEqual([
      { number: 1, output: 'first answer', decision: 'continue' },
      { number: 2, output: '', decision: 'budget-tokens' },
    ]);
  });

  it('a failed call after an unscored iteration still answers with that iteration', async () => {
    script(planReply(['a']), { text: 'first answer' }, { text: 'no verdict' }, { fault: { status: 400, message: 'Unsupported parameter' } });
    const { result } = await runLoop(fake, 'task');
    expect(result.decision).toBe('failed');
    expect(result.error?.message).toMatch(/Unsupported parameter/);
    expect(result.answer).toBe('first answer');
    expect(result.bestIteration).toBe(1);
  });

  it('a scored iteration beats a later unscored one', async () => {
    script(planReply(['a']), { text: 'scored' }, judgeReply(0.5), planReply(['b']), { text: 'unscored' }, { text: 'no verdict' });
    const { result } = await runLoop(fake, 'task', { settings: { maxIterations: 2 } });
    expect(result.decision).toBe('unscored');
    expect(result.answer).toBe('scored');
    expect(result.bestIteration).toBe(1);
    expect(result.score).toBeCloseTo(0.5);
  });

  it('when nothing is scored, the latest answer stands', async () => {
    script(planReply(['a']), { text: 'first' }, { text: 'no verdict' }, planReply(['b']), { text: 'second' }, { text: 'still none' });
    const { result } = await runLoop(fake, 'task', { settings: { maxIterations: 2 } });
    expect(result.decision).toBe('unscored');
    expect(result.answer).toBe('second');
    expect(result.bestIteration).toBe(2);
  });
});

describe('unusable model output never crashes the loop', () => {
  it('planner garbage falls back to a one-step plan and says so', async () => {
    script({ text: 'Sure! Here is my plan: do it well.' }, { text: 'done' }, judgeReply(0.9));
    const { result, progress } = await runLoop(fake, 'Rename the variable');
    expect(result.decision).toBe('accepted');
    expect(result.iterations[0]?.plan).toMatchObject({ steps: ['Rename the variable'], fallback: true });
    expect(progress.some((line) => line.includes('planner output unusable') && line.includes('one-step plan'))).toBe(true);
  });

  it('judge garbage becomes a finding and no score, never an invented one', async () => {
    script(planReply(['a']), { text: 'the output' }, { text: 'Looks great to me!' });
    const { result, database, taskId } = await runLoop(fake, 'task', { settings: { maxIterations: 1 } });
    expect(result.decision).toBe('unscored');
    expect(result.score).toBeUndefined();
    expect(result.answer).toBe('the output');
    const findings = result.iterations[0]?.evaluation?.findings ?? [];
    expect(findings[0]?.message).toMatch(/evaluator's reply could not be used/);
    const row = database.prepare('SELECT score, decision FROM iterations WHERE task_id = ?').get(taskId) as { score: number | null; decision: string };
    expect(row).toEqual({ score: null, decision: 'unscored' });
  });

  it('an unscored iteration is judged again on the next one', async () => {
    script(planReply(['a']), { text: 'one' }, { text: '{"nonsense": true}' }, planReply(['b']), { text: 'two' }, judgeReply(0.9));
    const { result } = await runLoop(fake, 'task');
    expect(result.iterations.map((iteration) => iteration.decision)).toEqual(['continue', 'accepted']);
    expect(result.answer).toBe('two');
  });
});

describe('-i 0 executes once without planning or evaluation', () => {
  it('sends one executor request', async () => {
    script({ text: 'just the answer' });
    const { result } = await runLoop(fake, 'say hi', { settings: { maxIterations: 0 } });
    expect(result.decision).toBe('executed');
    expect(result.answer).toBe('just the answer');
    expect(requestedModels(fake)).toEqual(['executor-model']);
  });
});

describe('every iteration is recorded in the database', () => {
  it('iterations carry score, decision, tokens and attempts; findings are rows', async () => {
    script(
      planReply(['a']),
      { text: 'one', usage: { input: 100, output: 40 } },
      judgeReply(0.5, [{ severity: 'important', dimension: 'completeness', message: 'Half done', fix: 'Finish it' }]),
      planReply(['b']),
      { text: 'two' },
      judgeReply(0.9),
    );
    const { database, taskId } = await runLoop(fake, 'task');
    const iterations = database.prepare('SELECT number, score, decision, input_tokens, output_tokens, attempts_json FROM iterations WHERE task_id = ? ORDER BY number').all(taskId) as Array<Record<string, unknown>>;
    expect(iterations.map((row) => [row['number'], row['decision']])).toEqual([[1, 'continue'], [2, 'accepted']]);
    expect(iterations[0]?.['score']).toBeCloseTo(0.5);
    expect(iterations[0]?.['input_tokens']).toBe(10 + 100 + 10);
    expect(JSON.parse(iterations[0]?.['attempts_json'] as string)).toHaveLength(3);
    const findings = database.prepare('SELECT iteration, severity, dimension, message, fix FROM findings WHERE task_id = ?').all(taskId);
    expect(findings).toEqual([{ iteration: 1, severity: 'important', dimension: 'completeness', message: 'Half done', fix: 'Finish it' }]);
  });
});

describe('the judge is read generously but never invents a score', () => {
  it('matches dimension names whatever their case or separators', async () => {
    fake.script('openai.chat', planReply(['a']), { text: 'out' }, { text: JSON.stringify({ scores: { Correctness: 1, ' COMPLETENESS ': 0.5, clarity: 0.5 }, findings: [] }) });
    const { result } = await runLoop(fake, 'task', { settings: { maxIterations: 1 } });
    // 1×0.5 + 0.5×0.3 + 0.5×0.2
    expect(result.score).toBeCloseTo(0.75);
  });

  it('a dimension the judge skipped is left out of the composite, with a finding', async () => {
    fake.script('openai.chat', planReply(['a']), { text: 'out' }, { text: JSON.stringify({ scores: { correctness: 1, completeness: 0.5 }, findings: [] }) });
    const { result } = await runLoop(fake, 'task', { settings: { maxIterations: 1 } });
    // (1×0.5 + 0.5×0.3) / 0.8
    expect(result.score).toBeCloseTo(0.8125);
    expect(result.iterations[0]?.evaluation?.findings.map((finding) => finding.message)).toEqual([
      'The evaluator gave no score for "clarity"; the composite leaves it out.',
    ]);
  });
});
