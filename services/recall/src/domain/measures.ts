/**
 * When detection became possible: the affected versions' availability (the earliest publish time
 * when several are affected) or a later signal — the advisory's publication, the moment a
 * tampering or removal was seen — whichever is latest. Undefined when nothing is known.
 */
export function detectableSince(publishedAt: ReadonlyArray<Date | undefined>, signals: ReadonlyArray<Date | undefined>): Date | undefined {
  const published = publishedAt.filter((d): d is Date => d instanceof Date && !Number.isNaN(d.getTime()));
  const earliest = published.length > 0 ? Math.min(...published.map((d) => d.getTime())) : undefined;
  const times = [earliest, ...signals.filter((d): d is Date => d instanceof Date && !Number.isNaN(d.getTime())).map((d) => d.getTime())].filter(
    (t): t is number => t !== undefined,
  );
  return times.length > 0 ? new Date(Math.max(...times)) : undefined;
}

/** Milliseconds from `from` to `to`: -1 when either end is unknown, 0 when the clock went backwards. */
export function elapsedMs(from: Date | undefined | null, to: Date | undefined | null): number {
  if (!from || !to) return -1;
  const ms = to.getTime() - from.getTime();
  if (Number.isNaN(ms)) return -1;
  return Math.max(0, Math.round(ms));
}
