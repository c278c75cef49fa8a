/** Process exit codes, documented in README.md. */
export const EXIT = {
  /** The task ran and its result was accepted. */
  ok: 0,
  /** A model call or the task failed. */
  failed: 1,
  /** Bad flags, config or input: nothing was sent to a model. */
  usage: 2,
  /** A token, cost or time budget stopped the task before acceptance. */
  budget: 3,
  /**
   * The loop ended without reaching the quality threshold (iteration limit, regression, no
   * improvement, no usable evaluation); the best answer is still printed.
   */
  belowThreshold: 4,
  /** Interrupted by the user (Ctrl-C). */
  interrupted: 130,
  /** Terminated by SIGTERM (`docker stop`, `timeout`, a cancelled CI job): 128 + 15, as shells report it. */
  terminated: 143,
} as const;
