import type { z } from 'zod';
import type { Message } from '../model/message.js';
import type { Role } from '../model/role.js';
import type { ModelGateway, RoleCallOptions } from '../routing/model-gateway.js';
import { extractJsonObject } from './extract-json.js';

/** Why a reply could not be used: it held no JSON object, or one of the wrong shape. */
export type JsonProblem = 'no-json' | 'wrong-shape';

export type JsonReply<Value> = { ok: true; value: Value } | { ok: false; problem: JsonProblem };

/**
 * Asks a role for one JSON object and checks it against a schema. Models reply in prose and
 * fences and sometimes not at all as asked: an unusable reply is a value to handle (each caller
 * has its own fallback), never a thrown error.
 */
export async function askForJson<Value>(
  gateway: ModelGateway,
  role: Role,
  messages: Message[],
  schema: z.ZodType<Value>,
  options: RoleCallOptions,
): Promise<JsonReply<Value>> {
  // The task id keys the vendor's prompt cache, so a task's repeated calls share their prefix.
  // The role's own settings from [models.options.<role>] (temperature, output limit, reasoning).
  const settings = options.roleSettings?.[role] ?? {};
  const response = await gateway.chat(role, { messages, ...settings, ...(options.taskId ? { promptCacheKey: options.taskId } : {}) }, options);
  const json = extractJsonObject(response.text);
  if (json === undefined) return { ok: false, problem: 'no-json' };
  const parsed = schema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: 'wrong-shape' };
}
