import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseSkillFile, SkillFileError } from '../../src/engine/skills/parse-skill-file.js';
import { bundledSkillsDirectory, loadSkills, loadSoul, type SkillSources } from '../../src/engine/skills/load-skills.js';
import { temporaryDirectories } from '../temporary-directories.js';

const makeDirectory = temporaryDirectories('openkoi-skills-');

let sources: SkillSources;

function writeSkill(directory: string, name: string, text: string): string {
  mkdirSync(join(directory, name), { recursive: true });
  const path = join(directory, name, 'SKILL.md');
  writeFileSync(path, text);
  return path;
}

const evaluatorSkill = (name: string, description: string) => `---
name: ${name}
kind: evaluator
description: ${description}
rubric:
  - dimension: accuracy
    weight: 1
    description: Right.
---
Judge it.
`;

beforeEach(() => {
  const root = makeDirectory();
  sources = { bundled: bundledSkillsDirectory(), user: join(root, 'home', 'skills'), project: join(root, 'project', '.openkoi', 'skills') };
});

describe('bundled skills ship with openkoi', () => {
  it('general, code-review and prose evaluators with weighted rubrics', async () => {
    const { skills, problems } = (await loadSkills(sources));
    expect(problems).toEqual([]);
    for (const name of ['general', 'code-review', 'prose']) {
      const skill = skills.get(name);
      expect(skill?.kind).toBe('evaluator');
      expect(skill?.rubric.length).toBeGreaterThan(1);
      expect(skill?.rubric.reduce((sum, dimension) => sum + dimension.weight, 0)).toBeCloseTo(1);
    }
  });
});

describe('user and project skills override bundled ones of the same name', () => {
  it('user beats bundled; project beats user', async () => {
    writeSkill(sources.user, 'general', evaluatorSkill('general', 'the user version'));
    expect((await loadSkills(sources)).skills.get('general')?.description).toBe('the user version');
    writeSkill(sources.project, 'general', evaluatorSkill('general', 'the project version'));
    const general = (await loadSkills(sources)).skills.get('general');
    expect(general?.description).toBe('the project version');
    expect(general?.rubric).toEqual([{ dimension: 'accuracy', weight: 1, description: 'Right.' }]);
    expect(general?.body).toBe('Judge it.');
  });

  it('a new skill joins the bundled ones', async () => {
    writeSkill(sources.project, 'security', evaluatorSkill('security', 'security review'));
    expect([...(await loadSkills(sources)).skills.keys()]).toEqual(expect.arrayContaining(['general', 'code-review', 'prose', 'security']));
  });

  it('a broken skill file is skipped with a reason that names it; the rest load', async () => {
    const path = writeSkill(sources.user, 'broken', '---\nname: broken\nkind: judge\n---\n');
    const { skills, problems } = (await loadSkills(sources));
    expect(skills.has('general')).toBe(true);
    expect(skills.has('broken')).toBe(false);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(path);
    expect(problems[0]).toContain('kind');
  });
});

describe('SKILL.md front matter is validated', () => {
  it('requires front matter', () => {
    expect(() => parseSkillFile('just text', '/x/SKILL.md', parseYaml)).toThrow(SkillFileError);
  });
  it('reports invalid YAML', () => {
    expect(() => parseSkillFile('---\nname: [unclosed\n---\nbody', '/x/SKILL.md', parseYaml)).toThrow(/not valid YAML/);
  });
  it('an evaluator needs a rubric', () => {
    expect(() => parseSkillFile('---\nname: e\nkind: evaluator\ndescription: d\n---\n', '/x/SKILL.md', parseYaml)).toThrow(/needs a rubric/);
  });
  it('a task skill needs none', () => {
    expect(parseSkillFile('---\nname: t\nkind: task\ndescription: d\n---\nDo it.', '/x/SKILL.md', parseYaml)).toMatchObject({ name: 't', kind: 'task', rubric: [], body: 'Do it.' });
  });
});

describe('SOUL.md opens the system prompt: project, then user, then bundled', () => {
  it('falls back to the bundled soul', () => {
    expect(loadSoul(sources)).toMatch(/^You are openkoi/);
  });
  it('the user soul beats the bundled one, the project soul beats both', () => {
    mkdirSync(join(sources.user, '..'), { recursive: true });
    writeFileSync(join(sources.user, '..', 'SOUL.md'), 'User soul.');
    expect(loadSoul(sources)).toBe('User soul.');
    mkdirSync(join(sources.project, '..'), { recursive: true });
    writeFileSync(join(sources.project, '..', 'SOUL.md'), 'Project soul.');
    expect(loadSoul(sources)).toBe('Project soul.');
  });
});
