import type { Role } from '../../src/model/role.js';
import { ROLES } from '../../src/model/role.js';
import { AttemptLog } from '../../src/engine/attempt-log.js';
import { BudgetMeter, SYSTEM_BUDGET_CLOCK, type BudgetClock, type Budgets, type PriceAttempt } from '../../src/engine/budget-meter.js';
import type { IterationChecks } from '../../src/engine/checks/check-command.js';
import type { Skill } from '../../src/engine/skills/skill.js';
import type { ExecutorLimits } from '../../src/engine/executor.js';
import { DEFAULT_LOOP_SETTINGS, runIterationLoop, type LoopResult, type LoopSettings } from '../../src/engine/iteration-loop.js';
import { bundledSkillsDirectory, loadSkills, loadSoul } from '../../src/engine/skills/load-skills.js';
import { NO_TOOLS, type ToolRunner } from '../../src/engine/tool-runner.js';
import { openDatabase, type Database } from '../../src/memory/database.js';
import { TaskStore } from '../../src/memory/task-store.js';
import type { ModelRef } from '../../src/model/model-ref.js';
import { BUILTIN_PROVIDERS } from '../../src/providers/provider-catalog.js';
import { createGateway } from '../../src/routing/create-gateway.js';
import { ProviderPool } from '../../src/routing/provider-pool.js';
import type { FakeServer } from '../fakes/fake-server.js';
import type { ScriptedReply } from '../fakes/scripted-reply.js';

export const PLANNER: ModelRef = { provider: 'openai', model: 'planner-model' };
export const EXECUTOR: ModelRef = { provider: 'openai', model: 'executor-model' };
export const EVALUATOR: ModelRef = { provider: 'openai', model: 'evaluator-model' };

export function planReply(steps: string[], evaluator = 'general'): ScriptedReply {
  return { text: JSON.stringify({ steps, acceptance_criteria: ['it works'], evaluator }) };
}

/** A judge reply scoring every general-rubric dimension the same. */
export function judgeReply(score: number, findings: Array<{ severity: string; message: string; fix?: string; dimension?: string }> = []): ScriptedReply {
  return { text: '```json\n' + JSON.stringify({ scores: { correctness: score, completeness: score, clarity: score }, findings, summary: 'judged' }) + '\n```' };
}

export interface HarnessOptions {
  settings?: Partial<LoopSettings>;
  budgets?: Budgets;
  priceAttempt?: PriceAttempt;
  /** The budgets' clock (default: the system's). */
  clock?: BudgetClock;
  tools?: ToolRunner;
  stream?: boolean;
  executorLimits?: ExecutorLimits;
  checks?: IterationChecks;
  taskSkills?: Skill[];
  projectInstructions?: string;
  /** Role models other than the OpenAI defaults above. */
  roles?: Partial<Record<'planner' | 'executor' | 'evaluator', ModelRef>>;
}

export interface HarnessRun {
  result: LoopResult;
  progress: string[];
  text: string;
  database: Database;
  taskId: string;
}

export async function runLoop(fake: FakeServer, task: string, options: HarnessOptions = {}): Promise<HarnessRun> {
  const environment = {
    OPENAI_API_KEY: 'sk-engine-test-key',
    OPENAI_BASE_URL: `${fake.url}/v1`,
    ANTHROPIC_API_KEY: 'sk-ant-engine-test-key',
    ANTHROPIC_BASE_URL: fake.url,
  };
  const pool = new ProviderPool(BUILTIN_PROVIDERS, environment);
  const chains = Object.fromEntries(ROLES.map((role) => [role, []])) as unknown as Record<Role, ModelRef[]>;
  chains.planner = [options.roles?.planner ?? PLANNER];
  chains.executor = [options.roles?.executor ?? EXECUTOR];
  chains.evaluator = [options.roles?.evaluator ?? EVALUATOR];
  const attempts = new AttemptLog();
  const meter = new BudgetMeter(options.budgets ?? {}, options.priceAttempt, options.clock ?? SYSTEM_BUDGET_CLOCK);
  // The gateway runs use, without a database: cooldowns stay in memory.
  const gateway = createGateway({
    chains,
    pool,
    config: {},
    onAttempt: (attempt) => {
      attempts.add(attempt);
      meter.add(attempt);
    },
  });
  const database = openDatabase(':memory:');
  const store = new TaskStore(database);
  const taskId = store.createTask(task, '/workspace', chains);
  const bundled = bundledSkillsDirectory();
  const sources = { bundled, user: '/nonexistent-user', project: '/nonexistent-project' };
  const skills = [...(await loadSkills(sources)).skills.values()].filter((skill) => skill.kind === 'evaluator');
  skills.sort((a, b) => (a.name === 'general' ? -1 : b.name === 'general' ? 1 : 0));
  const progress: string[] = [];
  let text = '';
  const result = await runIterationLoop({
    task,
    taskId,
    soul: loadSoul(sources),
    evaluators: skills,
    gateway,
    tools: options.tools ?? NO_TOOLS,
    stream: options.stream ?? true,
    settings: { ...DEFAULT_LOOP_SETTINGS, ...options.settings },
    meter,
    attempts,
    store,
    ...(options.executorLimits ? { executorLimits: options.executorLimits } : {}),
    ...(options.checks ? { checks: options.checks } : {}),
    ...(options.taskSkills ? { taskSkills: options.taskSkills } : {}),
    ...(options.projectInstructions ? { projectInstructions: options.projectInstructions } : {}),
    events: {
      progress: (tag, line) => progress.push(`[${tag}] ${line}`),
      onText: (delta) => (text += delta),
    },
  });
  return { result, progress, text, database, taskId };
}

/** The model each recorded chat request asked for, in order. */
export function requestedModels(fake: FakeServer): string[] {
  return fake.requestsTo('openai.chat').map((request) => request.body.model);
}
