import { ENGINE_DEFAULTS } from '../model/engine-defaults.js';
import type { FinishReason } from '../model/finish-reason.js';
import type { ModelRef } from '../model/model-ref.js';
import type { Usage } from '../model/usage.js';
import type { TaskStore } from '../memory/task-store.js';
import type { AttemptRecord, ModelGateway, RoleCallOptions } from '../routing/model-gateway.js';
import type { AttemptLog } from './attempt-log.js';
import type { BudgetMeter } from './budget-meter.js';
import type { Decision } from './decision.js';
import type { Evaluation } from './evaluation.js';
import type { IterationChecks } from './checks/check-command.js';
import type { ExecutorLimits } from './executor.js';
import type { Plan } from './plan.js';
import type { Skill } from './skills/skill.js';
import type { ToolRunner } from './tool-runner.js';

export interface LoopSettings {
  /** Accept when the composite score reaches this. */
  quality: number;
  /** Iterations at most; 0 executes once without planning or evaluation. */
  maxIterations: number;
  /** Stop when a score falls this far below the best so far (the best is kept). */
  regressionThreshold: number;
  /** Stop when a score gains less than this over the best so far. */
  minImprovement: number;
}

export const DEFAULT_LOOP_SETTINGS: LoopSettings = {
  quality: ENGINE_DEFAULTS.quality,
  maxIterations: ENGINE_DEFAULTS.iterations,
  regressionThreshold: ENGINE_DEFAULTS.regression_threshold,
  minImprovement: ENGINE_DEFAULTS.min_improvement,
};

export interface LoopEvents {
  progress(tag: string, text: string): void;
  /** Executor text as it arrives. */
  onText(text: string): void;
  onModelSwitch?(from: ModelRef, to: ModelRef, reason: string, afterOutput: boolean): void;
  /** Executor reasoning as it arrives (shown only with --show-reasoning, never on stdout). */
  onReasoning?(text: string): void;
}

export interface LoopInput {
  task: string;
  taskId: string;
  soul: string;
  /** Evaluator skills on offer; the first is the default. Empty only with maxIterations 0. */
  evaluators: Skill[];
  gateway: ModelGateway;
  tools: ToolRunner;
  stream: boolean;
  settings: LoopSettings;
  meter: BudgetMeter;
  attempts: AttemptLog;
  events: LoopEvents;
  store?: TaskStore;
  /**
   * What memory recalled for this task: the text goes into the planner's and the executor's user
   * message (after the cached prefix, which stays byte-identical); the ids are recorded with each iteration.
   */
  memory?: RecalledContext;
  signal?: AbortSignal;
  executorLimits?: ExecutorLimits;
  /** Task skills (`kind: task`) the planner may choose for the executor. */
  taskSkills?: Skill[];
  /** The workspace's AGENTS.md (or CLAUDE.md), formatted for the executor's system prompt. */
  projectInstructions?: string;
  /** The tests and linter run after each execution, before the judge; none when absent. */
  checks?: IterationChecks;
  /** `[models.options.<role>]`, set by each role on its requests. */
  roleSettings?: RoleCallOptions['roleSettings'];
}

export interface RecalledContext {
  text: string;
  recalled: Array<{ id: number; score: number }>;
}

export interface IterationSummary {
  number: number;
  score: number | undefined;
  decision: Decision;
  plan: Plan | undefined;
  output: string;
  evaluation: Evaluation | undefined;
  usage: Usage;
  durationMs: number;
  attempts: AttemptRecord[];
  /** Why the executor's last turn ended; `length` and `content-filter` mean the answer is not whole. */
  finishReason?: FinishReason;
  rawFinishReason?: string;
  refusal?: string;
  /** The executor's reasoning ('' when the model showed none). */
  reasoning: string;
}

export interface LoopResult {
  decision: Decision;
  answer: string | undefined;
  score: number | undefined;
  bestIteration: number | undefined;
  iterations: IterationSummary[];
  /** The error that ended the loop, when one did. */
  error?: Error;
}
