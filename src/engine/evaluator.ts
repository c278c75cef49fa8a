import type { Message } from '../model/message.js';
import type { ModelGateway, RoleCallOptions } from '../routing/model-gateway.js';
import { askForJson } from './ask-for-json.js';
import { judgeReplySchema, type DimensionScore, type Evaluation, type Finding } from './evaluation.js';
import type { Plan } from './plan.js';
import type { Skill } from './skills/skill.js';
import type { CheckResult } from './checks/check-command.js';

export interface EvaluateInput {
  task: string;
  plan: Plan;
  output: string;
  skill: Skill;
  /** The tests and linter run on the workspace after the execution: evidence for the judge. */
  checks?: readonly CheckResult[];
}

function checksSection(checks: readonly CheckResult[] | undefined): string {
  if (!checks?.length) return '';
  const lines = checks.map((result) =>
    result.passed
      ? `- ${result.check.kind} \`${result.check.command}\`: passed`
      : `- ${result.check.kind} \`${result.check.command}\`: ${result.timedOut ? 'timed out' : `failed (exit ${result.exitCode ?? 'by signal'})`}; the end of its output:\n${result.outputTail}`,
  );
  return `\n\nChecks run on the workspace after the execution:\n${lines.join('\n')}`;
}

const JUDGE_INSTRUCTIONS = `You are the evaluator: a precise, critical judge. Score the result on each rubric dimension from 0 to 1 and list concrete findings, each with a severity (blocker, important, suggestion) and a suggested fix.
Reply with one JSON object and nothing else:
{"scores": {"<dimension>": 0.0}, "findings": [{"severity": "blocker", "dimension": "<dimension>", "message": "...", "fix": "..."}], "summary": "..."}`;

export function evaluatorMessages(input: EvaluateInput): Message[] {
  const rubric = input.plan.rubric.map((dimension) => `- ${dimension.dimension} (weight ${dimension.weight}): ${dimension.description}`).join('\n');
  const criteria = input.plan.acceptanceCriteria.length ? input.plan.acceptanceCriteria.map((line) => `- ${line}`).join('\n') : '- (none stated)';
  return [
    { role: 'system', content: `${JUDGE_INSTRUCTIONS}\n\n${input.skill.body}\n\nRubric:\n${rubric}` },
    {
      role: 'user',
      content: `Task:\n${input.task}\n\nAcceptance criteria:\n${criteria}\n\nResult to judge:\n${input.output}${checksSection(input.checks)}`,
    },
  ];
}

/**
 * Asks the evaluator role to judge a result. A reply that cannot be used yields no score (never
 * an invented one) and a finding that says so; the loop then treats the iteration as unscored.
 */
export async function evaluate(gateway: ModelGateway, input: EvaluateInput, options: RoleCallOptions): Promise<Evaluation> {
  const reply = await askForJson(gateway, 'evaluator', evaluatorMessages(input), judgeReplySchema, options);
  if (!reply.ok) {
    return {
      score: undefined,
      scores: [],
      findings: [
        {
          severity: 'important',
          message: `The evaluator's reply could not be used (${reply.problem === 'no-json' ? 'no JSON object' : 'JSON not in the expected shape'}); this iteration has no score.`,
          fix: 'Nothing to fix in the result; the next iteration is judged again.',
        },
      ],
    };
  }
  const judged = reply.value;
  const scores: DimensionScore[] = [];
  const findings: Finding[] = judged.findings.map((finding) => ({
    severity: finding.severity,
    message: finding.message,
    ...(finding.dimension ? { dimension: finding.dimension } : {}),
    ...(finding.fix ? { fix: finding.fix } : {}),
  }));
  // Judges vary the spelling of dimension names ("Correctness", "code_quality"): match loosely.
  const normalise = (name: string): string => name.trim().toLowerCase().replace(/[\s_-]+/g, '-');
  const scoresByName = new Map(Object.entries(judged.scores).map(([name, value]) => [normalise(name), value]));
  for (const dimension of input.plan.rubric) {
    const score = scoresByName.get(normalise(dimension.dimension));
    if (score === undefined) {
      findings.push({ severity: 'suggestion', dimension: dimension.dimension, message: `The evaluator gave no score for "${dimension.dimension}"; the composite leaves it out.` });
    } else {
      scores.push({ dimension: dimension.dimension, score, weight: dimension.weight });
    }
  }
  const totalWeight = scores.reduce((sum, entry) => sum + entry.weight, 0);
  const score = totalWeight > 0 ? scores.reduce((sum, entry) => sum + entry.score * entry.weight, 0) / totalWeight : undefined;
  if (score === undefined) {
    findings.push({ severity: 'important', message: 'The evaluator scored none of the rubric dimensions; this iteration has no score.' });
  }
  return { score, scores, findings, ...(judged.summary ? { summary: judged.summary } : {}) };
}
