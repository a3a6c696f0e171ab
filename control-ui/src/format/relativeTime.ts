const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'long' });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** "just now", "12 seconds ago", "5 minutes ago", "3 days ago". Server clocks ahead of ours read as now. */
export function formatRelative(epochMs: number, now: number): string {
  const elapsed = now - epochMs;
  if (elapsed < 5_000) return 'just now';
  for (const [unit, size] of UNITS) {
    if (elapsed >= size || unit === 'second') return relative.format(-Math.floor(elapsed / size), unit);
  }
  return 'just now';
}

/** For tooltips and `<time dateTime>`. */
export function formatAbsolute(epochMs: number): string {
  return absolute.format(new Date(epochMs));
}

/** Compact duration for "for 5 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
