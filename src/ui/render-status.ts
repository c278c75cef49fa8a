import { formatTable, type TableColumn } from '../ui/format-table.js';
import { localDay } from '../usage/parse-since.js';
import type { StatusReport } from '../app/build-status-report.js';
import type { SpendLine, UsageReport } from '../usage/usage-report.js';

/** `openkoi status` for a person: providers, roles, cooling models, today's spend. */
export function renderStatus(report: StatusReport): string {
  const parts: string[] = [];
  parts.push('Providers');
  parts.push(
    formatTable(
      [{ header: 'provider' }, { header: 'found' }, { header: 'source' }, { header: 'key' }],
      report.providers.map((provider) => [
        provider.id,
        provider.found === undefined ? 'not checked' : provider.found ? 'yes' : 'no',
        // A credential found but not usable: where it is here, why it is not used below the table.
        provider.source && provider.note ? `${provider.source} (not usable, see below)` : (provider.source ?? provider.note ?? ''),
        provider.secret ?? '',
      ]),
      '  ',
    ),
  );
  const notUsable = report.providers.filter((provider) => provider.source && provider.note);
  if (notUsable.length > 0) parts.push(notUsable.map((provider) => `  ${provider.id}: ${provider.note}`).join('\n') + '\n');
  parts.push('Roles');
  if (report.rolesProblem) parts.push(indent(report.rolesProblem) + '\n');
  else {
    parts.push(
      formatTable(
        [{ header: 'role' }, { header: 'model' }, { header: 'fallbacks' }, { header: 'cooling' }],
        report.roles.map((role) => [role.role, role.model ?? '(none)', role.fallbacks.join(', '), role.cooling.join(', ')]),
        '  ',
      ),
    );
  }
  parts.push('Cooling');
  if (report.cooling.length === 0) parts.push('  none\n');
  else {
    parts.push(
      formatTable(
        [{ header: 'model' }, { header: 'back in', align: 'right' }, { header: 'why' }],
        report.cooling.map((entry) => [
          entry.candidate,
          formatDuration(entry.remainingMs),
          `${entry.errorKind}${entry.status !== undefined ? ` (${entry.status})` : ''}`,
        ]),
        '  ',
      ),
    );
  }
  parts.push(`Today  ${formatCost(report.today)} · ${report.today.calls} calls · ${formatTokens(totalTokens(report.today))} tokens\n`);
  if (report.workspace) parts.push(renderWorkspaceTrust(report.workspace));
  if (report.shell) parts.push(`Shell      ${report.shell.sandboxed ? `sandboxed by ${report.shell.reason}` : `not sandboxed: ${report.shell.reason}`}\n`);
  if (report.limits.length > 0) {
    parts.push('Limits (as the vendors last reported them)');
    parts.push(report.limits.map((limit) => `  ${limit.provider}: ${limit.summary}`).join('\n') + '\n');
  }
  return parts.join('\n');
}

/** The folder's trust: what its project files may do here. */
function renderWorkspaceTrust(workspace: NonNullable<StatusReport['workspace']>): string {
  const state = workspace.trusted ? 'trusted' : 'not trusted (its config applies only engine and output settings; `openkoi trust` to trust it)';
  const ignored = workspace.ignoredKeys.length > 0 ? `\n  ignored here: ${workspace.ignoredKeys.join(', ')}` : '';
  return `Workspace  ${workspace.path} · ${state}${ignored}\n`;
}

const SPEND_COLUMNS: TableColumn[] = [
  { header: 'calls', align: 'right' },
  { header: 'input', align: 'right' },
  { header: 'output', align: 'right' },
  { header: 'cache read', align: 'right' },
  { header: 'cache write', align: 'right' },
  { header: 'cost', align: 'right' },
];

/** `openkoi status --costs` for a person: totals, caching, then spend by day, model, role, provider. */
export function renderUsageReport(report: UsageReport): string {
  const { totals, caching } = report;
  const lines: string[] = [];
  lines.push(`Spend since ${localDay(Date.parse(report.since))}`);
  lines.push('');
  lines.push(`Total        ${formatCost(totals)} · ${totals.calls} calls${totals.failedCalls ? ` (${totals.failedCalls} failed after replying)` : ''}`);
  lines.push(
    `Tokens       ${formatTokens(totals.inputTokens)} input · ${formatTokens(totals.outputTokens)} output · ` +
      `${formatTokens(totals.cacheReadTokens)} cache read · ${formatTokens(totals.cacheWriteTokens)} cache write`,
  );
  lines.push(
    `Caching      saved ${formatUsd(caching.savedUsd)} on ${formatTokens(caching.cacheReadTokens)} cached tokens` +
      (caching.writePremiumUsd > 0 ? `; cache writes cost ${formatUsd(caching.writePremiumUsd)} above input; net ${formatUsd(caching.netSavedUsd)}` : ''),
  );
  if (totals.unpricedCalls > 0) {
    lines.push(
      `Unknown      ${totals.unpricedCalls} calls have no known price (${report.unpricedModels.join(', ')}); ` +
        'their cost is not in the totals. Set [pricing."provider/model"] in config.toml to price them.',
    );
  }
  if (totals.calls === 0) {
    lines.push('');
    lines.push('No model calls recorded in this period.');
    return lines.join('\n') + '\n';
  }
  const section = (title: string, header: string, rows: Array<[string, SpendLine]>) => {
    lines.push('');
    lines.push(title);
    lines.push(formatTable([{ header }, ...SPEND_COLUMNS], rows.map(([name, line]) => [name, ...spendCells(line)]), '  ').trimEnd());
  };
  section('By day', 'day', report.byDay.map((line) => [line.day, line]));
  section('By model', 'model', report.byModel.map((line) => [line.model, line]));
  section('By role', 'role', report.byRole.map((line) => [line.role, line]));
  section('By provider', 'provider', report.byProvider.map((line) => [line.provider, line]));
  if (report.byToken.length > 0) section('By gateway token (openkoi serve)', 'token', report.byToken.map((line) => [line.token, line]));
  return lines.join('\n') + '\n';
}

function spendCells(line: SpendLine): string[] {
  return [
    String(line.calls),
    formatTokens(line.inputTokens),
    formatTokens(line.outputTokens),
    formatTokens(line.cacheReadTokens),
    formatTokens(line.cacheWriteTokens),
    formatCost(line),
  ];
}

/** A line's cost; calls of unknown price are said to be unknown, never counted as free. */
export function formatCost(line: SpendLine): string {
  if (line.costUsd === null) return 'unknown';
  return line.unpricedCalls > 0 ? `${formatUsd(line.costUsd)} + unknown` : formatUsd(line.costUsd);
}

// Agent calls are often fractions of a cent: four decimals keep them visible.
function formatUsd(value: number): string {
  return `$${value.toFixed(value >= 100 ? 2 : 4)}`;
}

function formatTokens(count: number): string {
  // Not toLocaleString: its first call loads ICU's locale data, about 25 ms of every `openkoi status`.
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function totalTokens(line: SpendLine): number {
  return line.inputTokens + line.outputTokens + line.cacheReadTokens + line.cacheWriteTokens;
}

function formatDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.ceil(milliseconds / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 60 ? `${minutes}m` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
