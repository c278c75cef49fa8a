import type { RequestContext } from "./gateway-server.js";
export async function handleResponses(_context: RequestContext): Promise<void> { throw new Error("todo"); }
