import type { Message } from '../model/message.js';
import type { ModelGateway, RoleCallOptions } from '../routing/model-gateway.js';
import { askForJson } from './ask-for-json.js';
import type { Finding } from './evaluation.js';
import { planSchema, type Plan } from './plan.js';
import type { Skill } from './skills/skill.js';

export interface PlanInput {
  task: string;
  soul: string;
  /** Evaluator skills the planner may choose from; the first is the default. */
  evaluators: Skill[];
  /** Recalled memories, rendered; placed in the user message so the system prompt stays cacheable. */
  memories?: string;
  /** Task skills (`kind: task`) the planner may hand the executor, by name. */
  taskSkills?: readonly Skill[];
  /** Refinement: the previous plan, its output and what the evaluator found. */
  previous?: { plan: Plan; output: string; findings: Finding[]; score: number | undefined };
}

export interface PlanResult {
  plan: Plan;
  /** Why the plan fell back to the task itself, when it did. */
  fallbackReason?: string;
}

const PLANNER_INSTRUCTIONS = `You are the planner. Break the task into a short list of concrete steps the executor will carry out, state how to tell the result is acceptable, and choose the evaluator that will judge it.
Reply with one JSON object and nothing else:
{"steps": ["..."], "acceptance_criteria": ["..."], "evaluator": "<one of the evaluator names>"}`;

const TASK_SKILL_INSTRUCTIONS = `Task skills are instructions the executor receives when you name them. Add "skills": ["<name>", ...] to the JSON object with the ones that fit this task, or leave it out when none does.`;

/** The stable system prompt (cacheable): soul, planner instructions, the evaluators and task skills on offer. */
export function plannerSystemPrompt(soul: string, evaluators: Skill[], taskSkills: readonly Skill[] = []): string {
  const list = evaluators.map((skill) => `- ${skill.name}: ${skill.description}`).join('\n');
  const skills = taskSkills.length ? `\n\n${TASK_SKILL_INSTRUCTIONS}\nTask skills:\n${taskSkills.map((skill) => `- ${skill.name}: ${skill.description}`).join('\n')}` : '';
  return `${soul}\n\n${PLANNER_INSTRUCTIONS}\n\nEvaluators:\n${list}${skills}`;
}

export function plannerMessages(input: PlanInput): Message[] {
  const messages: Message[] = [{ role: 'system', content: plannerSystemPrompt(input.soul, input.evaluators, input.taskSkills) }];
  const memories = input.memories ? `${input.memories}\n\n` : '';
  if (!input.previous) {
    messages.push({ role: 'user', content: `${memories}Task:\n${input.task}` });
    return messages;
  }
  const { plan, output, findings, score } = input.previous;
  const findingLines = findings.length
    ? findings.map((finding) => `- [${finding.severity}]${finding.dimension ? ` (${finding.dimension})` : ''} ${finding.message}${finding.fix ? ` — fix: ${finding.fix}` : ''}`).join('\n')
    : '- (none)';
  messages.push({
    role: 'user',
    content:
      `${memories}Task:\n${input.task}\n\n` +
      `The previous plan:\n${plan.steps.map((step, index) => `${index + 1}. ${step}`).join('\n')}\n\n` +
      `Its result scored ${score === undefined ? 'nothing (the evaluation was unusable)' : score.toFixed(2)}. The evaluator's findings:\n${findingLines}\n\n` +
      `The previous result:\n${output}\n\n` +
      'Refine the plan so the next attempt fixes every finding. Reply with the JSON object only.',
  });
  return messages;
}

/** Asks the planner role for a plan; unusable output falls back to a one-step plan (the task itself). */
export async function makePlan(gateway: ModelGateway, input: PlanInput, options: RoleCallOptions): Promise<PlanResult> {
  const defaultEvaluator = input.evaluators[0]!;
  const reply = await askForJson(gateway, 'planner', plannerMessages(input), planSchema, options);
  if (!reply.ok) {
    return {
      plan: {
        steps: [input.task],
        acceptanceCriteria: input.previous?.plan.acceptanceCriteria ?? [],
        evaluator: input.previous?.plan.evaluator ?? defaultEvaluator.name,
        rubric: input.previous?.plan.rubric ?? defaultEvaluator.rubric,
        ...(input.previous?.plan.skills ? { skills: input.previous.plan.skills } : {}),
        fallback: true,
      },
      fallbackReason: reply.problem === 'no-json' ? 'no JSON object in the reply' : 'the JSON did not match the plan schema',
    };
  }
  const chosen = input.evaluators.find((skill) => skill.name === reply.value.evaluator) ?? defaultEvaluator;
  // Only names on offer count: a made-up skill name is dropped, not an error.
  const offered = new Set((input.taskSkills ?? []).map((skill) => skill.name));
  const skills = [...new Set(reply.value.skills ?? [])].filter((name) => offered.has(name));
  return {
    plan: {
      steps: reply.value.steps,
      acceptanceCriteria: reply.value.acceptance_criteria,
      evaluator: chosen.name,
      rubric: chosen.rubric,
      ...(skills.length ? { skills } : {}),
      fallback: false,
    },
  };
}
