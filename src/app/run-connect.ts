import { authEndpoints, ENDPOINT_VARIABLES } from '../auth/auth-endpoints.js';
import { saveAuthStoreEntry } from '../auth/auth-store.js';
import { loginWithChatGPTDevice } from '../auth/chatgpt-device-login.js';
import { CHATGPT_PROVIDER_ID } from '../auth/chatgpt-session.js';
import { cleanPastedKey } from '../auth/clean-pasted-key.js';
import type { Clock } from '../auth/clock.js';
import { connectTargets, findConnectTarget, type ConnectTarget } from '../auth/connect-targets.js';
import { buildConnectionStatus } from '../auth/connection-status.js';
import { DeviceLoginError, type DeviceCodePrompt } from '../auth/device-login-error.js';
import { discoveryContext, inspectCredentials, type DiscoveryContext } from '../auth/discover-credentials.js';
import { loginWithGitHubDevice } from '../auth/github-device-flow.js';
import { saveKey } from '../auth/saved-keys.js';
import { ConfigError } from '../config/config-error.js';
import type { OpenkoiConfig } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { createProvider } from '../providers/create-provider.js';
import { findProviderEntry, type ProviderEntry } from '../providers/provider-catalog.js';
import { ProviderError } from '../providers/provider-error.js';
import { resolveProviderEntries } from '../providers/resolve-provider-entries.js';
import { askSecret, pickOne, PromptInterrupted, type PromptTerminal } from '../ui/connect-prompts.js';
import { renderConnectionStatus } from '../ui/render-connection-status.js';
import { EXIT } from './exit-codes.js';
import { decideWorkspaceTrust } from './resolve-workspace-trust.js';
import { loadConfigSchema } from '../config/config-schema-registry.js';

export interface ConnectIo {
  environment?: NodeJS.ProcessEnv;
  configPath?: string;
  workspace?: string;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Aborted on Ctrl-C while a device sign-in waits. */
  signal?: AbortSignal;
  /** Tests: a fake clock for the device flows. */
  clock?: Clock;
}

export interface RunConnectInput extends ConnectIo {
  /** `chatgpt`, `copilot` (`github`), a vendor id; undefined: the picker. */
  target?: string;
}

interface Setup {
  environment: NodeJS.ProcessEnv;
  config: OpenkoiConfig;
  entries: ProviderEntry[];
  discovery: DiscoveryContext;
  /** Both ends a person can see: prompts go to stderr, never into a piped stdout. */
  interactive: boolean;
  terminal: PromptTerminal;
}

/** `openkoi connect [TARGET]`: returns the exit code. */
export async function runConnect(input: RunConnectInput): Promise<number> {
  return guard(input, async (setup) => {
    let target: ConnectTarget | undefined;
    if (input.target === undefined) {
      const targets = connectTargets(setup.entries);
      if (!setup.interactive) {
        input.stderr.write(`openkoi: say what to connect: openkoi connect <target>\n${targets.map((entry) => `  ${entry.name.padEnd(12)} ${entry.hint}\n`).join('')}`);
        return EXIT.usage;
      }
      target = await pickOne(
        setup.terminal,
        'Connect what?',
        targets.map((entry) => ({ value: entry, name: entry.name, description: entry.hint })),
      );
    } else {
      target = findConnectTarget(input.target, setup.entries);
      if (!target) {
        input.stderr.write(`openkoi: nothing called "${input.target}" to connect. Targets: ${connectTargets(setup.entries).map((entry) => entry.name).join(', ')}.\n`);
        return EXIT.usage;
      }
    }
    const entry = findProviderEntry(target.providerId, setup.entries)!;
    if (target.method === 'chatgpt-device') return connectChatGPT(input, setup);
    if (target.method === 'github') return connectGitHub(input, setup, entry);
    return connectKey(input, setup, entry);
  });
}

/** `openkoi connect status [--json]`. */
export async function runConnectStatus(input: ConnectIo & { json: boolean }): Promise<number> {
  return guard(input, async (setup) => {
    const statuses = buildConnectionStatus(setup.entries, setup.discovery);
    input.stdout.write(input.json ? `${JSON.stringify({ providers: statuses }, null, 2)}\n` : renderConnectionStatus(statuses));
    return EXIT.ok;
  });
}

/** Loads config and context, and turns interruptions and bad input into exit codes. */
export async function guard(input: ConnectIo, work: (setup: Setup) => Promise<number>): Promise<number> {
  const environment = input.environment ?? process.env;
  // loadConfig validates with zod, which connect, connect status and disconnect load up front.
  await loadConfigSchema();
  try {
    const trust = decideWorkspaceTrust({
      workspace: input.workspace ?? process.cwd(),
      environment,
      load: (trusted) =>
        loadConfig({ environment, trusted, ...(input.workspace ? { workspace: input.workspace } : {}), ...(input.configPath ? { explicitPath: input.configPath } : {}) }),
    });
    const config = trust.loaded.config;
    authEndpoints(environment); // a malformed endpoint override is a usage error, before anything is sent
    const interactive = input.stdin.isTTY === true && input.stderr.isTTY === true;
    return await work({
      environment,
      config,
      entries: resolveProviderEntries(config),
      discovery: discoveryContext(environment, (message) => input.stderr.write(`openkoi: warning: ${message}\n`)),
      interactive,
      terminal: { input: input.stdin, output: input.stderr },
    });
  } catch (error) {
    if (error instanceof PromptInterrupted || isAbort(error, input.signal)) {
      // Ctrl-C or Ctrl-D: the user's "stop"; no trace, the shell's 130.
      input.stderr.write('\n');
      return EXIT.interrupted;
    }
    if (error instanceof ConfigError || (error instanceof Error && Object.values(ENDPOINT_VARIABLES).some((name) => error.message.startsWith(name)))) {
      input.stderr.write(`openkoi: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof DeviceLoginError || error instanceof ProviderError) {
      input.stderr.write(`openkoi: ${error.message}\n`);
      return EXIT.failed;
    }
    input.stderr.write(`openkoi: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && (error === signal.reason || (error as Error)?.name === 'AbortError');
}

function showCode(stderr: NodeJS.WritableStream, service: string) {
  return (prompt: DeviceCodePrompt): void => {
    stderr.write(`To connect ${service}, open ${prompt.verificationUrl}\nand enter the code: ${prompt.userCode}\n`);
    stderr.write('Waiting for approval (Ctrl-C to stop)...\n');
  };
}

async function connectChatGPT(input: RunConnectInput, setup: Setup): Promise<number> {
  const clientId = setup.environment['OPENKOI_CHATGPT_CLIENT_ID']?.trim() || setup.config.auth?.chatgpt?.client_id;
  if (!clientId) {
    input.stderr.write(
      'openkoi: ChatGPT sign-in needs an OAuth client id registered for openkoi: set [auth.chatgpt] client_id in config.toml ' +
        'or OPENKOI_CHATGPT_CLIENT_ID. openkoi does not borrow Codex CLI\'s client id. Without one, use an OpenAI API key: openkoi connect openai\n',
    );
    return EXIT.usage;
  }
  const tokens = await loginWithChatGPTDevice({
    endpoints: authEndpoints(setup.environment),
    clientId,
    onCode: showCode(input.stderr, 'ChatGPT'),
    ...(input.clock ? { clock: input.clock } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
  });
  await saveAuthStoreEntry(setup.discovery.openkoiHome, CHATGPT_PROVIDER_ID, { type: 'oauth', ...tokens });
  input.stdout.write(
    'Connected ChatGPT: models as openai-codex/<model> (alias chatgpt/), e.g. openai-codex/gpt-5-codex. ' +
      'A subscription sign-in: it serves your own runs, never the gateway\'s clients.\n',
  );
  return EXIT.ok;
}

async function connectGitHub(input: RunConnectInput, setup: Setup, entry: ProviderEntry): Promise<number> {
  const clientId = setup.environment['OPENKOI_GITHUB_CLIENT_ID']?.trim() || setup.config.auth?.github?.client_id;
  if (clientId) {
    const token = await loginWithGitHubDevice({
      endpoints: authEndpoints(setup.environment),
      clientId,
      onCode: showCode(input.stderr, 'GitHub'),
      ...(input.clock ? { clock: input.clock } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    });
    await saveAuthStoreEntry(setup.discovery.openkoiHome, entry.id, { type: 'oauth', access: token, via: 'device' });
    input.stdout.write(`Connected GitHub: GitHub Models as ${entry.id}/<publisher>/<model> (alias copilot/), e.g. ${entry.id}/${entry.defaultModel}.\n`);
    return EXIT.ok;
  }
  const ghLogin = inspectCredentials(entry, setup.discovery).find((finding) => finding.usable && finding.source.startsWith('github cli'));
  if (setup.interactive) {
    const choice = await pickOne(setup.terminal, 'Connect GitHub Models how?', [
      ...(ghLogin ? [{ value: 'gh' as const, name: 'Use the GitHub CLI\'s login', description: `found in ${ghLogin.source.replace(/^github cli /, '')}` }] : []),
      { value: 'token' as const, name: 'Paste a fine-grained token', description: 'github.com/settings/personal-access-tokens: permission "Models: read"' },
    ]);
    if (choice === 'gh') return reportGhLogin(input, ghLogin!.source);
    return connectKey(input, setup, entry);
  }
  const piped = input.stdin.isTTY === true ? '' : await readAll(input.stdin);
  if (piped.trim() !== '') return connectKey(input, setup, entry, piped);
  if (ghLogin) return reportGhLogin(input, ghLogin.source);
  input.stderr.write(
    'openkoi: no way to sign in to GitHub here. Either configure openkoi\'s own OAuth app for the device flow ' +
      '([auth.github] client_id or OPENKOI_GITHUB_CLIENT_ID; see config.example.toml), sign in with the GitHub CLI (gh auth login), ' +
      'or pipe a fine-grained token with "Models: read": openkoi connect copilot < token.txt\n',
  );
  return EXIT.usage;
}

function reportGhLogin(input: RunConnectInput, source: string): number {
  input.stdout.write(`GitHub Models will use the GitHub CLI's login (${source}); nothing was copied. openkoi never changes gh's files.\n`);
  return EXIT.ok;
}

/** Paste (or pipe) a key, check it with one cheap request, save it 0600. */
async function connectKey(input: RunConnectInput, setup: Setup, entry: ProviderEntry, piped?: string): Promise<number> {
  const raw =
    piped ?? (setup.interactive ? await askSecret(setup.terminal, `${entry.name} ${entry.id === 'github-models' ? 'token' : 'API key'} (hidden):`) : await readAll(input.stdin));
  const key = cleanPastedKey(raw);
  if (key === '') {
    input.stderr.write(`openkoi: no key given for ${entry.name}; nothing saved.${setup.interactive ? '' : ` Pipe it in: openkoi connect ${entry.id} < key.txt`}\n`);
    return EXIT.usage;
  }
  let warning: string | undefined;
  try {
    // One cheap request: the model list, which costs no tokens.
    const provider = await createProvider(entry, setup.environment, { apiKey: key, source: 'pasted key', authMode: 'api-key' });
    await provider.models();
  } catch (error) {
    if (error instanceof ProviderError && (error.kind === 'auth' || error.kind === 'permission')) {
      input.stderr.write(`openkoi: ${entry.name} refused this key (${error.status ?? error.kind}); nothing saved. Check that it is complete and active.\n`);
      return EXIT.failed;
    }
    if (error instanceof ProviderError && (error.kind === 'network' || error.kind === 'timeout')) {
      input.stderr.write(`openkoi: could not reach ${entry.name} to check the key; nothing saved. Try again when the connection is back.\n`);
      return EXIT.failed;
    }
    warning = `the key could not be checked (${(error as Error).message.split('\n')[0]}); saved anyway.`;
  }
  const path = saveKey(setup.discovery.openkoiHome, entry.id, key);
  if (warning) input.stderr.write(`openkoi: warning: ${warning}\n`);
  const shadow = entry.keyVariables.find((variable) => setup.environment[variable]?.trim());
  input.stdout.write(
    `Saved the ${entry.name} key to ${path} (mode 0600). Forget it with: openkoi disconnect ${entry.id}\n` +
      (shadow ? `Note: ${shadow} is set and is used first while it is.\n` : ''),
  );
  return EXIT.ok;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}
