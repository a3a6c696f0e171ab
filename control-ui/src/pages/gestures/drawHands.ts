import type { ClassifiedHand } from '../../../../server/protocol/gestureEvents.ts';
import { HAND_BONES } from '../../../../pipelines/stages/gesture/handGeometry.ts';

const FINGER_COLOURS = ['#ff5a5f', '#ffb020', '#3ecf8e', '#4aa8ff', '#b37cff'];

/** Colour of a landmark or of the bone ending at it: per finger (thumb red ... little finger violet). */
function colourOf(index: number): string {
  return index === 0 ? '#ffffff' : FINGER_COLOURS[Math.floor((index - 1) / 4)]!;
}

/**
 * Draw each hand's skeleton and its per-frame label onto a canvas whose picture is `width` x `height`
 * (landmarks are normalized to the picture).
 */
export function drawHands(ctx: CanvasRenderingContext2D, hands: readonly ClassifiedHand[], width: number, height: number): void {
  const scale = Math.max(1, width / 480);
  for (const hand of hands) {
    const points = hand.landmarks.map(([x, y]) => [x * width, y * height] as const);
    ctx.lineWidth = 2.5 * scale;
    ctx.lineCap = 'round';
    for (const [a, b] of HAND_BONES) {
      ctx.strokeStyle = colourOf(b);
      ctx.beginPath();
      ctx.moveTo(points[a]![0], points[a]![1]);
      ctx.lineTo(points[b]![0], points[b]![1]);
      ctx.stroke();
    }
    points.forEach(([x, y], i) => {
      ctx.fillStyle = colourOf(i);
      ctx.strokeStyle = '#000000';
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.arc(x, y, (i === 0 ? 4.5 : 3.2) * scale, 0, Math.PI * 2);
      ctx.fill();
      ctx.stroke();
    });
    const [wx, wy] = points[0]!;
    const text = `${hand.pose ?? '—'} ${Math.round(hand.poseConfidence * 100)}% · ${hand.handedness}`;
    ctx.font = `600 ${Math.round(13 * scale)}px system-ui, sans-serif`;
    const textWidth = ctx.measureText(text).width;
    const boxX = Math.min(Math.max(0, wx - textWidth / 2 - 6), width - textWidth - 12);
    const boxY = Math.min(height - 22 * scale, wy + 10 * scale);
    ctx.fillStyle = 'rgb(0 0 0 / 0.65)';
    ctx.fillRect(boxX, boxY, textWidth + 12, 20 * scale);
    ctx.fillStyle = '#ffffff';
    ctx.fillText(text, boxX + 6, boxY + 15 * scale);
  }
}
