import { z } from 'zod';
import { registerConfigSchema } from './config-schema-registry.js';
import { engineSchema, evaluatorSchema, memorySchema, modelRefString, modelsSchema, outputSchema, providersSchema } from './flag-layer-schema.js';

// The schema is strict everywhere: an unknown key is more often a typo than a wish,
// and a typo silently ignored is a setting the user believes in but does not have.

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

const priceSchema = z
  .object({
    input: z.number().min(0),
    output: z.number().min(0),
    cache_read: z.number().min(0).optional(),
    cache_write: z.number().min(0).optional(),
  })
  .strict();

// [[plugins.mcp]]: MCP servers the user runs (tools/mcp/). A server is a program (`command`) or a
// Streamable HTTP endpoint (`url`), never both. `${VAR}` in command, args, env, url and headers is
// expanded from the environment when the server starts, so secrets stay out of the file.
const mcpServerSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, "_" or "-" (at most 40): it prefixes the tool names'),
    command: z.string().min(1).optional(),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    url: z.string().url('a URL such as "https://mcp.example.com/mcp"').optional(),
    headers: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .refine((server) => (server.command === undefined) !== (server.url === undefined), { message: 'give either "command" (a program) or "url" (Streamable HTTP), not both' });

const pluginsSchema = z
  .object({
    mcp: z
      .array(mcpServerSchema)
      .refine((servers) => new Set(servers.map((server) => server.name)).size === servers.length, { message: 'two MCP servers share a name' })
      .optional(),
    /** How long an MCP server may take to start and list its tools (a first `npx` run downloads). */
    mcp_startup_timeout_s: z.number().positive().max(600).optional(),
  })
  .strict();

export type McpServerConfig = z.infer<typeof mcpServerSchema>;

// [tools]: the executor's permission mode, rules and shell settings (src/tools/). Only a trusted
// workspace's project file may set them (untrusted-project-keys.ts does not list them).
const toolRule = z.string().regex(/^\s*[A-Za-z0-9_.:*-]+\s*(\(.*\))?\s*$/s, 'a rule such as "shell(npm test*)", "edit(src/**)" or "write"');
const toolsSchema = z
  .object({
    mode: z.enum(['read', 'ask', 'auto']).optional(),
    allow: z.array(toolRule).optional(),
    ask: z.array(toolRule).optional(),
    deny: z.array(toolRule).optional(),
    network: z.boolean().optional(),
    shell_timeout_s: z.number().positive().max(86_400).optional(),
    output_limit: z.number().int().min(1000).max(1_000_000).optional(),
  })
  .strict();

export type ToolsConfig = z.infer<typeof toolsSchema>;

// [gateway]: `openkoi serve` (src/gateway/). Aliases name a model, a role's chain or an explicit chain.
const aliasTarget = z.string().superRefine((value, context) => {
  if (/^role:[a-z]+$/.test(value) || /^[^/\s]+\/\S+$/.test(value.trim())) return;
  context.addIssue({ code: 'custom', message: 'expected "provider/model", "role:<role>" or a list of "provider/model"' });
});

const gatewaySchema = z
  .object({
    aliases: z.record(z.string().min(1), z.union([aliasTarget, z.array(modelRefString).min(1)])).optional(),
    allow_subscriptions: z.boolean().optional(),
    max_body_mb: z.number().positive().max(1024).optional(),
    max_streams_per_token: z.number().int().min(1).max(10_000).optional(),
    idle_timeout_s: z.number().positive().optional(),
  })
  .strict();

export type GatewayConfig = z.infer<typeof gatewaySchema>;
// [auth.chatgpt] / [auth.github]: openkoi's own OAuth app for device sign-in (issue 12). A client
// id is not a secret; openkoi never borrows another client's (Codex CLI's, VS Code's).
const oauthClientSchema = z.object({ client_id: z.string().min(1).optional() }).strict();
const authSchema = z.object({ chatgpt: oauthClientSchema.optional(), github: oauthClientSchema.optional() }).strict();

export const configSchema = z
  .object({
    models: modelsSchema.optional(),
    providers: providersSchema.optional(),
    engine: engineSchema.optional(),
    output: outputSchema.optional(),
    routing: routingSchema.optional(),
    pricing: z.record(modelRefString, priceSchema).optional(),
    plugins: pluginsSchema.optional(),
    evaluator: evaluatorSchema.optional(),
    tools: toolsSchema.optional(),
    gateway: gatewaySchema.optional(),
    memory: memorySchema.optional(),
    auth: authSchema.optional(),
  })
  .strict();

export type OpenkoiConfig = z.infer<typeof configSchema>;

export type { MemoryConfig } from './flag-layer-schema.js';
export { DEFAULT_CONFIG } from './default-config.js';

registerConfigSchema(configSchema);
