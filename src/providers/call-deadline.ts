/**
 * An AbortController for one call that fires when the caller aborts or when no progress is seen
 * for `idleTimeoutMs`. Streaming adapters call `touch()` on every chunk; a stall then surfaces
 * as a timeout rather than a hang.
 */
export class CallDeadline {
  readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private timedOutFlag = false;
  private readonly onCallerAbort = (): void => this.controller.abort(this.callerSignal?.reason);

  constructor(
    private readonly idleTimeoutMs: number,
    private readonly callerSignal?: AbortSignal,
  ) {
    if (callerSignal?.aborted) this.controller.abort(callerSignal.reason);
    callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True when the deadline, not the caller, ended the call. */
  get timedOut(): boolean {
    return this.timedOutFlag;
  }

  touch(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.idleTimeoutMs <= 0 || this.controller.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timedOutFlag = true;
      this.controller.abort(new Error(`no data for ${this.idleTimeoutMs} ms`));
    }, this.idleTimeoutMs);
    this.timer.unref?.();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}

export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
