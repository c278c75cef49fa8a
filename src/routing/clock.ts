/** Time as routing sees it; tests pass a fake one so that no test really sleeps. */
export interface Clock {
  now(): number;
  /** Resolves after the wait, or at once when `signal` aborts (the caller reports the abort). */
  sleep(milliseconds: number, signal?: AbortSignal): Promise<void>;
}

export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (milliseconds, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || milliseconds <= 0) return resolve();
      const timer = setTimeout(done, milliseconds);
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};
