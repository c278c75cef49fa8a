// Turns the two places MCP servers are declared into McpServerSpecs: the user's `[[plugins.mcp]]`
// and a trusted workspace's `./.mcp.json` (the `mcpServers` shape Claude Code reads). Bad entries
// become problems (warnings naming the server), never a failed run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { McpServerConfig } from '../../config/config-schema.js';
import { VariableExpander } from './expand-variables.js';
import type { McpServerSpec } from './mcp-server-spec.js';

export interface McpServerSpecs {
  specs: McpServerSpec[];
  /** One line each: what was skipped and why. */
  problems: string[];
}

/** The file name Claude Code (and now openkoi) reads at the workspace root. */
export const MCP_JSON = '.mcp.json';

// Claude Code's entries carry more than openkoi uses; unknown keys are allowed, not errors.
const mcpJsonEntrySchema = z.looseObject({
  type: z.enum(['stdio', 'http', 'sse']).optional(),
  command: z.string().min(1).optional(),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  url: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});
const mcpJsonSchema = z.looseObject({ mcpServers: z.record(z.string(), z.unknown()).optional() });

/** Tool names are `server__tool` and vendors accept only these characters in them. */
const SERVER_NAME = /^[A-Za-z0-9_-]{1,40}$/;

type Entry = Pick<McpServerConfig, 'command' | 'args' | 'env' | 'url' | 'headers'>;

function specOf(name: string, entry: Entry, origin: string, environment: NodeJS.ProcessEnv): McpServerSpec | string {
  const expand = new VariableExpander(environment);
  let spec: McpServerSpec;
  if (entry.command !== undefined) {
    spec = { name, origin, transport: { kind: 'stdio', command: expand.text(entry.command), args: expand.list(entry.args), env: expand.record(entry.env) } };
  } else if (entry.url !== undefined) {
    const url = expand.text(entry.url);
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) return `MCP server "${name}" (${origin}): "url" is not an http(s) URL`;
    spec = { name, origin, transport: { kind: 'http', url, headers: expand.record(entry.headers) } };
  } else {
    return `MCP server "${name}" (${origin}): neither "command" nor "url" is given`;
  }
  if (expand.missing.size > 0) return `MCP server "${name}" (${origin}) not started: ${[...expand.missing].map((variable) => `\${${variable}}`).join(', ')} is not set`;
  return spec;
}

/** The servers of `[[plugins.mcp]]` (already validated by the config schema). */
export function specsFromConfig(servers: readonly McpServerConfig[] | undefined, environment: NodeJS.ProcessEnv): McpServerSpecs {
  const result: McpServerSpecs = { specs: [], problems: [] };
  for (const server of servers ?? []) {
    const spec = specOf(server.name, server, 'config', environment);
    if (typeof spec === 'string') result.problems.push(spec);
    else result.specs.push(spec);
  }
  return result;
}

/**
 * The servers of `<workspace>/.mcp.json`. The caller reads it only for a trusted workspace: each
 * entry is a program the repository chose.
 */
export function specsFromMcpJson(workspace: string, environment: NodeJS.ProcessEnv): McpServerSpecs {
  const result: McpServerSpecs = { specs: [], problems: [] };
  const path = join(workspace, MCP_JSON);
  if (!existsSync(path)) return result;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    result.problems.push(`${path} is not valid JSON (${error instanceof Error ? error.message : String(error)}); its MCP servers are not started`);
    return result;
  }
  const file = mcpJsonSchema.safeParse(data);
  if (!file.success) {
    result.problems.push(`${path} should hold {"mcpServers": {"name": {"command": ...}}}; its MCP servers are not started`);
    return result;
  }
  for (const [name, raw] of Object.entries(file.data.mcpServers ?? {})) {
    if (!SERVER_NAME.test(name)) {
      result.problems.push(`MCP server "${name}" (${path}): a name may hold only letters, digits, "_" and "-" (at most 40)`);
      continue;
    }
    const entry = mcpJsonEntrySchema.safeParse(raw);
    if (!entry.success) {
      result.problems.push(`MCP server "${name}" (${path}): ${entry.error.issues.map((issue) => `${issue.path.join('.') || 'entry'}: ${issue.message}`).join('; ')}`);
      continue;
    }
    if (entry.data.type === 'sse') {
      result.problems.push(`MCP server "${name}" (${path}): the deprecated SSE transport is not supported; use "type": "http" (Streamable HTTP)`);
      continue;
    }
    const { type, ...fields } = entry.data;
    // "type": "http" without a command is the remote form; a command means stdio whatever the type says.
    const spec = specOf(name, type === 'http' ? { ...fields, command: undefined } : fields, path, environment);
    if (typeof spec === 'string') result.problems.push(spec);
    else result.specs.push(spec);
  }
  return result;
}

/** Both sources; on a name clash the user's own config wins and the project's entry is reported. */
export function mergeServerSpecs(user: McpServerSpecs, project: McpServerSpecs): McpServerSpecs {
  const names = new Set(user.specs.map((spec) => spec.name));
  const problems = [...user.problems, ...project.problems];
  const specs = [...user.specs];
  for (const spec of project.specs) {
    if (names.has(spec.name)) problems.push(`MCP server "${spec.name}" of ${spec.origin} is not started: [[plugins.mcp]] in your config defines one with that name`);
    else specs.push(spec);
  }
  return { specs, problems };
}
