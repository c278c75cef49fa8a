import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expandVariables } from '../../../src/tools/mcp/expand-variables.js';
import { mergeServerSpecs, specsFromConfig, specsFromMcpJson } from '../../../src/tools/mcp/mcp-server-specs.js';
import { mcpToolName } from '../../../src/tools/mcp/mcp-tool.js';
import { truncateHeadTail } from '../../../src/tools/mcp/truncate-head-tail.js';

let workspace: string;
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'openkoi-mcp-json-'));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

const writeMcpJson = (data: unknown) => writeFileSync(join(workspace, '.mcp.json'), typeof data === 'string' ? data : JSON.stringify(data));

describe('${VAR} expansion', () => {
  it('expands set variables and defaults, and reports the unset ones', () => {
    expect(expandVariables('Bearer ${TOKEN}', { TOKEN: 't0k' })).toEqual({ value: 'Bearer t0k', missing: [] });
    expect(expandVariables('${PORT:-8080}/${HOST:-}', {})).toEqual({ value: '8080/', missing: [] });
    expect(expandVariables('${NOPE} and $PLAIN', {})).toEqual({ value: ' and $PLAIN', missing: ['NOPE'] });
    // One pass: a value holding ${...} is not expanded again.
    expect(expandVariables('${A}', { A: '${B}', B: 'secret' }).value).toBe('${B}');
  });
});

describe('.mcp.json (the mcpServers shape Claude Code reads)', () => {
  it('reads stdio and http servers, expanding variables in command, args, env, url and headers', () => {
    writeMcpJson({
      mcpServers: {
        files: { command: '${TOOLS}/fs-server', args: ['--root', '${ROOT:-.}'], env: { API_TOKEN: '${TOKEN}' } },
        remote: { type: 'http', url: 'https://${HOST}/mcp', headers: { Authorization: 'Bearer ${TOKEN}' } },
      },
    });
    const { specs, problems } = specsFromMcpJson(workspace, { TOOLS: '/opt/tools', TOKEN: 'abc', HOST: 'mcp.example.com' });
    expect(problems).toEqual([]);
    expect(specs).toEqual([
      { name: 'files', origin: join(workspace, '.mcp.json'), transport: { kind: 'stdio', command: '/opt/tools/fs-server', args: ['--root', '.'], env: { API_TOKEN: 'abc' } } },
      { name: 'remote', origin: join(workspace, '.mcp.json'), transport: { kind: 'http', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer abc' } } },
    ]);
  });

  it('skips a server whose variable is unset, naming both, and keeps the others', () => {
    writeMcpJson({ mcpServers: { needy: { command: 'x', env: { KEY: '${MISSING_KEY}' } }, fine: { command: 'y' } } });
    const { specs, problems } = specsFromMcpJson(workspace, {});
    expect(specs.map((spec) => spec.name)).toEqual(['fine']);
    expect(problems).toEqual([expect.stringMatching(/MCP server "needy" .* not started: \$\{MISSING_KEY\} is not set/)]);
  });

  it('reports bad files and entries instead of failing', () => {
    writeMcpJson('{ not json');
    expect(specsFromMcpJson(workspace, {}).problems[0]).toMatch(/\.mcp\.json is not valid JSON/);
    writeMcpJson({ mcpServers: { 'bad name!': { command: 'x' }, empty: {}, old: { type: 'sse', url: 'https://x/sse' }, odd: { command: 5 }, ftp: { type: 'http', url: 'ftp://x' } } });
    const { specs, problems } = specsFromMcpJson(workspace, {});
    expect(specs).toEqual([]);
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/"bad name!".*letters, digits/);
    expect(problems.join('\n')).toMatch(/"empty".*neither "command" nor "url"/);
    expect(problems.join('\n')).toMatch(/"old".*SSE transport is not supported/);
    expect(problems.join('\n')).toMatch(/"odd".*command/);
    expect(problems.join('\n')).toMatch(/"ftp".*not an http\(s\) URL/);
  });

  it('no file, no servers', () => {
    expect(specsFromMcpJson(workspace, {})).toEqual({ specs: [], problems: [] });
  });
});

describe('[[plugins.mcp]] and merging', () => {
  it('turns config entries into specs, and the user config wins a name clash with .mcp.json', () => {
    const user = specsFromConfig([{ name: 'fs', command: 'npx', args: ['-y', 'server-fs', '${HOME}'] }, { name: 'web', url: 'http://127.0.0.1:9/mcp', headers: { 'X-Key': '${K}' } }], { HOME: '/home/u', K: 'k' });
    expect(user.specs.map((spec) => spec.transport)).toEqual([
      { kind: 'stdio', command: 'npx', args: ['-y', 'server-fs', '/home/u'], env: {} },
      { kind: 'http', url: 'http://127.0.0.1:9/mcp', headers: { 'X-Key': 'k' } },
    ]);
    writeMcpJson({ mcpServers: { fs: { command: 'evil' }, other: { command: 'ok' } } });
    const merged = mergeServerSpecs(user, specsFromMcpJson(workspace, {}));
    expect(merged.specs.map((spec) => `${spec.name}:${spec.origin}`)).toEqual(['fs:config', 'web:config', `other:${join(workspace, '.mcp.json')}`]);
    expect(merged.problems).toEqual([expect.stringMatching(/MCP server "fs" of .*\.mcp\.json is not started: \[\[plugins\.mcp\]\] in your config defines one/)]);
  });
});

describe('tool names and output', () => {
  it('names tools server__tool within the characters and length vendors accept', () => {
    expect(mcpToolName('fs', 'read_text_file')).toBe('fs__read_text_file');
    expect(mcpToolName('web', 'get.page')).toBe('web__get_page');
    const long = mcpToolName('a-rather-long-server-name-indeed', 'and_an_even_longer_tool_name_that_goes_on');
    expect(long).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(mcpToolName('a-rather-long-server-name-indeed', 'and_an_even_longer_tool_name_that_goes_on')).toBe(long);
    expect(mcpToolName('a-rather-long-server-name-indeed', 'and_an_even_longer_tool_name_that_goes_off')).not.toBe(long);
  });

  it('keeps head and tail with a marker that says how much was cut', () => {
    expect(truncateHeadTail('short', 100)).toBe('short');
    const text = `${'h'.repeat(500)}${'m'.repeat(10_000)}${'t'.repeat(500)}`;
    const cut = truncateHeadTail(text, 1000);
    expect(cut.length).toBeLessThanOrEqual(1000);
    expect(cut.startsWith('h'.repeat(400))).toBe(true);
    expect(cut.endsWith('t'.repeat(400))).toBe(true);
    expect(cut).toContain(`[… ${text.length - 1000} characters cut from the middle of this output …]`);
  });
});
