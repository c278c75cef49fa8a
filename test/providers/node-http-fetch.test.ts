import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeHttpFetch } from '../../src/providers/node-http-fetch.js';

// The OpenAI-compatible adapters hand this to the SDK in place of the built-in fetch: the SDK
// must see the same Response, body stream, abort and failure shapes as from the built-in one.

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(handler: (request: { method: string; url: string; headers: IncomingHttpHeaders; body: string }, response: ServerResponse) => void): Promise<string> {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => handler({ method: request.method!, url: request.url!, headers: request.headers, body }, response));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

describe('a request reaches the server as the SDK built it', () => {
  it('sends the method, headers and JSON body, and returns status, headers and body', async () => {
    let seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string } | undefined;
    const base = await serve((request, response) => {
      seen = request;
      response.writeHead(201, [['content-type', 'application/json'], ['x-ratelimit-remaining-requests', '9'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2']]);
      response.end('{"ok":true}');
    });
    const response = await nodeHttpFetch(`${base}/v1/chat/completions?x=1`, {
      method: 'POST',
      headers: new Headers({ authorization: 'Bearer sk-test', 'content-type': 'application/json' }),
      body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'héllo' }] }),
    });
    expect(seen).toMatchObject({ method: 'POST', url: '/v1/chat/completions?x=1', body: '{"model":"gpt-4.1","messages":[{"role":"user","content":"héllo"}]}' });
    expect(seen!.headers['authorization']).toBe('Bearer sk-test');
    expect(seen!.headers['content-length']).toBe(String(Buffer.byteLength(seen!.body)));
    expect(response.status).toBe(201);
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('9');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('gives a body-less status a null body, as the built-in fetch does', async () => {
    const base = await serve((_request, response) => response.writeHead(204).end());
    const response = await nodeHttpFetch(`${base}/v1/x`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('decodes a gzip body', async () => {
    const base = await serve((request, response) => {
      expect(request.headers['accept-encoding']).toContain('gzip');
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(gzipSync('{"data":[1,2,3]}'));
    });
    expect(await (await nodeHttpFetch(`${base}/v1/models`)).json()).toEqual({ data: [1, 2, 3] });
  });

  it('follows a redirect like the built-in fetch', async () => {
    const base = await serve((request, response) => {
      if (request.url === '/old/models') response.writeHead(308, { location: '/v1/models' }).end();
      else response.writeHead(200, { 'content-type': 'application/json' }).end(`{"at":"${request.url}","body":${JSON.stringify(request.body)}}`);
    });
    const response = await nodeHttpFetch(`${base}/old/models`, { method: 'POST', body: 'kept' });
    expect(await response.json()).toEqual({ at: '/v1/models', body: 'kept' });
  });
});

describe('a streamed reply is readable as it arrives', () => {
  it('hands over the first event before the server has finished', async () => {
    let finish: (() => void) | undefined;
    const base = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: first\n\n');
      finish = () => response.end('data: [DONE]\n\n');
    });
    const response = await nodeHttpFetch(`${base}/v1/chat/completions`, { method: 'POST', body: '{}' });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe('data: first\n\n');
    finish!();
    let rest = '';
    for (let next = await reader.read(); !next.done; next = await reader.read()) rest += Buffer.from(next.value).toString();
    expect(rest).toBe('data: [DONE]\n\n');
  });
});

describe('aborts and failures look like the built-in fetch\'s', () => {
  it('an abort mid-body fails the body read with the signal\'s reason', async () => {
    const base = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: first\n\n');
    });
    const controller = new AbortController();
    const response = await nodeHttpFetch(`${base}/v1/chat/completions`, { method: 'POST', body: '{}', signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    const reason = new Error('no data for 50 ms');
    controller.abort(reason);
    await expect(reader.read()).rejects.toBe(reason);
  });

  it('an abort before the reply rejects with the signal\'s reason', async () => {
    await serve(() => {});
    const base = `http://127.0.0.1:${(server!.address() as { port: number }).port}`;
    const controller = new AbortController();
    const pending = nodeHttpFetch(`${base}/v1/chat/completions`, { method: 'POST', body: '{}', signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('a refused connection is TypeError "fetch failed" with the system error as its cause', async () => {
    const base = await serve(() => {});
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const error = await nodeHttpFetch(`${base}/v1/models`).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
  });
});
