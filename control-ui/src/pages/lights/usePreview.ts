import { useEffect, useRef, useState } from 'preact/hooks';
import type { LightsFixtureLevels } from '../../../../server/protocol/lightsEvents.ts';

export interface EffectPreviewData {
  fps: number;
  fixtures: string[];
  frames: Array<{ t: number; levels: number[][]; limited: string[] }>;
}

/**
 * Plays a blind preview (rendered by the server, never sent to the rig) on the virtual lamps: while it
 * runs, the previewed fixtures show the preview's levels instead of the live ones.
 */
export function usePreview(): {
  play(preview: EffectPreviewData): void;
  levels: Record<string, LightsFixtureLevels> | null;
  fixtures: ReadonlySet<string>;
} {
  const [levels, setLevels] = useState<Record<string, LightsFixtureLevels> | null>(null);
  const [fixtures, setFixtures] = useState<ReadonlySet<string>>(new Set());
  const raf = useRef(0);

  useEffect(() => () => cancelAnimationFrame(raf.current), []);

  const play = (preview: EffectPreviewData) => {
    cancelAnimationFrame(raf.current);
    const started = performance.now();
    const last = preview.frames.at(-1)?.t ?? 0;
    setFixtures(new Set(preview.fixtures));
    const tick = () => {
      const elapsed = performance.now() - started;
      if (elapsed > last + 300 || preview.frames.length === 0) {
        setLevels(null);
        setFixtures(new Set());
        return;
      }
      const index = Math.min(preview.frames.length - 1, Math.floor((elapsed / 1_000) * preview.fps));
      const frame = preview.frames[index]!;
      const next: Record<string, LightsFixtureLevels> = {};
      preview.fixtures.forEach((id, i) => {
        next[id] = { levels: (frame.levels[i] ?? []).map((v) => Math.round(v * 255)), limited: frame.limited.includes(id) };
      });
      setLevels(next);
      raf.current = requestAnimationFrame(tick);
    };
    raf.current = requestAnimationFrame(tick);
  };

  return { play, levels, fixtures };
}
