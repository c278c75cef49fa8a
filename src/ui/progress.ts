/** Progress lines on stderr, so stdout carries only the answer. */
export class Progress {
  constructor(
    private readonly stderr: NodeJS.WritableStream,
    private readonly quiet = false,
  ) {}

  line(tag: string, text: string): void {
    if (!this.quiet) this.stderr.write(`[${tag}] ${text}\n`);
  }

  /** Errors are shown even when quiet. */
  error(text: string): void {
    this.stderr.write(`openkoi: ${text}\n`);
  }
}
