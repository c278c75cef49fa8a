import { ConfigError } from '../config/config-error.js';
import { loadConfig, prepareConfigValidation } from '../config/load-config.js';
import { databasePath, openkoiHome } from '../config/paths.js';
import { readQuotaSnapshots } from '../auth/quota-telemetry.js';
import { detectSandbox } from '../tools/shell/sandbox.js';
import { DatabaseError, databaseExists, openDatabase, type Database } from '../memory/database.js';
import { resolveProviderEntries } from '../providers/resolve-provider-entries.js';
import { EXIT } from './exit-codes.js';
import { InvalidSinceError, parseSince } from '../usage/parse-since.js';
import { renderStatus, renderUsageReport } from '../ui/render-status.js';
import { buildStatusReport } from './build-status-report.js';
import { decideWorkspaceTrust, untrustedWorkspaceWarning } from './resolve-workspace-trust.js';
import { buildUsageReport } from '../usage/usage-report.js';

export interface RunStatusInput {
  /** `--costs`: the spend report instead of the overview. */
  costs: boolean;
  /** `--since`: 30d, 7d or a date; default 30d. */
  since?: string;
  json: boolean;
  configPath?: string;
  environment?: NodeJS.ProcessEnv;
  workspace?: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  now?: Date;
}

/** `openkoi status [--costs]`: returns the exit code. */
export async function runStatus(input: RunStatusInput): Promise<number> {
  const environment = input.environment ?? process.env;
  const now = input.now ?? new Date();
  let database: Database | undefined;
  try {
    const since = input.costs ? parseSince(input.since ?? '30d', now) : undefined;
    await prepareConfigValidation({
      environment,
      trusted: false,
      ...(input.workspace ? { workspace: input.workspace } : {}),
      ...(input.configPath ? { explicitPath: input.configPath } : {}),
    });
    // Status never asks: it reports the trust list's decision and what it leaves out.
    const trust = decideWorkspaceTrust({
      workspace: input.workspace ?? process.cwd(),
      environment,
      load: (trusted) =>
        loadConfig({
          environment,
          trusted,
          ...(input.workspace ? { workspace: input.workspace } : {}),
          ...(input.configPath ? { explicitPath: input.configPath } : {}),
        }),
    });
    const trustWarning = untrustedWorkspaceWarning(trust);
    if (trustWarning) input.stderr.write(`openkoi: warning: ${trustWarning}\n`);
    const { config } = trust.loaded;
    // No database yet means nothing was ever recorded; status does not create one to say so.
    const path = databasePath(environment);
    database = databaseExists(path) ? openDatabase(path) : undefined;
    if (since) {
      const report = database ? buildUsageReport(database, since, now) : buildUsageReportWithoutDatabase(since, now);
      input.stdout.write(input.json ? JSON.stringify(report, null, 2) + '\n' : renderUsageReport(report));
    } else {
      const report = buildStatusReport({
        config,
        entries: resolveProviderEntries(config),
        environment,
        database,
        now,
        workspace: { path: trust.workspace, trusted: trust.trusted, ignoredKeys: trust.ignoredKeys },
        shell: detectSandbox(environment),
        quotas: readQuotaSnapshots(openkoiHome(environment)),
      });
      input.stdout.write(input.json ? JSON.stringify(report, null, 2) + '\n' : renderStatus(report));
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof InvalidSinceError || (error instanceof DatabaseError && error.permissionDenied)) {
      input.stderr.write(`openkoi: ${error.message}\n`);
      return EXIT.usage;
    }
    input.stderr.write(`openkoi: ${(error as Error).message}\n`);
    return EXIT.failed;
  } finally {
    database?.close();
  }
}

function buildUsageReportWithoutDatabase(since: Date, now: Date) {
  // An empty in-memory database gives the same (empty) report shape as a real one.
  const empty = openDatabase(':memory:');
  try {
    return buildUsageReport(empty, since, now);
  } finally {
    empty.close();
  }
}
