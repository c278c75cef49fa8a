// Built-in tools declare their arguments once, as a zod schema: the JSON Schema offered to the
// model is generated from it (stable, so the cached prefix stays byte-identical) and the same
// schema checks every call, so bad arguments come back to the model as a tool error naming the problem.
import { z } from 'zod';
import type { Tool, ToolContext, ToolResult } from './tool.js';
import { ToolInputError } from './tool-input-error.js';

export interface BuiltinToolSpec<S extends z.ZodObject> {
  name: string;
  description: string;
  readOnly: boolean;
  schema: S;
  ruleSubject?(args: z.infer<S>, workspace: string): string | undefined;
  run(args: z.infer<S>, context: ToolContext): Promise<ToolResult> | ToolResult;
  /** See Tool.preview. */
  preview?(args: z.infer<S>, context: ToolContext): string;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'arguments'}: ${issue.message}`).join('; ');
}

export function defineTool<S extends z.ZodObject>(spec: BuiltinToolSpec<S>): Tool {
  // The JSON Schema is generated when a request first offers the tool, not when its module is
  // evaluated: every run imports all seven built-in tools, and read mode offers four of them.
  let inputSchema: Record<string, unknown> | undefined;
  const jsonSchema = (): Record<string, unknown> => {
    if (!inputSchema) {
      inputSchema = z.toJSONSchema(spec.schema) as Record<string, unknown>;
      delete inputSchema.$schema;
    }
    return inputSchema;
  };
  const parse = (args: Record<string, unknown>): z.infer<S> => {
    const parsed = spec.schema.safeParse(args);
    if (!parsed.success) throw new ToolInputError(`invalid arguments for ${spec.name}: ${describeIssues(parsed.error)}`);
    return parsed.data;
  };
  return {
    definition: {
      name: spec.name,
      description: spec.description,
      get inputSchema() {
        return jsonSchema();
      },
    },
    readOnly: spec.readOnly,
    source: 'builtin',
    ...(spec.ruleSubject
      ? {
          ruleSubject: (args: Record<string, unknown>, workspace: string) => {
            const parsed = spec.schema.safeParse(args);
            return parsed.success ? spec.ruleSubject!(parsed.data, workspace) : undefined;
          },
        }
      : {}),
    ...(spec.preview ? { preview: async (args: Record<string, unknown>, context: ToolContext) => spec.preview!(parse(args), context) } : {}),
    async run(args, context) {
      try {
        return await spec.run(parse(args), context);
      } catch (error) {
        if (error instanceof ToolInputError) return { output: `${spec.name}: ${error.message}`, isError: true };
        const code = (error as NodeJS.ErrnoException).code;
        if (code) return { output: `${spec.name}: ${(error as Error).message}`, isError: true };
        throw error;
      }
    },
  };
}
