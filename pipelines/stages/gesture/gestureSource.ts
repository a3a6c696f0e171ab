/**
 * Pipeline source ids of room media look like `room:<room>/<label>` (see frames.ts); gestures carry the
 * room so rules can be limited to one, and browser-mode landmarks find their stage by it.
 */
export function parseSourceId(sourceId: string): { room: string; label: string } | undefined {
  const match = /^room:([^/]+)\/(.+)$/.exec(sourceId);
  return match ? { room: match[1]!, label: match[2]! } : undefined;
}

export function roomSourceId(room: string, label: string): string {
  return `room:${room}/${label}`;
}
