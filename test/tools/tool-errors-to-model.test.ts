// An unknown tool, arguments that fail a tool's schema, arguments that are not JSON: each goes back
// to the model as a tool error naming the tool and the problem — the loop goes on, nothing crashes.
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBuiltinTools } from '../../src/tools/builtin-tools.js';
import { ChangeTracker } from '../../src/tools/change-tracker.js';
import { createCommandRunner } from '../../src/tools/shell/command-runner.js';
import { createToolRegistry } from '../../src/tools/tool-registry.js';
import { parsePermissionRules } from '../../src/tools/permission-rules.js';
import type { PermissionMode } from '../../src/tools/permission-mode.js';
import { runLoop } from '../engine/engine-harness.js';
import { FakeServer } from '../fakes/fake-server.js';
import { openaiRoutes } from '../fakes/openai-routes.js';
import { temporaryDirectories } from '../temporary-directories.js';

const makeDirectory = temporaryDirectories('openkoi-tool-errors-');
let fake: FakeServer;
beforeAll(async () => {
  fake = await new FakeServer(openaiRoutes).start();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

function registry(mode: PermissionMode) {
  const workspace = realpathSync(makeDirectory());
  mkdirSync(join(workspace, 'home'));
  writeFileSync(join(workspace, 'notes.txt'), 'the notes\n');
  const changes = new ChangeTracker(workspace);
  const builtins = createBuiltinTools({
    changes,
    runner: createCommandRunner({ workspace, sandbox: { sandboxed: false, reason: 'test' }, network: false }),
    shellTimeoutMs: 10_000,
    outputLimit: 30_000,
    home: join(workspace, 'home'),
  });
  const progress: string[] = [];
  return { workspace, progress, tools: createToolRegistry({ builtins, mode, rules: parsePermissionRules({}), workspace, onProgress: (line) => progress.push(line) }) };
}

/** The tool message the model got back for `callId`. */
function toolReply(callId: string): { content: string } | undefined {
  for (const request of fake.requestsTo('openai.chat')) {
    const found = request.body.messages.find((message: { role: string; tool_call_id?: string }) => message.role === 'tool' && message.tool_call_id === callId);
    if (found) return found;
  }
  return undefined;
}

describe('a bad tool call goes back to the model as a tool error naming the tool and the problem', () => {
  it('an unknown tool name: the error names it and lists the tools there are; the model answers next', async () => {
    const { tools, progress } = registry('read');
    fake.script('openai.chat', { toolCalls: [{ id: 'call_x', name: 'delete_everything', arguments: { path: '/' } }] }, { text: 'sorry' });
    const { result } = await runLoop(fake, 'do it', { tools, settings: { maxIterations: 0 } });
    expect(result.answer).toBe('sorry');
    expect(toolReply('call_x')?.content).toBe('Error: unknown tool "delete_everything". Available tools: glob, grep, list, read.');
    expect(progress).toContain('delete_everything → refused (unknown tool)');
  });

  it('arguments that fail the schema: a missing field and an unknown one, each named', async () => {
    const { tools } = registry('read');
    fake.script(
      'openai.chat',
      { toolCalls: [{ id: 'call_1', name: 'read', arguments: { file: 'notes.txt' } }] },
      { toolCalls: [{ id: 'call_2', name: 'read', arguments: { path: 'notes.txt', offset: 'first' } }] },
      { toolCalls: [{ id: 'call_3', name: 'read', arguments: { path: 'notes.txt' } }] },
      { text: 'read it at last' },
    );
    const { result } = await runLoop(fake, 'read the notes', { tools, settings: { maxIterations: 0 } });
    expect(result.answer).toBe('read it at last');
    const first = toolReply('call_1')!.content;
    expect(first).toMatch(/^Error: read: invalid arguments for read: /);
    expect(first).toContain('path:');
    expect(first).toContain('file');
    expect(toolReply('call_2')!.content).toMatch(/^Error: read: invalid arguments for read: offset: /);
    expect(toolReply('call_3')!.content).toBe('    1\tthe notes');
  });

  it('arguments that are not JSON at all: a tool error naming the tool, not a crash', async () => {
    const { tools } = registry('auto');
    fake.script('openai.chat', { toolCalls: [{ id: 'call_bad', name: 'write', arguments: '{"path": "a.txt", "content": ' }] }, { text: 'gave up' });
    const { result } = await runLoop(fake, 'write', { tools, settings: { maxIterations: 0 } });
    expect(result.answer).toBe('gave up');
    const reply = toolReply('call_bad')?.content ?? '';
    expect(reply).toBe("Error: write: the arguments must be a JSON object matching the tool's schema (got text that is not valid JSON).");
  });

  it('a write tool called in read mode is refused by name, not run', async () => {
    const { tools, workspace } = registry('read');
    fake.script('openai.chat', { toolCalls: [{ id: 'call_w', name: 'write', arguments: { path: 'notes.txt', content: 'gone' } }] }, { text: 'ok' });
    await runLoop(fake, 'write', { tools, settings: { maxIterations: 0 } });
    expect(toolReply('call_w')?.content).toBe('Error: tool "write" is not available in read mode. Available tools: glob, grep, list, read.');
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(workspace, 'notes.txt'), 'utf8')).toBe('the notes\n');
  });
});
