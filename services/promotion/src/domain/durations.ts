const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
];

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;

/** `72h`, `30m`, `3d`, `1.5h`, `0`: milliseconds, or undefined when it is none of those. */
export function parseDuration(value: unknown): number | undefined {
  if (value === 0 || value === '0') return 0;
  if (typeof value !== 'string') return undefined;
  const match = DURATION.exec(value.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * (UNITS.find(([unit]) => unit === match[2])?.[1] ?? 1);
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** The largest whole unit: 259200000 → `72h` (hours before days: cooldowns are said in hours), 0 → `0s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const [unit, size] of UNITS) {
    if (unit === 'd') continue;
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
