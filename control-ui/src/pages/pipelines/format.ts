import type { QueueStatus, StageStatus } from '../../../../pipelines/protocol.ts';

/** `12.5/s`, `0/s`. */
export function rate(perSecond: number): string {
  return `${perSecond >= 100 ? Math.round(perSecond) : Math.round(perSecond * 10) / 10}/s`;
}

/** `0.42 ms`, `38 ms`, `1.2 s`; a dash before the first frame. */
export function millis(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `video 1/1 keep-latest`. */
export function queueText(queue: QueueStatus): string {
  return `${queue.kind} ${queue.depth}/${queue.capacity}${queue.waiting ? ` +${queue.waiting} waiting` : ''} ${queue.mode}`;
}

/** Drops by reason in words: `overflow 120, error 3`. */
export function dropsText(stage: StageStatus): string {
  const byReason = new Map<string, number>();
  for (const [key, n] of Object.entries(stage.drops)) {
    const reason = key.split(':')[1] ?? key;
    byReason.set(reason, (byReason.get(reason) ?? 0) + n);
  }
  return [...byReason].map(([reason, n]) => `${reason} ${count(n)}`).join(', ');
}
