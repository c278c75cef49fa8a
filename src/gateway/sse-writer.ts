import type { ServerResponse } from 'node:http';

/**
 * Server-sent events onto a response, written as they come (no buffering of the reply). `event`
 * lines for Anthropic and Responses; data-only for Chat Completions.
 */
export class SseWriter {
  private opened = false;

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
    this.response.flushHeaders();
  }

  send(data: unknown, event?: string): void {
    if (this.response.destroyed || this.response.writableEnded) return;
    this.open();
    // Events produced in one tick (often several from one upstream chunk) leave in one write:
    // one syscall instead of one per event, and nothing held back past the tick.
    if (!this.corked) {
      this.corked = true;
      this.response.cork();
      process.nextTick(() => this.uncork());
    }
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    this.response.write(event === undefined ? `data: ${payload}\n\n` : `event: ${event}\ndata: ${payload}\n\n`);
  }

  end(): void {
    if (!this.response.writableEnded) this.response.end();
  }

  private corked = false;

  private uncork(): void {
    this.corked = false;
    this.response.uncork();
  }
}
