import type { IncomingMessage } from 'node:http';
import { GatewayRequestError } from './client-error.js';

/**
 * Reads a JSON object body, refusing one larger than `maxBytes` as soon as it crosses the limit
 * (by Content-Length when given, else while reading). The rest of an oversized body is read and
 * thrown away, never held, so the client still receives the 413 rather than a reset connection.
 */
export function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const tooLarge = new GatewayRequestError('too-large', `The request body is larger than the gateway's limit of ${maxBytes} bytes ([gateway] max_body_mb).`);
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    request.resume();
    return Promise.reject(tooLarge);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBytes) {
        refused = true;
        chunks.length = 0;
        reject(tooLarge);
        return;
      }
      chunks.push(chunk);
    });
    request.on('error', reject);
    request.on('end', () => {
      if (refused) return;
      try {
        resolve(parseObject(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
  });
}

function parseObject(text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new GatewayRequestError('invalid-request', 'The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayRequestError('invalid-request', 'The request body must be a JSON object.');
  return body as Record<string, unknown>;
}
