/**
 * An AbortController for one call that fires when the caller aborts or when no progress is seen
 * for `idleTimeoutMs`. Streaming adapters call `touch()` on every chunk; a stall then surfaces
 * as a timeout rather than a hang.
 *
 * `touch()` only records the time: re-arming a timer per chunk costs more than the chunk itself
 * on a fast stream. The one timer checks, when it fires, whether progress came since, and sleeps
 * again for the rest of the window if so. Adapters also touch once after loading their SDK, so the
 * import's time never counts as the vendor's silence.
 */
export class CallDeadline {
  readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private timedOutFlag = false;
  private lastProgress = performance.now();
  private readonly onCallerAbort = (): void => this.controller.abort(this.callerSignal?.reason);

  constructor(
    private readonly idleTimeoutMs: number,
    private readonly callerSignal?: AbortSignal,
  ) {
    if (callerSignal?.aborted) this.controller.abort(callerSignal.reason);
    callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.arm(idleTimeoutMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True when the deadline, not the caller, ended the call. */
  get timedOut(): boolean {
    return this.timedOutFlag;
  }

  touch(): void {
    this.lastProgress = performance.now();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  private arm(delayMs: number): void {
    if (this.idleTimeoutMs <= 0 || this.controller.signal.aborted) return;
    this.timer = setTimeout(() => this.check(), delayMs);
    this.timer.unref?.();
  }

  private check(): void {
    const idleFor = performance.now() - this.lastProgress;
    if (idleFor < this.idleTimeoutMs) {
      this.arm(Math.max(1, this.idleTimeoutMs - idleFor));
      return;
    }
    this.timedOutFlag = true;
    this.controller.abort(new Error(`no data for ${this.idleTimeoutMs} ms`));
  }
}

export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
