import type { AttemptRecord } from '../routing/model-gateway.js';

/** Collects the gateway's attempts so each iteration can record the ones it caused. */
export class AttemptLog {
  private pending: AttemptRecord[] = [];
  readonly all: AttemptRecord[] = [];

  add(attempt: AttemptRecord): void {
    this.pending.push(attempt);
    this.all.push(attempt);
  }

  /** The attempts since the last drain. */
  drain(): AttemptRecord[] {
    const drained = this.pending;
    this.pending = [];
    return drained;
  }
}
