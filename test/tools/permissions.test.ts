import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askToolPermission } from '../../src/ui/ask-tool-permission.js';
import { createBuiltinTools } from '../../src/tools/builtin-tools.js';
import { ChangeTracker } from '../../src/tools/change-tracker.js';
import type { AskPermission, PermissionAnswer, PermissionMode, PermissionQuestion } from '../../src/tools/permission-mode.js';
import { parsePermissionRules } from '../../src/tools/permission-rules.js';
import { createCommandRunner } from '../../src/tools/shell/command-runner.js';
import { createToolRegistry } from '../../src/tools/tool-registry.js';
import { temporaryDirectories } from '../temporary-directories.js';

const makeDirectory = temporaryDirectories('openkoi-permissions-');

interface Setup {
  mode: PermissionMode;
  allow?: string[];
  ask?: string[];
  deny?: string[];
  /** Scripted answers, in order; absent: nobody can be asked. */
  answers?: PermissionAnswer[];
}

function tools(setup: Setup) {
  const workspace = realpathSync(makeDirectory());
  mkdirSync(join(workspace, 'src'));
  mkdirSync(join(workspace, '.home'));
  writeFileSync(join(workspace, 'src', 'a.ts'), 'export const a = 1;\n');
  const questions: PermissionQuestion[] = [];
  const refusedLines: string[] = [];
  const answers = [...(setup.answers ?? [])];
  const ask: AskPermission | undefined = setup.answers
    ? async (question) => {
        questions.push(question);
        const answer = answers.shift();
        if (!answer) throw new Error(`asked more often than scripted: ${question.tool} ${question.subject}`);
        return answer;
      }
    : undefined;
  const registry = createToolRegistry({
    builtins: createBuiltinTools({
      changes: new ChangeTracker(workspace),
      runner: createCommandRunner({ workspace, sandbox: { sandboxed: false, reason: 'test' }, network: false }),
      shellTimeoutMs: 10_000,
      outputLimit: 30_000,
      home: join(workspace, '.home'),
    }),
    mode: setup.mode,
    rules: parsePermissionRules(setup),
    workspace,
    ...(ask ? { ask } : {}),
    onRefused: (line) => refusedLines.push(line),
  });
  let id = 0;
  const call = (toolName: string, input: Record<string, unknown>) => registry.run({ type: 'tool-call', toolCallId: `call_${++id}`, toolName, input });
  const file = (path: string) => (existsSync(join(workspace, path)) ? readFileSync(join(workspace, path), 'utf8') : undefined);
  return { workspace, registry, questions, refusedLines, call, file };
}

const offered = (registry: { definitions(): Array<{ name: string }> }) => registry.definitions().map((definition) => definition.name);

describe('read mode never writes', () => {
  it('offers only the read-only tools, and refuses a write, an edit or a shell call the model makes anyway', async () => {
    const { registry, call, file, workspace } = tools({ mode: 'read', allow: ['write', 'shell'] });
    expect(offered(registry)).toEqual(['glob', 'grep', 'list', 'read']);
    expect((await call('write', { path: 'new.txt', content: 'x' })).isError).toBe(true);
    expect((await call('edit', { path: 'src/a.ts', old_string: '1', new_string: '2' })).isError).toBe(true);
    expect((await call('shell', { command: 'touch made-by-shell' })).isError).toBe(true);
    expect(file('new.txt')).toBeUndefined();
    expect(file('src/a.ts')).toBe('export const a = 1;\n');
    expect(existsSync(join(workspace, 'made-by-shell'))).toBe(false);
  });
});

describe('ask mode writes only after a yes', () => {
  it('asks before a write with the diff, and writes on yes', async () => {
    const { call, file, questions } = tools({ mode: 'ask', answers: ['yes'] });
    const result = await call('edit', { path: 'src/a.ts', old_string: 'a = 1', new_string: 'a = 2' });
    expect(result.isError).toBe(false);
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatchObject({ tool: 'edit', subject: 'src/a.ts', prefix: 'src/' });
    expect(questions[0]!.preview).toContain('-export const a = 1;\n+export const a = 2;');
    expect(file('src/a.ts')).toBe('export const a = 2;\n');
  });

  it('no: nothing is written or run, and the model is told the user declined', async () => {
    const { call, file, workspace } = tools({ mode: 'ask', answers: ['no', 'no'] });
    expect(await call('write', { path: 'src/a.ts', content: 'gone' })).toEqual({ output: 'the user declined this write call', isError: true, summary: 'write → refused' });
    expect(await call('shell', { command: 'touch ran' })).toEqual({ output: 'the user declined this shell call', isError: true, summary: 'shell → refused' });
    expect(file('src/a.ts')).toBe('export const a = 1;\n');
    expect(existsSync(join(workspace, 'ran'))).toBe(false);
  });

  it('reads are never asked about', async () => {
    const { call, questions } = tools({ mode: 'ask', answers: [] });
    expect((await call('read', { path: 'src/a.ts' })).isError).toBe(false);
    expect((await call('grep', { pattern: 'const' })).isError).toBe(false);
    expect(questions).toEqual([]);
  });

  it('an edit that cannot apply is a tool error without a question', async () => {
    const { call, questions } = tools({ mode: 'ask', answers: [] });
    const result = await call('edit', { path: 'src/a.ts', old_string: 'not there', new_string: 'x' });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('old_string was not found');
    expect(questions).toEqual([]);
  });

  it('"always for this prefix" is remembered for the run: the same command prefix is not asked again, another is', async () => {
    const { call, questions } = tools({ mode: 'ask', answers: ['always-prefix', 'yes'] });
    expect((await call('shell', { command: 'echo one' })).isError).toBe(false);
    expect(questions[0]).toMatchObject({ tool: 'shell', subject: 'echo one', prefix: 'echo one' });
    expect((await call('shell', { command: 'echo one two' })).isError).toBe(false);
    expect(questions).toHaveLength(1);
    expect((await call('shell', { command: 'printf x' })).isError).toBe(false);
    expect(questions).toHaveLength(2);
  });

  it('"always for this folder" covers files under it, not elsewhere', async () => {
    const { call, questions, file } = tools({ mode: 'ask', answers: ['always-prefix', 'no'] });
    await call('write', { path: 'src/b.ts', content: 'b\n' });
    await call('write', { path: 'src/deeper/c.ts', content: 'c\n' });
    expect(questions).toHaveLength(1);
    expect(file('src/deeper/c.ts')).toBe('c\n');
    expect((await call('write', { path: 'README.md', content: 'r\n' })).isError).toBe(true);
    expect(questions).toHaveLength(2);
    expect(file('README.md')).toBeUndefined();
  });

  it('"always for this tool" covers the rest of the run for that tool only', async () => {
    const { call, questions } = tools({ mode: 'ask', answers: ['always-tool', 'yes'] });
    await call('write', { path: 'x.txt', content: '1' });
    await call('write', { path: 'elsewhere/y.txt', content: '2' });
    expect(questions.map((question) => question.tool)).toEqual(['write']);
    await call('shell', { command: 'true' });
    expect(questions.map((question) => question.tool)).toEqual(['write', 'shell']);
  });

  it('an approved command prefix does not cover a different command chained after it', async () => {
    const { call, questions, workspace } = tools({ mode: 'ask', answers: ['always-prefix', 'no', 'no', 'no', 'no'] });
    await call('shell', { command: 'echo hi' });
    for (const command of ['echo hi && touch pwned', 'echo hi; touch pwned', 'echo hi | tee pwned', 'echo hi $(touch pwned)']) {
      expect((await call('shell', { command })).output).toBe('the user declined this shell call');
    }
    expect(questions).toHaveLength(5);
    expect(existsSync(join(workspace, 'pwned'))).toBe(false);
  });

  it('an approved prefix is a whole word: "echo hi" does not cover "echo hidden"', async () => {
    const { call, questions } = tools({ mode: 'ask', answers: ['always-prefix', 'no'] });
    await call('shell', { command: 'echo hi' });
    await call('shell', { command: 'echo hidden' });
    expect(questions).toHaveLength(2);
  });
});

describe('rules: deny wins, then ask, then allow', () => {
  it('allow lets a matching call through ask mode without a question; others are still asked', async () => {
    const { call, questions } = tools({ mode: 'ask', allow: ['shell(echo *)', 'edit(src/**)'], answers: ['no'] });
    expect((await call('shell', { command: 'echo allowed' })).output).toMatch(/^allowed\n/);
    expect((await call('edit', { path: 'src/a.ts', old_string: '1', new_string: '2' })).isError).toBe(false);
    expect((await call('shell', { command: 'printf asked' })).isError).toBe(true);
    expect(questions.map((question) => question.subject)).toEqual(['printf asked']);
  });

  it('deny beats allow, in every mode, even for a read-only tool', async () => {
    for (const mode of ['auto', 'ask'] as const) {
      const { call, workspace } = tools({ mode, allow: ['shell(touch *)', 'read'], deny: ['shell(touch secret*)', 'read(src/**)'], answers: [] });
      const denied = await call('shell', { command: 'touch secret.txt' });
      expect(denied).toEqual({ output: 'shell refused by the rule deny = "shell(touch secret*)"', isError: true, summary: 'shell → refused' });
      expect(existsSync(join(workspace, 'secret.txt'))).toBe(false);
      expect((await call('read', { path: 'src/a.ts' })).output).toBe('read refused by the rule deny = "read(src/**)"');
      expect((await call('shell', { command: 'touch other.txt' })).isError).toBe(false);
    }
  });

  it('ask beats allow: a call both allowed and asked is asked, even in auto mode', async () => {
    const { call, questions, workspace } = tools({ mode: 'auto', allow: ['shell'], ask: ['shell(rm *)'], answers: ['no'] });
    writeFileSync(join(workspace, 'keep.txt'), 'k');
    expect((await call('shell', { command: 'true' })).isError).toBe(false);
    expect((await call('shell', { command: 'rm keep.txt' })).output).toBe('the user declined this shell call');
    expect(questions.map((question) => question.subject)).toEqual(['rm keep.txt']);
    expect(existsSync(join(workspace, 'keep.txt'))).toBe(true);
  });

  it('a deny rule also catches its command chained after an innocent one', async () => {
    const { call, workspace } = tools({ mode: 'auto', deny: ['shell(rm *)'] });
    writeFileSync(join(workspace, 'keep.txt'), 'k');
    for (const command of ['true && rm keep.txt', 'true; rm keep.txt', 'echo x | rm keep.txt', 'true || rm keep.txt']) {
      expect((await call('shell', { command })).output).toBe('shell refused by the rule deny = "shell(rm *)"');
    }
    expect(existsSync(join(workspace, 'keep.txt'))).toBe(true);
  });

  it('an allow rule for a command does not cover another command chained after it', async () => {
    const { call, questions, workspace } = tools({ mode: 'ask', allow: ['shell(echo *)'], answers: ['no', 'no'] });
    expect((await call('shell', { command: 'echo a && touch pwned' })).isError).toBe(true);
    expect((await call('shell', { command: 'echo `touch pwned`' })).isError).toBe(true);
    expect(questions).toHaveLength(2);
    expect(existsSync(join(workspace, 'pwned'))).toBe(false);
  });

  it('every part of a chain allowed: no question', async () => {
    const { call, questions } = tools({ mode: 'ask', allow: ['shell(echo *)', 'shell(true)'], answers: [] });
    expect((await call('shell', { command: 'echo a && true; echo "b; c"' })).output).toMatch(/^a\nb; c\n/);
    expect(questions).toEqual([]);
  });
});

describe('a file rule sees the path the tool will touch, however the model spells it', () => {
  it.each(['secrets/key.txt', './secrets/key.txt', 'src/../secrets/key.txt', 'WORKSPACE/secrets/key.txt', 'door/key.txt'])('deny = ["read(secrets/**)"] refuses %s', async (spelled) => {
    const { call, workspace } = tools({ mode: 'auto', deny: ['read(secrets/**)'] });
    mkdirSync(join(workspace, 'secrets'));
    writeFileSync(join(workspace, 'secrets', 'key.txt'), 'hunter2\n');
    const { symlinkSync } = await import('node:fs');
    symlinkSync(join(workspace, 'secrets'), join(workspace, 'door'));
    const result = await call('read', { path: spelled.replace('WORKSPACE', workspace) });
    expect(result).toEqual({ output: 'read refused by the rule deny = "read(secrets/**)"', isError: true, summary: 'read → refused' });
  });

  it('"always for src/" does not cover src/../README.md', async () => {
    const { call, questions, file } = tools({ mode: 'ask', answers: ['always-prefix', 'no'] });
    await call('write', { path: 'src/b.ts', content: 'b\n' });
    await call('write', { path: 'src/../README.md', content: 'r\n' });
    expect(questions).toHaveLength(2);
    expect(questions[1]).toMatchObject({ subject: 'README.md' });
    expect(file('README.md')).toBeUndefined();
  });
});

describe('non-interactive ask mode refuses what it would have asked, and says so', () => {
  it('to the model (each call) and on stderr (once)', async () => {
    const { call, refusedLines, file } = tools({ mode: 'ask' });
    const first = await call('write', { path: 'x.txt', content: 'x' });
    const second = await call('shell', { command: 'true' });
    expect(first.isError).toBe(true);
    expect(first.output).toBe('write needs permission and nobody can be asked (not a terminal, mode ask); refused. Run with --mode auto, or allow it with [tools] allow = ["write(...)"]');
    expect(second.output).toContain('shell needs permission and nobody can be asked');
    expect(refusedLines).toEqual([first.output]);
    expect(file('x.txt')).toBeUndefined();
  });

  it('allowed calls still run, reads too', async () => {
    const { call, refusedLines, file } = tools({ mode: 'ask', allow: ['write(notes/**)'] });
    expect((await call('write', { path: 'notes/today.md', content: 'n\n' })).isError).toBe(false);
    expect(file('notes/today.md')).toBe('n\n');
    expect((await call('read', { path: 'src/a.ts' })).isError).toBe(false);
    expect(refusedLines).toEqual([]);
  });
});

function terminal(answers: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString('utf8')));
  input.end(answers);
  return { terminal: { input, output }, shown: () => shown };
}

describe('the ask question on the terminal', () => {
  const question: PermissionQuestion = { tool: 'shell', source: 'builtin', subject: 'npm test -- --watch', preview: '$ npm test -- --watch', prefix: 'npm test' };

  it.each([
    ['y\n', 'yes'],
    ['n\n', 'no'],
    ['\n', 'no'],
    ['p\n', 'always-prefix'],
    ['a\n', 'always-tool'],
    ['maybe\nY\n', 'yes'],
    ['', 'no'],
  ])('answer %j is %s', async (typed, expected) => {
    const { terminal: streams, shown } = terminal(typed);
    expect(await askToolPermission(streams, question)).toBe(expected);
    expect(shown()).toContain('shell wants to run:\n$ npm test -- --watch\n');
    expect(shown()).toContain('p = always allow commands starting with "npm test" in this run');
    if (typed.startsWith('maybe')) expect(shown()).toContain('Please answer y, n, p or a.');
  });

  it('a write shows the diff and offers the folder', async () => {
    const { terminal: streams, shown } = terminal('y\n');
    await askToolPermission(streams, { tool: 'edit', source: 'builtin', subject: 'src/a.ts', preview: '-old\n+new', prefix: 'src/' });
    expect(shown()).toContain('edit wants to run:\n-old\n+new\n');
    expect(shown()).toContain('p = always allow edit under src/ in this run');
  });

  it('drives the registry: the diff is shown, "y" writes', async () => {
    const { workspace } = tools({ mode: 'ask' });
    const { terminal: streams, shown } = terminal('y\n');
    const registry = createToolRegistry({
      builtins: createBuiltinTools({
        changes: new ChangeTracker(workspace),
        runner: createCommandRunner({ workspace, sandbox: { sandboxed: false, reason: 'test' }, network: false }),
        shellTimeoutMs: 10_000,
        outputLimit: 30_000,
        home: join(workspace, '.home'),
      }),
      mode: 'ask',
      rules: parsePermissionRules({}),
      workspace,
      ask: (asked) => askToolPermission(streams, asked),
    });
    const result = await registry.run({ type: 'tool-call', toolCallId: 'c', toolName: 'edit', input: { path: 'src/a.ts', old_string: '= 1', new_string: '= 42' } });
    expect(result.isError).toBe(false);
    expect(shown()).toContain('-export const a = 1;\n+export const a = 42;');
    expect(readFileSync(join(workspace, 'src', 'a.ts'), 'utf8')).toBe('export const a = 42;\n');
  });
});
