/**
 * Decides when a token's `last_used` is worth writing: at most once per interval per token, so
 * authentication stays a read on the hot path. Bounded: old marks are forgotten, which at worst
 * costs one extra (harmless) write.
 */
export class UseThrottle {
  private readonly marks = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly maxEntries = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when `key` was not marked within the interval; marks it. */
  shouldRecord(key: string): boolean {
    const now = this.now();
    const last = this.marks.get(key);
    if (last !== undefined && now - last < this.intervalMs) return false;
    if (this.marks.size >= this.maxEntries) {
      for (const [k, at] of this.marks) if (now - at >= this.intervalMs) this.marks.delete(k);
      if (this.marks.size >= this.maxEntries) this.marks.clear();
    }
    this.marks.delete(key);
    this.marks.set(key, now);
    return true;
  }
}
