/** One line of the `npm run bench` table. */
export interface BenchRow {
  suite: string;
  figure: string;
  value: string;
  /** The figure the issue asks for, e.g. ">= 20,000 /s". */
  aim?: string;
  /** Whether `value` meets `aim` (undefined: informational). */
  met?: boolean;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const fmt = (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
