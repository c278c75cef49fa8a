import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfigSchema } from '../../src/config/config-schema-registry.js';
import { loadConfig } from '../../src/config/load-config.js';
import { isWorkspaceTrusted, trustWorkspace } from '../../src/config/workspace-trust.js';
import { resolveWorkspaceTrust, untrustedWorkspaceWarning, type ConfirmTrust } from '../../src/app/resolve-workspace-trust.js';
import { runTask } from '../../src/app/run-task.js';
import { EXIT } from '../../src/app/exit-codes.js';
import { TrustQuestionInterrupted, type TrustQuestion } from '../../src/ui/confirm-workspace-trust.js';

// loadConfig validates with the schema that commands load first (see config-schema-registry.ts).
beforeAll(() => loadConfigSchema());

let root: string;
let home: string;
let workspace: string;
let environment: NodeJS.ProcessEnv;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'openkoi-resolve-trust-'));
  home = join(root, 'home');
  workspace = join(root, 'project');
  mkdirSync(home);
  mkdirSync(join(workspace, '.openkoi'), { recursive: true });
  environment = { OPENKOI_HOME: home, HOME: root };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function resolve(confirm?: ConfirmTrust) {
  return resolveWorkspaceTrust({
    workspace,
    environment,
    load: (trusted) => loadConfig({ environment, workspace, trusted }),
    ...(confirm ? { confirm } : {}),
  });
}

const GATED = '[providers.x]\nbase_url = "http://127.0.0.1:9/v1"\napi_key_env = "GITHUB_TOKEN"\n[models]\nexecutor = "x/m"\n';

describe('the trust question, asked once through the app layer', () => {
  it('yes records trust and the config applies in full this very run', async () => {
    writeFileSync(join(workspace, '.openkoi', 'config.toml'), GATED);
    const questions: TrustQuestion[] = [];
    const decision = await resolve(async (question) => {
      questions.push(question);
      return true;
    });
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatchObject({ ignoredKeys: ['providers.x.base_url', 'providers.x.api_key_env', 'models.executor'], projectFile: join(workspace, '.openkoi', 'config.toml') });
    expect(decision).toMatchObject({ trusted: true, answered: 'trusted', ignoredKeys: [] });
    expect(decision.loaded.config.models?.executor).toBe('x/m');
    expect(isWorkspaceTrusted(home, workspace)).toBe(true);
    expect(untrustedWorkspaceWarning(decision)).toBeUndefined();
  });

  it('no runs untrusted this time, records nothing, and the warning names each key and how to trust', async () => {
    writeFileSync(join(workspace, '.openkoi', 'config.toml'), GATED);
    const decision = await resolve(async () => false);
    expect(decision).toMatchObject({ trusted: false, answered: 'declined' });
    expect(decision.loaded.config.models).toBeUndefined();
    expect(isWorkspaceTrusted(home, workspace)).toBe(false);
    const warning = untrustedWorkspaceWarning(decision)!;
    for (const key of ['providers.x.base_url', 'providers.x.api_key_env', 'models.executor']) expect(warning).toContain(key);
    expect(warning).toContain(join(workspace, '.openkoi', 'config.toml'));
    expect(warning).toContain(`openkoi trust ${decision.workspace}`);
  });

  it('a .mcp.json alone is worth asking about; its file is named', async () => {
    writeFileSync(join(workspace, '.mcp.json'), '{"mcpServers": {}}');
    const confirm = vi.fn(async () => false);
    const decision = await resolve(confirm);
    expect(confirm).toHaveBeenCalledWith(expect.objectContaining({ mcpFile: join(workspace, '.mcp.json'), ignoredKeys: [] }));
    expect(decision.ignoredMcpFile).toBe(join(workspace, '.mcp.json'));
    expect(untrustedWorkspaceWarning(decision)).toContain('.mcp.json');
  });

  it('nothing trust would change (harmless keys only, or no project file): nobody is asked, nothing is warned', async () => {
    const confirm = vi.fn(async () => true);
    expect(untrustedWorkspaceWarning(await resolve(confirm))).toBeUndefined();
    writeFileSync(join(workspace, '.openkoi', 'config.toml'), '[engine]\nquality = 0.9\n');
    const decision = await resolve(confirm);
    expect(confirm).not.toHaveBeenCalled();
    expect(decision.trusted).toBe(false);
    expect(decision.loaded.config.engine?.quality).toBe(0.9);
    expect(untrustedWorkspaceWarning(decision)).toBeUndefined();
  });

  it('a trusted folder is never asked about', async () => {
    writeFileSync(join(workspace, '.openkoi', 'config.toml'), GATED);
    trustWorkspace(home, workspace);
    const confirm = vi.fn(async () => false);
    const decision = await resolve(confirm);
    expect(confirm).not.toHaveBeenCalled();
    expect(decision.trusted).toBe(true);
  });

  it('no confirm (not a terminal): untrusted, with the warning', async () => {
    writeFileSync(join(workspace, '.openkoi', 'config.toml'), GATED);
    const decision = await resolve();
    expect(decision.trusted).toBe(false);
    expect(decision.answered).toBeUndefined();
    expect(untrustedWorkspaceWarning(decision)).toContain('models.executor');
  });
});

describe('runTask and the trust question', () => {
  function streams() {
    let stdout = '';
    let stderr = '';
    return {
      stdout: { write: (chunk: string) => ((stdout += chunk), true) } as unknown as NodeJS.WritableStream,
      stderr: { write: (chunk: string) => ((stderr += chunk), true) } as unknown as NodeJS.WritableStream,
      text: () => ({ stdout, stderr }),
    };
  }

  it('Ctrl-C at the question ends the run quietly with 130, sending nothing and trusting nothing', async () => {
    writeFileSync(join(workspace, '.openkoi', 'config.toml'), GATED);
    const output = streams();
    const code = await runTask({
      task: 'say hi',
      flags: {},
      environment,
      workspace,
      stdout: output.stdout,
      stderr: output.stderr,
      confirmTrust: async () => {
        throw new TrustQuestionInterrupted('interrupted');
      },
    });
    expect(code).toBe(EXIT.interrupted);
    expect(output.text()).toEqual({ stdout: '', stderr: '' });
    expect(isWorkspaceTrusted(home, workspace)).toBe(false);
  });

  it('a damaged trust list is a setup error (exit 2) naming the file', async () => {
    writeFileSync(join(home, 'trusted-workspaces.json'), 'not json');
    const output = streams();
    const code = await runTask({ task: 'say hi', flags: {}, environment, workspace, stdout: output.stdout, stderr: output.stderr });
    expect(code).toBe(EXIT.usage);
    expect(output.text().stderr).toContain(join(home, 'trusted-workspaces.json'));
  });
});
