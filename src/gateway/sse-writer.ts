import type { ServerResponse } from 'node:http';

/**
 * Server-sent events onto a response, written as they come (no buffering of the reply). `event`
 * lines for Anthropic and Responses; data-only for Chat Completions.
 */
export class SseWriter {
  private opened = false;
  /** Events of the current event-loop iteration, sent together at its check phase. */
  private pending = '';

  constructor(private readonly response: ServerResponse) {}

  open(headers: Record<string, string> = {}): void {
    if (this.opened) return;
    this.opened = true;
    this.response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...headers,
    });
    // No flushHeaders(): the head leaves with the first events (written in this same turn), one
    // socket write per stream instead of two.
  }

  send(data: unknown, event?: string): void {
    if (this.response.destroyed || this.response.writableEnded) return;
    this.open();
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    // Events produced in one event-loop iteration leave in one write at its check phase: under load
    // one poll phase reads several upstream chunks of this stream, so this is one syscall for all of
    // them rather than one per chunk (or per event), and nothing is held past the iteration.
    if (this.pending === '') setImmediate(() => this.flush());
    this.pending += event === undefined ? `data: ${payload}\n\n` : `event: ${event}\ndata: ${payload}\n\n`;
  }

  end(): void {
    if (this.response.writableEnded) return;
    const rest = this.pending;
    this.pending = '';
    if (this.response.destroyed) return;
    this.response.end(rest === '' ? undefined : rest);
  }

  /**
   * Resolves once the client has read what was written (at once when little is buffered). A slow
   * reader thus slows the upstream read instead of the reply piling up in memory; one that reads
   * nothing for `idleTimeoutMs` is cut off, which aborts the upstream call.
   */
  async writable(idleTimeoutMs: number): Promise<void> {
    const response = this.response;
    if (!response.writableNeedDrain || response.destroyed) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        response.off('drain', done);
        response.off('close', done);
        resolve();
      };
      const timer = setTimeout(() => {
        response.destroy();
        done();
      }, idleTimeoutMs);
      response.once('drain', done);
      response.once('close', done);
    });
  }

  private flush(): void {
    const chunk = this.pending;
    this.pending = '';
    if (chunk === '' || this.response.destroyed || this.response.writableEnded) return;
    this.response.write(chunk);
  }
}
