import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ScriptedReply } from './scripted-reply.js';

export interface RecordedRequest {
  /** The route family that answered (`openai.chat`, `anthropic.messages`, ...). */
  route: string;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or the raw text when it is not JSON. */
  body: any;
  receivedAt: number;
}

export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  body: any;
  rawBody: Buffer;
  /** The next scripted reply for this route family (a default reply when none is queued). */
  reply: ScriptedReply;
  server: FakeServer;
}

export interface RouteDefinition {
  /** Family name used for scripting and recording (`openai.chat`). */
  name: string;
  method: string;
  /** Matches the URL path (query excluded). */
  path: RegExp;
  /** Optional: declines a request its path matched, when vendors share a path (`GET /v1/models`). */
  accepts?(request: IncomingMessage): boolean;
  handle(context: RouteContext): Promise<void> | void;
}

/**
 * A real HTTP server on 127.0.0.1:0 speaking vendors' wire protocols, scripted per test.
 * Vendor route modules (openai-routes.ts, anthropic-routes.ts, ...) register on it.
 */
export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queues = new Map<string, ScriptedReply[]>();
  private readonly routes: RouteDefinition[] = [];
  private readonly openResponses = new Set<ServerResponse>();
  private server: Server | undefined;
  defaultReply: ScriptedReply = { text: 'Hello from the fake.' };

  constructor(routes: RouteDefinition[] = []) {
    this.routes.push(...routes);
  }

  addRoutes(routes: RouteDefinition[]): this {
    this.routes.push(...routes);
    return this;
  }

  /** Queues replies for a route family; each request takes the next one. */
  script(route: string, ...replies: ScriptedReply[]): this {
    const queue = this.queues.get(route) ?? [];
    queue.push(...replies);
    this.queues.set(route, queue);
    return this;
  }

  /** Responses whose connection is still open: a client that stopped reading a stream must have closed it. */
  get openResponseCount(): number {
    return this.openResponses.size;
  }

  requestsTo(route: string): RecordedRequest[] {
    return this.requests.filter((request) => request.route === route);
  }

  reset(): void {
    this.requests.length = 0;
    this.queues.clear();
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('fake server is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((request, response) => {
      this.openResponses.add(response);
      response.on('close', () => this.openResponses.delete(response));
      void this.dispatch(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `fake server bug: ${String(error)}` } }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const response of this.openResponses) response.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const rawBody = await readBody(request);
    let body: any = rawBody.toString('utf8');
    try {
      body = body === '' ? undefined : JSON.parse(body);
    } catch {
      // keep the raw text: some protocols are not JSON
    }
    const route = this.routes.find(
      (candidate) => candidate.method === request.method && candidate.path.test(url.pathname) && (candidate.accepts?.(request) ?? true),
    );
    this.requests.push({
      route: route?.name ?? 'unmatched',
      method: request.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body,
      receivedAt: Date.now(),
    });
    if (!route) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `fake server: no route for ${request.method} ${url.pathname}` } }));
      return;
    }
    const reply = this.queues.get(route.name)?.shift() ?? this.defaultReply;
    if (reply.delayMs) await sleep(reply.delayMs);
    await route.handle({ request, response, url, body, rawBody, reply, server: this });
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/**
 * Writes a sequence of already-framed events (SSE `data:` blocks, NDJSON lines, binary frames),
 * honouring the reply's cut, malformed-chunk and stall faults. Returns when the stream ended.
 */
export async function writeEventStream(
  response: ServerResponse,
  events: Array<string | Buffer>,
  reply: ScriptedReply,
  malformedEvent: string | Buffer,
): Promise<void> {
  for (let index = 0; index < events.length; index++) {
    if (reply.cutAfterEvents !== undefined && index >= reply.cutAfterEvents) {
      // Abrupt end: the socket dies without the terminating chunk. Node holds writes made in the
      // same tick in a corked buffer; let them reach the socket first, or the client would see
      // the cut before the events that preceded it.
      await new Promise<void>((resolve) => setImmediate(resolve));
      response.socket?.destroy();
      return;
    }
    if (reply.malformedAfterEvents !== undefined && index >= reply.malformedAfterEvents) {
      response.write(malformedEvent);
      response.end();
      return;
    }
    if (reply.stallAfterEvents !== undefined && index >= reply.stallAfterEvents) {
      // Keep the connection open and silent until the client gives up or the server stops.
      await new Promise<void>((resolve) => response.on('close', resolve));
      return;
    }
    response.write(events[index]!);
    if (reply.eventIntervalMs) await sleep(reply.eventIntervalMs);
  }
  response.end();
}
