import { z } from 'zod';
import { suggestModelRef } from '../model/model-ref.js';
import { ROLES } from '../model/role.js';
import { registerFlagLayerSchema } from './config-schema-registry.js';

// The sections of the config that command-line flags can set (models, providers, engine, output,
// evaluator, memory), apart from the rest of the config schema: a run validates its flags before
// anything is sent, and building every other section (routing, pricing, plugins, tools, gateway,
// auth) for that costs several milliseconds of every run's start. config-schema.ts builds the
// whole schema from these same section schemas, so a flag is judged exactly as in a config file.

export const modelRefString = z.string().superRefine((value, context) => {
  if (/^[^/\s]+\/\S+$/.test(value.trim())) return;
  const suggestion = suggestModelRef(value);
  context.addIssue({
    code: 'custom',
    message: `expected a model reference "provider/model"${suggestion ? ` — did you mean "${suggestion}"?` : ''}`,
  });
});

/** One optional entry per role: `executor = ...` in [models], a list of them in [models.fallback]. */
function perRole<T extends z.ZodType>(value: T) {
  return z.object(Object.fromEntries(ROLES.map((role) => [role, value.optional()])) as Record<(typeof ROLES)[number], z.ZodOptional<T>>).strict();
}

const rolesSchema = perRole(modelRefString);

// `[models.options."provider/model"]` or `[models.options.<role>]`: request settings a user sets
// per model or per role (a model's win over its role's).
const modelOptionsSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    max_output_tokens: z.number().int().positive().optional(),
    reasoning_effort: z.enum(['minimal', 'low', 'medium', 'high']).optional(),
    thinking_budget: z.number().int().min(1024, 'at least 1024 tokens (the vendors\' minimum)').optional(),
  })
  .strict();

const modelOptionsKey = z.string().refine((key) => (ROLES as readonly string[]).includes(key) || /^[^/\s]+\/\S+$/.test(key), {
  message: `a role (${ROLES.join(', ')}) or a model reference "provider/model"`,
});

export const modelsSchema = rolesSchema
  .extend({
    fallback: perRole(z.array(modelRefString)).optional(),
    options: z.record(modelOptionsKey, modelOptionsSchema).optional(),
  })
  .strict();

export const providerSchema = z
  .object({
    // http(s) only: `localhost:11434/v1` parses as a URL of scheme "localhost" and would fail later.
    // No user name, password or query: fetch refuses the first and the SDKs append paths after the
    // second, so either only fails later, as a network error that cools the model down.
    base_url: z
      .url({ protocol: /^https?$/, error: 'an http or https URL such as "https://api.example.com/v1"' })
      .refine((value) => !/^[a-z]+:\/\/[^/?#]*@/i.test(value) && !value.includes('?'), 'expected a URL without a user name, password or query (a key goes in the variable api_key_env names)')
      .optional(),
    api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
    default_model: z.string().min(1).optional(),
    models: z.array(z.string().min(1)).optional(),
  })
  .strict();

export const engineSchema = z
  .object({
    quality: z.number().min(0).max(1).optional(),
    iterations: z.number().int().min(0).max(50).optional(),
    max_tokens: z.number().int().positive().optional(),
    max_cost_usd: z.number().positive().optional(),
    max_duration_s: z.number().positive().optional(),
    regression_threshold: z.number().min(0).max(1).optional(),
    min_improvement: z.number().min(0).max(1).optional(),
    max_tool_rounds: z.number().int().min(1).max(200).optional(),
  })
  .strict();

export const outputSchema = z
  .object({
    stream: z.boolean().optional(),
  })
  .strict();

// [evaluator]: the checks run after each execution (engine/checks/). Commands given here run in
// any workspace: they are the user's own; commands detected from the workspace's files run only
// in a trusted one.
export const evaluatorSchema = z
  .object({
    test_command: z.string().min(1).optional(),
    lint_command: z.string().min(1).optional(),
    /** false (or --no-checks): no test or lint run, the judge alone scores. */
    checks: z.boolean().optional(),
  })
  .strict();
// Semantic memory (issue 11): recall before planning, learnings after each task.
export const memorySchema = z
  .object({
    enabled: z.boolean().optional(),
    recall_tokens: z.number().int().min(0).max(100_000).optional(),
  })
  .strict();

export type MemoryConfig = z.infer<typeof memorySchema>;

export const providersSchema = z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'a lower-case provider id'), providerSchema);

/**
 * The config's top level with only the sections flags set. For a layer whose keys are all among
 * them it accepts, refuses and reports exactly what the whole schema does: strict at the top like
 * it, the same schema for every section, the sections in the same order.
 */
export const flagLayerSchema = z
  .object({
    models: modelsSchema.optional(),
    providers: providersSchema.optional(),
    engine: engineSchema.optional(),
    output: outputSchema.optional(),
    evaluator: evaluatorSchema.optional(),
    memory: memorySchema.optional(),
  })
  .strict();

registerFlagLayerSchema(flagLayerSchema);
