/**
 * How each alert kind looks and sounds. Kinds come from the server (`overlay.alert` actions, the lights
 * engine's `effect` announcements); unknown kinds get the plain card.
 */
export type SoundName = 'coin' | 'pop' | 'whoosh' | 'shimmer' | 'chime';

export interface AlertKindStyle {
  /** CSS class suffix (`alert--donation`). */
  style: 'donation' | 'gesture' | 'chat' | 'effect' | 'plain';
  sound: SoundName;
  /** Inline SVG (24x24 viewBox, stroke icons); no external assets, so nothing to cache or block. */
  icon: string;
  /** Number of decoration particles the animation uses. */
  particles: number;
}

const svg = (body: string) =>
  `<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;

const KINDS: Record<string, AlertKindStyle> = {
  donation: {
    style: 'donation',
    sound: 'coin',
    icon: svg('<circle cx="12" cy="12" r="8.5"/><path d="M14.8 9.2c-.5-.9-1.6-1.4-2.8-1.4-1.7 0-2.9.9-2.9 2.1 0 2.9 5.9 1.6 5.9 4.3 0 1.2-1.3 2.1-3 2.1-1.3 0-2.4-.6-2.9-1.5M12 6.3v1.5m0 8.4v1.5"/>'),
    particles: 14,
  },
  gesture: {
    style: 'gesture',
    sound: 'whoosh',
    icon: svg('<path d="M8 13V5.5a1.5 1.5 0 0 1 3 0V11m0-1.5v-5a1.5 1.5 0 0 1 3 0V11m0-4.5a1.5 1.5 0 0 1 3 0V13m0-3.5a1.5 1.5 0 0 1 3 0V15a7 7 0 0 1-7 7h-1.2a6 6 0 0 1-4.6-2.1L4.3 16.6a1.6 1.6 0 0 1 2.4-2.1L8 15.8"/>'),
    particles: 0,
  },
  chat: {
    style: 'chat',
    sound: 'pop',
    icon: svg('<path d="M20 11.5a7.5 7.5 0 0 1-10.9 6.7L4 19.5l1.4-4.4A7.5 7.5 0 1 1 20 11.5z"/><path d="M8.5 11.5h.01M12 11.5h.01M15.5 11.5h.01"/>'),
    particles: 0,
  },
  effect: {
    style: 'effect',
    sound: 'shimmer',
    icon: svg('<path d="M9 18h6m-5 3h4M12 3a6 6 0 0 0-3.5 10.9c.6.5 1 1.2 1 2V16h5v-.1c0-.8.4-1.5 1-2A6 6 0 0 0 12 3z"/>'),
    particles: 8,
  },
};

const PLAIN: AlertKindStyle = {
  style: 'plain',
  sound: 'chime',
  icon: svg('<path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.9 1.9 0 0 0 3.4 0"/>'),
  particles: 0,
};

/** Kinds are matched by their first segment too: `donation.big` looks like `donation`. */
export function kindStyle(kind: string): AlertKindStyle {
  return KINDS[kind] ?? KINDS[kind.split('.')[0] ?? ''] ?? PLAIN;
}
