import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSkillFile, SkillFileError } from './parse-skill-file.js';
import type { Skill } from './skill.js';

/** The bundled skills/ folder at the package root (dist/ and src/ both sit one level below it). */
export function bundledSkillsDirectory(): string {
  let directory = fileURLToPath(new URL('.', import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    const candidate = join(directory, 'skills');
    if (existsSync(join(candidate, 'SOUL.md'))) return candidate;
    directory = join(directory, '..');
  }
  throw new Error('openkoi installation is incomplete: the bundled skills/ folder is missing.');
}

export interface SkillSources {
  bundled: string;
  user: string;
  project: string;
}

export function skillSources(openkoiHome: string, workspace: string): SkillSources {
  return { bundled: bundledSkillsDirectory(), user: join(openkoiHome, 'skills'), project: join(workspace, '.openkoi', 'skills') };
}

export interface LoadedSkills {
  skills: Map<string, Skill>;
  /** Files that could not be used, with why; shown as warnings, never fatal. */
  problems: string[];
}

/**
 * Bundled, then user, then project skills; a later one of the same name replaces an earlier one.
 * The YAML parser is a sizeable module (~15 ms to load): it is imported here, on the runs that
 * read skills, not by every run (`-i 0` reads none).
 */
export async function loadSkills(sources: SkillSources): Promise<LoadedSkills> {
  const yaml = await import('yaml');
  // Bundled, the CommonJS package arrives as a default export only; Node's own loader also names it.
  const parseYaml = (yaml.default ?? yaml).parse;
  const skills = new Map<string, Skill>();
  const problems: string[] = [];
  for (const directory of [sources.bundled, sources.user, sources.project]) {
    if (!existsSync(directory)) continue;
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const path = join(directory, entry.name, 'SKILL.md');
      if (!existsSync(path)) continue;
      try {
        const skill = parseSkillFile(readFileSync(path, 'utf8'), path, parseYaml);
        skills.set(skill.name, skill);
      } catch (error) {
        if (!(error instanceof SkillFileError)) throw error;
        problems.push(error.message);
      }
    }
  }
  return { skills, problems };
}

/** SOUL.md opens the system prompt: the project's, else the user's, else the bundled one. */
export function loadSoul(sources: SkillSources): string {
  for (const path of [join(sources.project, '..', 'SOUL.md'), join(sources.user, '..', 'SOUL.md'), join(sources.bundled, 'SOUL.md')]) {
    if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  }
  return '';
}
