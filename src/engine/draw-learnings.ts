import { z } from 'zod';
import type { MemoryKind } from '../memory/memory-store.js';
import type { Message } from '../model/message.js';
import type { ModelGateway, RoleCallOptions } from '../routing/model-gateway.js';
import { askForJson } from './ask-for-json.js';
import type { Finding } from './evaluation.js';
import type { IterationSummary } from './loop-types.js';

export interface DrawnLearning {
  kind: Extract<MemoryKind, 'learning' | 'anti-pattern'>;
  content: string;
}

export interface LearningsInput {
  task: string;
  iterations: readonly IterationSummary[];
  accepted: boolean;
}

export interface LearningsResult {
  learnings: DrawnLearning[];
  /** Which way they were drawn, and why the model's reply was not used when it was not. */
  source: 'model' | 'rules' | 'none';
  fallbackReason?: string;
}

/** The most of a task's text a memory may quote: piped input (a log, a diff) is never stored whole. */
export const TASK_EXCERPT_CHARS = 120;
const MAX_LEARNINGS = 5;
const MAX_LEARNING_CHARS = 300;

/** The task's first words, whitespace collapsed, at most TASK_EXCERPT_CHARS characters. */
export function taskExcerpt(task: string): string {
  const flat = task.replace(/\s+/g, ' ').trim();
  return flat.length <= TASK_EXCERPT_CHARS ? flat : `${flat.slice(0, TASK_EXCERPT_CHARS - 1)}…`;
}

const learningsReplySchema = z.object({
  learnings: z
    .array(z.object({ kind: z.enum(['learning', 'anti-pattern']), content: z.string().min(1) }))
    .max(20),
});

const INSTRUCTIONS = `You turn an evaluator's findings on a finished task into short, general lessons that will help with future, similar tasks.
Each lesson is one sentence, concrete and reusable ("Run the type-checker after editing TypeScript files"), never a copy of the task's input.
Use "anti-pattern" for something to avoid, "learning" for something to do. At most ${MAX_LEARNINGS} lessons.
Reply with one JSON object and nothing else: {"learnings": [{"kind": "learning", "content": "..."}]}`;

/** Every distinct finding of the task, with the iteration it came from. */
function findingsOf(iterations: readonly IterationSummary[]): Array<{ iteration: number; finding: Finding }> {
  const seen = new Set<string>();
  const result: Array<{ iteration: number; finding: Finding }> = [];
  for (const iteration of iterations) {
    for (const finding of iteration.evaluation?.findings ?? []) {
      const key = finding.message.trim().toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      result.push({ iteration: iteration.number, finding });
    }
  }
  return result;
}

/**
 * Learnings from findings without a model: a finding that the next iteration got past (or that
 * an accepted task had) becomes a learning; one still standing at the end of a task that was not
 * accepted becomes an anti-pattern. Blockers and important findings first.
 */
export function ruleBasedLearnings(input: LearningsInput): DrawnLearning[] {
  const lastNumber = input.iterations.at(-1)?.number;
  const order = { blocker: 0, important: 1, suggestion: 2 } as const;
  const findings = findingsOf(input.iterations).sort((a, b) => order[a.finding.severity] - order[b.finding.severity]);
  const excerpt = taskExcerpt(input.task);
  return findings.slice(0, MAX_LEARNINGS).map(({ iteration, finding }) => {
    const standing = iteration === lastNumber && !input.accepted;
    const lesson = `${finding.message.trim()}${finding.fix ? ` Fix: ${finding.fix.trim()}` : ''}`;
    return {
      kind: standing ? 'anti-pattern' : 'learning',
      content: clip(`${standing ? 'Avoid' : 'Watch for'} (${finding.severity}${finding.dimension ? `, ${finding.dimension}` : ''}) on tasks like "${excerpt}": ${lesson}`),
    };
  });
}

function scoreTrajectory(iterations: readonly IterationSummary[]): string {
  return iterations.map((iteration) => (iteration.score === undefined ? '—' : iteration.score.toFixed(2))).join(' → ');
}

export function learningsMessages(input: LearningsInput): Message[] {
  const lines = findingsOf(input.iterations).map(
    ({ iteration, finding }) => `- iteration ${iteration} [${finding.severity}]${finding.dimension ? ` (${finding.dimension})` : ''} ${finding.message}${finding.fix ? ` — fix: ${finding.fix}` : ''}`,
  );
  return [
    { role: 'system', content: INSTRUCTIONS },
    {
      role: 'user',
      content:
        `Task (excerpt): ${taskExcerpt(input.task)}\n` +
        `Scores by iteration: ${scoreTrajectory(input.iterations)} (${input.accepted ? 'accepted' : 'not accepted'})\n` +
        `Findings:\n${lines.join('\n')}`,
    },
  ];
}

/**
 * After a task: a short planner-role call turns its findings into lessons; with no findings there
 * is nothing to learn. When the call fails or its reply is unusable, the rules draw them instead:
 * a finding is never lost for want of a well-formed reply.
 */
export async function drawLearnings(gateway: ModelGateway | undefined, input: LearningsInput, options: RoleCallOptions & { askModel: boolean }): Promise<LearningsResult> {
  if (findingsOf(input.iterations).length === 0) return { learnings: [], source: 'none' };
  if (!gateway || !options.askModel) return { learnings: ruleBasedLearnings(input), source: 'rules', fallbackReason: 'no model call (budget spent or not asked)' };
  try {
    const reply = await askForJson(gateway, 'planner', learningsMessages(input), learningsReplySchema, options);
    if (!reply.ok) return { learnings: ruleBasedLearnings(input), source: 'rules', fallbackReason: reply.problem === 'no-json' ? 'no JSON object in the reply' : 'the JSON did not match' };
    const learnings = reply.value.learnings
      .map((learning) => ({ kind: learning.kind, content: clip(learning.content.trim()) }))
      .filter((learning) => learning.content !== '' && !quotesBeyondExcerpt(learning.content, input.task))
      .slice(0, MAX_LEARNINGS);
    if (learnings.length === 0) return { learnings: ruleBasedLearnings(input), source: 'rules', fallbackReason: 'the reply held no lessons' };
    return { learnings, source: 'model' };
  } catch (error) {
    return { learnings: ruleBasedLearnings(input), source: 'rules', fallbackReason: (error as Error).message };
  }
}

/** True when a text repeats more of the task than its excerpt allows (a model echoing piped input). */
export function quotesBeyondExcerpt(text: string, task: string): boolean {
  const flatTask = task.replace(/\s+/g, ' ');
  const flat = text.replace(/\s+/g, ' ');
  const window = TASK_EXCERPT_CHARS + 1;
  for (let start = 0; start + window <= flat.length; start += 10) {
    if (flatTask.includes(flat.slice(start, start + window))) return true;
  }
  return false;
}

function clip(text: string): string {
  return text.length <= MAX_LEARNING_CHARS ? text : `${text.slice(0, MAX_LEARNING_CHARS - 1)}…`;
}
