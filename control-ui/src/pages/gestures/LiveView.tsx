import { useEffect, useRef } from 'preact/hooks';
import { drawHands } from './drawHands.ts';
import type { GesturesConnection } from './useGestures.ts';

/**
 * The watched camera with the landmarks found in that very frame drawn over it (the snapshot carries
 * them). Without a picture (no snapshots yet), the landmarks of the latest frame on a dark background.
 * The readout below follows the latest frame.
 */
export function LiveView({ connection }: { connection: GesturesConnection }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const { snapshot, observation } = connection;

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    // A closed bitmap has no size, and drawing it throws: never draw one.
    const bitmap = snapshot && snapshot.bitmap.width > 0 ? snapshot.bitmap : null;
    const width = bitmap?.width ?? (observation ? Math.min(640, observation.width) : 640);
    const height = bitmap?.height ?? (observation ? Math.round((width * observation.height) / observation.width) : 480);
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    if (bitmap) ctx.drawImage(bitmap, 0, 0, width, height);
    else {
      ctx.fillStyle = '#11151c';
      ctx.fillRect(0, 0, width, height);
    }
    // The picture with what was seen in that very frame; without a picture, the latest frame's hands.
    const shown = snapshot ? snapshot.meta.observation : observation;
    if (shown) drawHands(ctx, shown.hands, width, height);
  }, [snapshot, observation]);

  const hands = observation?.hands ?? [];
  return (
    <div class="gesture-live">
      <canvas ref={canvasRef} class="gesture-canvas" data-testid="gesture-canvas" aria-label="Live camera with hand landmarks" />
      <div class="gesture-readout" data-testid="gesture-readout">
        {observation ? (
          <>
            <span class={`tag gesture-mode gesture-mode--${observation.mode}`} title="searching: the hand detector runs on every frame; tracking: only the landmark model">
              {observation.mode}
            </span>
            <span class="muted small">{Math.round(observation.inferenceMs)} ms per frame</span>
            {hands.length === 0 && <span class="muted">No hand in the picture</span>}
            {hands.map((hand) => (
              <span key={hand.handedness} class="gesture-label" data-testid="gesture-current-label" data-label={hand.pose ?? ''}>
                <strong>{hand.pose ?? 'no clear gesture'}</strong> <span class="muted small">{Math.round(hand.poseConfidence * 100)}% · {hand.handedness} hand</span>
              </span>
            ))}
          </>
        ) : (
          <span class="muted">Waiting for frames…</span>
        )}
      </div>
    </div>
  );
}
