/**
 * Remembers which warnings an adapter has given, so a setting the vendor does not take (or an SDK
 * notice) is said once per model and process, not on every call of a long task.
 */
export class WarnOnce {
  private readonly given = new Set<string>();

  /** True the first time `key` is seen. */
  first(key: string): boolean {
    if (this.given.has(key)) return false;
    this.given.add(key);
    return true;
  }
}
