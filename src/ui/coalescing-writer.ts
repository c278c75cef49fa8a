/**
 * Writes streamed text in batches: deltas that arrive in one turn of the event loop leave in one
 * write. A fast stream delivers many small deltas per network read, and one syscall per delta
 * costs more than the delta; the batch leaves before the next read, so nothing waits visibly.
 */
export class CoalescingWriter {
  private pending = '';
  private scheduled = false;
  private lastCharacter = '\n';

  constructor(private readonly stream: NodeJS.WritableStream) {}

  write(text: string): void {
    if (text === '') return;
    this.pending += text;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes whatever is pending now (before other output, and at the end). */
  flush(): void {
    this.scheduled = false;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.lastCharacter = text.at(-1)!;
    this.stream.write(text);
  }

  /** Flushes and ends the current line, if text left one open: what follows starts on its own line. */
  endLine(): void {
    this.flush();
    if (this.lastCharacter === '\n') return;
    this.lastCharacter = '\n';
    this.stream.write('\n');
  }
}
