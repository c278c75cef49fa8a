import { z } from 'zod';
import type { Skill } from './skill.js';

const frontMatterSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case name such as "code-review"'),
    kind: z.enum(['task', 'evaluator']),
    description: z.string().min(1),
    rubric: z
      .array(
        z
          .object({
            dimension: z.string().min(1),
            weight: z.number().positive(),
            description: z.string().default(''),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export class SkillFileError extends Error {
  override name = 'SkillFileError';
}

/** A YAML parser (`yaml`'s `parse`): handed in, so the library loads only when skills are read. */
export type ParseYaml = (text: string) => unknown;

/** Parses a SKILL.md: YAML front matter between `---` lines, then the instructions. */
export function parseSkillFile(text: string, path: string, parseYaml: ParseYaml): Skill {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) throw new SkillFileError(`${path}: a SKILL.md starts with YAML front matter between "---" lines.`);
  let data: unknown;
  try {
    data = parseYaml(match[1]!);
  } catch (error) {
    throw new SkillFileError(`${path}: the front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const result = frontMatterSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(front matter)'}: ${issue.message}`);
    throw new SkillFileError(`${path}: ${problems.join('; ')}`);
  }
  const skill = result.data;
  if (skill.kind === 'evaluator' && skill.rubric.length === 0) {
    throw new SkillFileError(`${path}: an evaluator skill needs a rubric (dimensions with weights).`);
  }
  return { ...skill, body: match[2]!.trim(), path };
}
