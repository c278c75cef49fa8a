// fetch for the OpenAI-compatible adapters, on node:http(s) instead of Node's built-in fetch.
//
// The built-in fetch (undici) writes every request body through an async iterator of a web
// stream and parses replies with llhttp compiled to WebAssembly: for a tool loop's small,
// back-to-back requests that is about 1–2 ms a round of openkoi's own overhead (bench/tools,
// issue 10). node:http writes the JSON body in one call and parses with the native llhttp.
//
// Same wire, same semantics as the SDK expects of fetch: keep-alive connections (idle sockets do
// not keep the process alive), the caller's AbortSignal ends the request and its body with the
// signal's reason, a network failure is a TypeError "fetch failed" with the system error as its
// cause, a reply is a standard Response whose body streams as it arrives. Anything this does not
// handle the same way (a streamed or form body, a scheme other than http/https, credentials in the
// URL, a redirect) goes to the built-in fetch. Like it, this asks for gzip, deflate or br and
// hands the body on decoded.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline, Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgent = new HttpsAgent({ keepAlive: true });

/** Statuses whose Response may not have a body (the Response constructor throws otherwise). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

type FetchInput = Parameters<typeof fetch>[0];
type FetchInit = NonNullable<Parameters<typeof fetch>[1]>;

function plainBody(body: FetchInit['body']): string | Uint8Array | undefined | false {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return false;
}

function responseHeaders(message: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = message.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) headers.append(raw[index]!, raw[index + 1]!);
  return headers;
}

/** The body with its Content-Encoding undone (gzip, deflate, br), as the built-in fetch gives it. */
function decoded(message: IncomingMessage): Readable {
  const encoding = message.headers['content-encoding']?.trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : undefined;
  if (!decoder) return message;
  // An abort or a cut connection fails the decoded body with the same error.
  return pipeline(message, decoder, () => {});
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

export const nodeHttpFetch: typeof fetch = (input: FetchInput, init: FetchInit = {}) => {
  const url = input instanceof URL ? input : new URL(typeof input === 'string' ? input : input.url);
  const body = plainBody(init.body);
  const secure = url.protocol === 'https:';
  // Credentials in the URL are refused by the built-in fetch; they stay refused.
  if (body === false || (!secure && url.protocol !== 'http:') || input instanceof Request || url.username !== '' || url.password !== '') return fetch(input, init);
  const signal = init.signal ?? undefined;
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    headers['accept-encoding'] ??= 'gzip, deflate, br';
    if (body !== undefined && headers['content-length'] === undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const options = { method: init.method ?? 'GET', headers, agent: secure ? httpsAgent : httpAgent };
    let reply: IncomingMessage | undefined;
    let settled = false;
    const onAbort = () => {
      const reason = abortReason(signal!);
      const error = reason instanceof Error ? reason : new DOMException(String(reason), 'AbortError');
      if (!settled) {
        settled = true;
        reject(reason);
      }
      // A body being read fails with the signal's reason, as the built-in fetch's does.
      reply?.destroy(error);
      request.destroy();
    };
    const request = (secure ? httpsRequest : httpRequest)(url, options, (message) => {
      settled = true;
      const status = message.statusCode ?? 0;
      if (REDIRECT_STATUSES.has(status) && message.headers.location !== undefined && init.redirect !== 'manual') {
        // Redirects are rare on these APIs: the built-in fetch follows them by its own rules.
        message.resume();
        signal?.removeEventListener('abort', onAbort);
        resolve(fetch(input, init));
        return;
      }
      if (NULL_BODY_STATUSES.has(status) || options.method === 'HEAD') {
        message.resume();
        signal?.removeEventListener('abort', onAbort);
        resolve(new Response(null, { status, statusText: message.statusMessage ?? '', headers: responseHeaders(message) }));
        return;
      }
      reply = message;
      message.once('close', () => signal?.removeEventListener('abort', onAbort));
      resolve(new Response(Readable.toWeb(decoded(message)) as ReadableStream<Uint8Array>, { status, statusText: message.statusMessage ?? '', headers: responseHeaders(message) }));
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      if (settled) return;
      settled = true;
      // The shape the built-in fetch gives a network failure: TypeError "fetch failed", the cause inside.
      reject(new TypeError('fetch failed', { cause: error }));
    });
    request.end(body);
  });
};
