import { z } from 'zod';
import { ENGINE_DEFAULTS } from '../model/engine-defaults.js';
import { suggestModelRef } from '../model/model-ref.js';
import { ROLES } from '../model/role.js';

// The schema is strict everywhere: an unknown key is more often a typo than a wish,
// and a typo silently ignored is a setting the user believes in but does not have.

const modelRefString = z.string().superRefine((value, context) => {
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

const modelsSchema = rolesSchema
  .extend({
    fallback: perRole(z.array(modelRefString)).optional(),
  })
  .strict();

const providerSchema = z
  .object({
    base_url: z.string().url('a URL such as "https://api.example.com/v1"').optional(),
    api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
    default_model: z.string().min(1).optional(),
    models: z.array(z.string().min(1)).optional(),
  })
  .strict();

const engineSchema = z
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

// Retries, cooldowns and fallback (routing/retry-policy.ts turns these into a RetryPolicy).
const routingSchema = z
  .object({
    max_attempts: z.number().int().min(1).max(50).optional(),
    retry_budget: z.number().int().min(0).max(20).optional(),
    max_retry_wait_s: z.number().min(0).optional(),
    default_cooldown_s: z.number().min(0).optional(),
    max_all_cooling_wait_s: z.number().min(0).optional(),
    idle_timeout_s: z.number().positive().optional(),
    // Issue 14: one Retry-After of a day must not lock a model for a day.
    max_cooldown_s: z.number().positive().optional(),
  })
  .strict();

export type RoutingConfig = z.infer<typeof routingSchema>;

const outputSchema = z
  .object({
    stream: z.boolean().optional(),
  })
  .strict();

const priceSchema = z
  .object({
    input: z.number().min(0),
    output: z.number().min(0),
    cache_read: z.number().min(0).optional(),
    cache_write: z.number().min(0).optional(),
  })
  .strict();

// [auth.chatgpt] / [auth.github]: openkoi's own OAuth app for device sign-in (issue 12). A client
// id is not a secret; openkoi never borrows another client's (Codex CLI's, VS Code's).
const oauthClientSchema = z.object({ client_id: z.string().min(1).optional() }).strict();
const authSchema = z.object({ chatgpt: oauthClientSchema.optional(), github: oauthClientSchema.optional() }).strict();

export const configSchema = z
  .object({
    models: modelsSchema.optional(),
    providers: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'a lower-case provider id'), providerSchema).optional(),
    engine: engineSchema.optional(),
    output: outputSchema.optional(),
    routing: routingSchema.optional(),
    pricing: z.record(modelRefString, priceSchema).optional(),
    auth: authSchema.optional(),
  })
  .strict();

export type OpenkoiConfig = z.infer<typeof configSchema>;

export const DEFAULT_CONFIG = {
  engine: { ...ENGINE_DEFAULTS },
  output: { stream: true },
} satisfies OpenkoiConfig;
