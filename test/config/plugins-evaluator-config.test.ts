import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigSchema } from '../../src/config/config-schema-registry.js';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';

// loadConfig validates with the schema that commands load first (see config-schema-registry.ts).
beforeAll(() => loadConfigSchema());

let root: string;
let home: string;
let workspace: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'openkoi-plugins-'));
  home = join(root, 'home');
  workspace = join(root, 'workspace');
  mkdirSync(home);
  mkdirSync(join(workspace, '.openkoi'), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const load = (trusted: boolean) => loadConfig({ environment: { OPENKOI_HOME: home }, workspace, trusted });

const SERVERS = `
[plugins]
mcp_startup_timeout_s = 90

[[plugins.mcp]]
name = "fs"
command = "npx"
args = ["-y", "@modelcontextprotocol/server-filesystem", "."]
env = { LOG = "quiet" }

[[plugins.mcp]]
name = "remote"
url = "https://mcp.example.com/mcp"
headers = { Authorization = "Bearer \${MCP_TOKEN}" }

[evaluator]
test_command = "make check"
lint_command = "make lint"
checks = false
`;

describe('[[plugins.mcp]] and [evaluator] in the config', () => {
  it('the user file sets MCP servers, their startup timeout, and the check commands', () => {
    writeFileSync(join(home, 'config.toml'), SERVERS);
    const { config } = load(false);
    expect(config.plugins?.mcp_startup_timeout_s).toBe(90);
    expect(config.plugins?.mcp).toEqual([
      { name: 'fs', command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '.'], env: { LOG: 'quiet' } },
      { name: 'remote', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer ${MCP_TOKEN}' } },
    ]);
    expect(config.evaluator).toEqual({ test_command: 'make check', lint_command: 'make lint', checks: false });
  });

  it('an untrusted project file cannot add MCP servers or check commands: each key is named as ignored', () => {
    writeFileSync(join(workspace, '.openkoi', 'config.toml'), SERVERS);
    const { config, ignoredKeys } = load(false);
    expect(config.plugins).toBeUndefined();
    expect(config.evaluator).toBeUndefined();
    expect(ignoredKeys).toEqual(['plugins.mcp_startup_timeout_s', 'plugins.mcp', 'evaluator.test_command', 'evaluator.lint_command', 'evaluator.checks']);
  });

  it('a trusted project file may', () => {
    writeFileSync(join(workspace, '.openkoi', 'config.toml'), SERVERS);
    const { config, ignoredKeys } = load(true);
    expect(ignoredKeys).toEqual([]);
    expect(config.plugins?.mcp?.map((server) => server.name)).toEqual(['fs', 'remote']);
    expect(config.evaluator?.test_command).toBe('make check');
  });

  it.each([
    ['both command and url', '[[plugins.mcp]]\nname = "x"\ncommand = "a"\nurl = "https://x/mcp"', /either "command".*or "url"/],
    ['neither', '[[plugins.mcp]]\nname = "x"', /either "command".*or "url"/],
    ['a name with a dot', '[[plugins.mcp]]\nname = "my.server"\ncommand = "a"', /letters, digits/],
    ['two servers with one name', '[[plugins.mcp]]\nname = "x"\ncommand = "a"\n[[plugins.mcp]]\nname = "x"\ncommand = "b"', /share a name/],
    ['an unknown key', '[[plugins.mcp]]\nname = "x"\ncommand = "a"\ncwd = "/"', /cwd/],
    ['an unknown evaluator key', '[evaluator]\ntest = "npm test"', /test/],
  ])('rejects %s with a clear error', (_case, text, message) => {
    writeFileSync(join(home, 'config.toml'), text);
    expect(() => load(false)).toThrow(ConfigError);
    expect(() => load(false)).toThrow(message);
  });
});
