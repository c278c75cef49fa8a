import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadProjectInstructions, MAX_PROJECT_INSTRUCTIONS_BYTES, projectInstructionsSection } from '../../src/engine/project-instructions.js';
import { bundledSkillsDirectory, loadSoul } from '../../src/engine/skills/load-skills.js';
import type { Skill } from '../../src/engine/skills/skill.js';
import { anthropicRoutes } from '../fakes/anthropic-routes.js';
import { FakeServer } from '../fakes/fake-server.js';
import { openaiRoutes } from '../fakes/openai-routes.js';
import { judgeReply, runLoop } from './engine-harness.js';

let fake: FakeServer;
beforeAll(async () => {
  fake = await new FakeServer([...openaiRoutes, ...anthropicRoutes]).start();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

describe('AGENTS.md / CLAUDE.md', () => {
  it('reads AGENTS.md first, CLAUDE.md when there is none, and cuts a huge file with a note', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'openkoi-agents-'));
    try {
      expect(loadProjectInstructions(workspace)).toBeUndefined();
      writeFileSync(join(workspace, 'CLAUDE.md'), 'Use tabs.\n');
      expect(loadProjectInstructions(workspace)).toEqual({ file: 'CLAUDE.md', text: 'Use tabs.', truncated: false });
      writeFileSync(join(workspace, 'AGENTS.md'), 'Run `make check` before you finish.\n');
      expect(loadProjectInstructions(workspace)?.file).toBe('AGENTS.md');
      writeFileSync(join(workspace, 'AGENTS.md'), 'y'.repeat(MAX_PROJECT_INSTRUCTIONS_BYTES + 10));
      const huge = loadProjectInstructions(workspace)!;
      expect(huge.text.length).toBe(MAX_PROJECT_INSTRUCTIONS_BYTES);
      expect(projectInstructionsSection(huge)).toMatch(/AGENTS\.md is longer than 32 KiB; the rest was not read/);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  it("go into the executor's system prompt after SOUL.md, byte-identical across iterations (the cached prefix)", async () => {
    const section = projectInstructionsSection({ file: 'AGENTS.md', text: 'Run `make check` before you finish.', truncated: false });
    fake.script('openai.chat', { text: JSON.stringify({ steps: ['one'], evaluator: 'general' }) }, judgeReply(0.5, [{ severity: 'important', message: 'Thin' }]));
    fake.script('openai.chat', { text: JSON.stringify({ steps: ['two'], evaluator: 'general' }) }, judgeReply(0.9));
    fake.script('anthropic.messages', { text: 'first draft' }, { text: 'second draft' });
    const { result } = await runLoop(fake, 'Write the release notes', { projectInstructions: section, roles: { executor: { provider: 'anthropic', model: 'claude-sonnet-4-6' } } });
    expect(result.decision).toBe('accepted');
    const [first, second] = fake.requestsTo('anthropic.messages').map((request) => request.body);
    const system = first.system.map((block: { text: string }) => block.text).join('');
    const soul = loadSoul({ bundled: bundledSkillsDirectory(), user: '/nonexistent', project: '/nonexistent' });
    expect(system.startsWith(soul)).toBe(true);
    expect(system.indexOf('Run `make check` before you finish.')).toBeGreaterThan(soul.length);
    expect(JSON.stringify({ tools: second.tools ?? null, system: second.system })).toBe(JSON.stringify({ tools: first.tools ?? null, system: first.system }));
  });
});

const skill = (name: string, body: string): Skill => ({ name, kind: 'task', description: `How to do ${name}`, rubric: [], body, path: `/skills/${name}/SKILL.md` });

describe('task skills', () => {
  it('the planner is offered them by name; the ones it picks reach the executor, names it made up are dropped', async () => {
    const taskSkills = [skill('release-notes', 'Group changes by Added / Fixed / Removed.'), skill('sql', 'Never DROP a table.')];
    fake.script(
      'openai.chat',
      { text: JSON.stringify({ steps: ['draft'], evaluator: 'general', skills: ['release-notes', 'made-up'] }) },
      { text: 'draft 1' },
      judgeReply(0.5, [{ severity: 'important', message: 'Thin' }]),
      { text: JSON.stringify({ steps: ['redraft'], evaluator: 'general' }) },
      { text: 'draft 2' },
      judgeReply(0.9),
    );
    const { result, progress } = await runLoop(fake, 'Write the release notes', { taskSkills });
    expect(result.decision).toBe('accepted');
    const requests = fake.requestsTo('openai.chat').map((request) => request.body.messages);
    const plannerSystem = requests[0]![0].content as string;
    expect(plannerSystem).toContain('- release-notes: How to do release-notes');
    expect(plannerSystem).toContain('- sql: How to do sql');
    expect(result.iterations[0]!.plan!.skills).toEqual(['release-notes']);
    const firstExecutor = requests[1]!.at(-1).content as string;
    expect(firstExecutor).toContain('Skill "release-notes" (follow it for this task):\nGroup changes by Added / Fixed / Removed.');
    expect(firstExecutor).not.toContain('Never DROP');
    // Iteration 2 chose none: the executor gets no skill text.
    expect(requests[4]!.at(-1).content).not.toContain('Skill "');
    expect(progress.some((line) => line.endsWith('1 step, evaluator general, skill release-notes'))).toBe(true);
  });

  it('without task skills the planner prompt does not mention them', async () => {
    fake.script('openai.chat', { text: JSON.stringify({ steps: ['a'], evaluator: 'general' }) }, { text: 'out' }, judgeReply(0.9));
    await runLoop(fake, 'task');
    expect(fake.requestsTo('openai.chat')[0]!.body.messages[0].content).not.toMatch(/Task skills/);
  });
});
