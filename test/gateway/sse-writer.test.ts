import type { ServerResponse } from 'node:http';
import { setImmediate as nextIteration } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { SseWriter } from '../../src/gateway/sse-writer.js';

function fakeResponse() {
  return { destroyed: false, writableEnded: false, writeHead: vi.fn(), flushHeaders: vi.fn(), write: vi.fn(), end: vi.fn() };
}

describe('SseWriter', () => {
  it('sends events produced across ticks of one event-loop iteration in one write, the head with them', async () => {
    const response = fakeResponse();
    const sse = new SseWriter(response as unknown as ServerResponse);
    sse.send({ n: 1 }, 'first');
    // A later tick of the same iteration, as when the next upstream chunk is read in the same poll phase.
    process.nextTick(() => sse.send({ n: 2 }));
    await nextIteration();
    await nextIteration();
    expect(response.writeHead).toHaveBeenCalledTimes(1);
    // The head is not flushed on its own: it leaves with the first write.
    expect(response.flushHeaders).not.toHaveBeenCalled();
    expect(response.write).toHaveBeenCalledTimes(1);
    expect(response.write).toHaveBeenCalledWith('event: first\ndata: {"n":1}\n\ndata: {"n":2}\n\n');
  });

  it('end() carries what is pending, and nothing is written after it', async () => {
    const response = fakeResponse();
    const sse = new SseWriter(response as unknown as ServerResponse);
    sse.send('[DONE]');
    sse.end();
    response.writableEnded = true;
    await nextIteration();
    expect(response.end).toHaveBeenCalledWith('data: [DONE]\n\n');
    expect(response.write).not.toHaveBeenCalled();
  });
});
