import { ENGINE_DEFAULTS } from '../model/engine-defaults.js';
import type { TextPart, ToolCallPart } from '../model/content-part.js';
import type { Message } from '../model/message.js';
import type { ModelRef } from '../model/model-ref.js';
import { estimateInputTokens, estimateTokens } from '../model/estimate-tokens.js';
import type { BudgetRefusal } from './budget-meter.js';
import type { ModelGateway, RoleCallOptions, RoleRequest } from '../routing/model-gateway.js';
import type { Plan } from './plan.js';
import type { ToolRunner } from './tool-runner.js';

export interface ExecutorLimits {
  /** Model turns that may call tools; then one wrap-up turn without tools. */
  maxToolRounds: number;
  /** Warn the model when this many tool rounds remain. */
  warnWhenRoundsLeft: number;
  /** The same call (tool and arguments) this many times trips the circuit breaker. */
  maxRepeatedCalls: number;
}

export const DEFAULT_EXECUTOR_LIMITS: ExecutorLimits = { maxToolRounds: ENGINE_DEFAULTS.max_tool_rounds, warnWhenRoundsLeft: 3, maxRepeatedCalls: 3 };

export interface ExecutorEvents {
  /** Text as it arrives (streamed) or whole (not streamed). */
  onText(text: string): void;
  /** A model failed mid-stream and another took over; its output follows. */
  onModelSwitch?(from: ModelRef, to: ModelRef, reason: string, afterOutput: boolean): void;
  onToolCall?(call: ToolCallPart): void;
  onNote?(note: string): void;
}

export interface ExecuteInput {
  task: string;
  soul: string;
  plan: Plan;
  tools: ToolRunner;
  stream: boolean;
  limits?: ExecutorLimits;
  /**
   * Asked as a streamed reply grows, with its estimated tokens so far: a refusal stops the reply
   * (the vendor's stream is closed) and is thrown with the partial text.
   */
  spendGuard?: (candidate: ModelRef, inputTokens: number, outputTokens: number) => BudgetRefusal | undefined;
}

export interface ExecuteResult {
  /** The final answer: the text of the last model turn. */
  output: string;
  toolRounds: number;
  /** Why the loop was cut short, when it was. */
  stoppedBy?: 'tool-round-limit' | 'circuit-breaker';
}

const EXECUTOR_INSTRUCTIONS = `You are the executor. Carry out the plan in the user's workspace, using the tools when they help. When you are done, reply with the final result for the user: what you did and what came of it.`;

/** The stable system prompt, identical across iterations so vendors can cache it. */
export function executorSystemPrompt(soul: string): string {
  return `${soul}\n\n${EXECUTOR_INSTRUCTIONS}`;
}

export function executorTaskMessage(task: string, plan: Plan): string {
  // A plan that is only the task itself (-i 0, or the planner's fallback) would repeat it.
  if (plan.steps.length === 1 && plan.steps[0] === task && plan.acceptanceCriteria.length === 0) return `Task:\n${task}`;
  const steps = plan.steps.map((step, index) => `${index + 1}. ${step}`).join('\n');
  const criteria = plan.acceptanceCriteria.length ? `\n\nAcceptance criteria:\n${plan.acceptanceCriteria.map((line) => `- ${line}`).join('\n')}` : '';
  return `Task:\n${task}\n\nPlan:\n${steps}${criteria}`;
}

interface Turn {
  text: string;
  toolCalls: ToolCallPart[];
}

async function runTurn(
  gateway: ModelGateway,
  request: RoleRequest,
  stream: boolean,
  options: RoleCallOptions,
  events: ExecutorEvents,
  spendGuard: ExecuteInput['spendGuard'],
): Promise<Turn> {
  if (!stream) {
    const response = await gateway.chat('executor', request, options);
    if (response.text) events.onText(response.text);
    return { text: response.text, toolCalls: response.toolCalls };
  }
  let text = '';
  let toolCalls: ToolCallPart[] = [];
  let servedBy: ModelRef | undefined;
  let refusal: BudgetRefusal | undefined;
  const inputTokens = spendGuard ? estimateInputTokens(request) : 0;
  for await (const event of gateway.chatStream('executor', request, options)) {
    switch (event.type) {
      case 'served-by':
        servedBy = event.candidate;
        break;
      case 'model-switch':
        // The next candidate re-runs this turn from the start: what it says replaces the partial turn.
        events.onModelSwitch?.(event.from, event.to, event.reason, event.afterOutput);
        text = '';
        toolCalls = [];
        break;
      case 'text-delta':
        text += event.text;
        events.onText(event.text);
        if (spendGuard && servedBy) refusal = spendGuard(servedBy, inputTokens, estimateTokens(text));
        break;
      case 'tool-call':
        toolCalls.push({ type: 'tool-call', toolCallId: event.toolCallId, toolName: event.toolName, input: event.input });
        break;
      default:
        break;
    }
    // Leaving the loop closes the vendor's stream behind it.
    if (refusal) break;
  }
  if (refusal) {
    refusal.partialOutput = text;
    throw refusal;
  }
  return { text, toolCalls };
}

/** The executor's multi-turn tool loop, with a round limit, a warning, a wrap-up turn and a circuit breaker. */
export async function execute(gateway: ModelGateway, input: ExecuteInput, options: RoleCallOptions, events: ExecutorEvents): Promise<ExecuteResult> {
  const limits = input.limits ?? DEFAULT_EXECUTOR_LIMITS;
  const tools = input.tools.definitions();
  const messages: Message[] = [
    { role: 'system', content: executorSystemPrompt(input.soul) },
    { role: 'user', content: executorTaskMessage(input.task, input.plan) },
  ];
  const callCounts = new Map<string, number>();
  let rounds = 0;
  let stoppedBy: ExecuteResult['stoppedBy'];
  for (;;) {
    const wrapUp = stoppedBy !== undefined || tools.length === 0;
    // The system prompt is the stable prefix; the task id keys OpenAI's prompt cache for the whole task.
    const request: RoleRequest = {
      messages,
      cacheablePrefixLength: 1,
      ...(options.taskId ? { promptCacheKey: options.taskId } : {}),
      ...(wrapUp ? {} : { tools }),
    };
    const turn = await runTurn(gateway, request, input.stream, options, events, input.spendGuard);
    if (turn.toolCalls.length === 0 || wrapUp) return { output: turn.text, toolRounds: rounds, ...(stoppedBy ? { stoppedBy } : {}) };

    rounds++;
    const assistantContent: Array<TextPart | ToolCallPart> = [];
    if (turn.text) assistantContent.push({ type: 'text', text: turn.text });
    assistantContent.push(...turn.toolCalls);
    messages.push({ role: 'assistant', content: assistantContent });

    const results = [];
    for (const call of turn.toolCalls) {
      events.onToolCall?.(call);
      const signature = `${call.toolName}:${JSON.stringify(call.input)}`;
      const count = (callCounts.get(signature) ?? 0) + 1;
      callCounts.set(signature, count);
      if (count >= limits.maxRepeatedCalls) stoppedBy = 'circuit-breaker';
      const outcome =
        count > limits.maxRepeatedCalls
          ? { output: 'Not run: this exact call was already made; use the earlier result.', isError: true }
          : await input.tools.run(call, options.signal);
      results.push({ type: 'tool-result' as const, toolCallId: call.toolCallId, toolName: call.toolName, output: outcome.output, isError: outcome.isError });
    }
    messages.push({ role: 'tool', content: results });

    const left = limits.maxToolRounds - rounds;
    if (stoppedBy === 'circuit-breaker') {
      events.onNote?.(`circuit breaker: the same tool call repeated ${limits.maxRepeatedCalls} times; asking for a final answer`);
      messages.push({ role: 'user', content: 'You are repeating the same tool call. Stop calling tools and give your final answer with what you have.' });
    } else if (left <= 0) {
      stoppedBy = 'tool-round-limit';
      events.onNote?.(`tool round limit (${limits.maxToolRounds}) reached; asking for a final answer`);
      messages.push({ role: 'user', content: 'The tool round limit is reached. Give your final answer now with what you have; no more tool calls.' });
    } else if (left === limits.warnWhenRoundsLeft) {
      messages.push({ role: 'user', content: `Note: ${left} tool rounds remain. Start wrapping up.` });
    }
  }
}
