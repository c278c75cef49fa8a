import type { TaskDetail, TaskListEntry } from '../memory/history-store.js';
import { TASK_STEP } from '../memory/task-store.js';
import { formatTable } from './format-table.js';

function when(epochMs: number | null): string {
  return epochMs === null ? '—' : new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ');
}

function cost(entry: Pick<TaskListEntry, 'costUsd' | 'costPartial'>): string {
  if (entry.costUsd === null) return entry.costPartial ? 'unknown' : '$0';
  return `${entry.costPartial ? '≥ ' : ''}$${entry.costUsd.toFixed(4)}`;
}

function oneLine(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
}

function modelsOf(entry: TaskListEntry): string {
  const executor = entry.models['executor']?.[0];
  const planner = entry.models['planner']?.[0];
  return [...new Set([executor, planner].filter((model): model is string => model !== undefined))].join(', ');
}

export function renderHistoryList(entries: readonly TaskListEntry[]): string {
  if (entries.length === 0) return 'No tasks yet.\n';
  return formatTable(
    [{ header: 'ID' }, { header: 'WHEN' }, { header: 'STATUS' }, { header: 'SCORE', align: 'right' }, { header: 'ITER', align: 'right' }, { header: 'COST', align: 'right' }, { header: 'MODELS' }, { header: 'TASK' }],
    entries.map((entry) => [
      entry.id.slice(0, 8),
      when(entry.createdAt),
      entry.status,
      entry.score === null ? '—' : entry.score.toFixed(2),
      String(entry.iterations),
      cost(entry),
      modelsOf(entry),
      oneLine(entry.task, 50),
    ]),
  );
}

export function renderHistoryDetail(task: TaskDetail): string {
  const lines = [
    `Task ${task.id}`,
    `  ${oneLine(task.task, 300)}`,
    `when       ${when(task.createdAt)} (finished ${when(task.finishedAt)})`,
    `status     ${task.status}${task.decision ? ` (${task.decision})` : ''}${task.score === null ? '' : ` · score ${task.score.toFixed(2)}`}`,
    `cost       ${cost(task)} · ${task.usage.inputTokens + task.usage.cacheReadTokens + task.usage.cacheWriteTokens} in / ${task.usage.outputTokens} out tokens`,
    `workspace  ${task.workspace}`,
  ];
  for (const iteration of task.iterationDetails) {
    lines.push('', `Iteration ${iteration.number}: ${iteration.score === null ? 'not scored' : `score ${iteration.score.toFixed(2)}`} → ${iteration.decision ?? '—'}`);
    const steps = (iteration.plan as { steps?: unknown[] } | undefined)?.steps ?? [];
    if (steps.length) lines.push('  plan:', ...steps.map((step, index) => `    ${index + 1}. ${step === TASK_STEP ? '(the task itself)' : oneLine(String(step), 200)}`));
    if (iteration.recalled.length) lines.push(`  recalled memories: ${iteration.recalled.map((hit) => hit.id).join(', ')}`);
    if (iteration.toolCalls.length) lines.push(`  tool calls (${iteration.toolCalls.length}):`, ...iteration.toolCalls.map((call) => `    ${call.summary}${call.durationMs !== undefined ? ` · ${formatToolTime(call.durationMs)}` : ''}`));
    for (const finding of iteration.findings) {
      lines.push(`  [${finding.severity}]${finding.dimension ? ` (${finding.dimension})` : ''} ${finding.message}${finding.fix ? ` — fix: ${finding.fix}` : ''}`);
    }
    for (const attempt of iteration.attempts as Array<{ role?: string; candidate?: { provider: string; model: string }; outcome?: string; errorKind?: string; status?: number }>) {
      const candidate = attempt.candidate ? `${attempt.candidate.provider}/${attempt.candidate.model}` : '?';
      lines.push(`  ${attempt.role ?? '?'} ${candidate}: ${attempt.outcome ?? '?'}${attempt.errorKind ? ` (${attempt.errorKind}${attempt.status ? ` ${attempt.status}` : ''})` : ''}`);
    }
  }
  if (task.calls.length) {
    lines.push('', 'Calls:');
    lines.push(
      formatTable(
        [{ header: 'ROLE' }, { header: 'MODEL' }, { header: 'IN', align: 'right' }, { header: 'OUT', align: 'right' }, { header: 'COST', align: 'right' }, { header: 'OUTCOME' }],
        task.calls.map((call) => [call.role, `${call.provider}/${call.model}`, String(call.inputTokens), String(call.outputTokens), call.costUsd === null ? 'unknown' : `$${call.costUsd.toFixed(4)}`, call.outcome]),
        '  ',
      ).trimEnd(),
    );
  }
  return lines.join('\n') + '\n';
}

/** A tool call's time: whole milliseconds under a second, else seconds with one decimal. */
function formatToolTime(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
