import type { SoundName } from './alertKinds.ts';

/**
 * Alert sounds synthesised with WebAudio: no files to fetch, nothing from a CDN, tiny and instant.
 * OBS's browser source plays them (enable "Control audio via OBS" to mix them); regular browsers may
 * keep the AudioContext suspended until a click, in which case the sound is skipped, never queued.
 */
export type SoundResult = 'played' | 'blocked' | 'unsupported';

let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (context) return context;
  const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctor) return null;
  context = new Ctor();
  return context;
}

function tone(ctx: AudioContext, out: AudioNode, type: OscillatorType, freq: number, start: number, duration: number, peak: number, glideTo?: number): void {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = type;
  osc.frequency.setValueAtTime(freq, start);
  if (glideTo) osc.frequency.exponentialRampToValueAtTime(glideTo, start + duration);
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(peak, start + 0.012);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + duration);
  osc.connect(gain).connect(out);
  osc.start(start);
  osc.stop(start + duration + 0.05);
}

function noise(ctx: AudioContext, out: AudioNode, start: number, duration: number, peak: number, fromHz: number, toHz: number): void {
  const length = Math.ceil(ctx.sampleRate * duration);
  const buffer = ctx.createBuffer(1, length, ctx.sampleRate);
  const data = buffer.getChannelData(0);
  for (let i = 0; i < length; i++) data[i] = Math.random() * 2 - 1;
  const source = ctx.createBufferSource();
  source.buffer = buffer;
  const filter = ctx.createBiquadFilter();
  filter.type = 'bandpass';
  filter.Q.value = 1.2;
  filter.frequency.setValueAtTime(fromHz, start);
  filter.frequency.exponentialRampToValueAtTime(toHz, start + duration);
  const gain = ctx.createGain();
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(peak, start + duration * 0.4);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + duration);
  source.connect(filter).connect(gain).connect(out);
  source.start(start);
}

const SOUNDS: Record<SoundName, (ctx: AudioContext, out: AudioNode, t: number) => void> = {
  // "Ka-ching": two bright pings a fifth apart.
  coin: (ctx, out, t) => {
    tone(ctx, out, 'square', 988, t, 0.09, 0.18);
    tone(ctx, out, 'square', 1319, t + 0.08, 0.45, 0.16);
    tone(ctx, out, 'sine', 2637, t + 0.08, 0.3, 0.05);
  },
  pop: (ctx, out, t) => tone(ctx, out, 'sine', 660, t, 0.14, 0.35, 1_320),
  whoosh: (ctx, out, t) => noise(ctx, out, t, 0.55, 0.5, 300, 3_000),
  // A rising arpeggio (C major 9).
  shimmer: (ctx, out, t) => [523.25, 659.25, 783.99, 1174.66].forEach((f, i) => tone(ctx, out, 'triangle', f, t + i * 0.07, 0.6, 0.14)),
  chime: (ctx, out, t) => {
    tone(ctx, out, 'sine', 880, t, 0.6, 0.22);
    tone(ctx, out, 'sine', 1320, t + 0.12, 0.6, 0.16);
  },
};

export async function playSound(name: SoundName, volume: number): Promise<SoundResult> {
  const ctx = audio();
  if (!ctx) return 'unsupported';
  if (ctx.state === 'suspended') {
    await Promise.race([ctx.resume().catch(() => undefined), new Promise((r) => setTimeout(r, 200))]);
  }
  if (ctx.state !== 'running') return 'blocked';
  const master = ctx.createGain();
  master.gain.value = Math.min(1, Math.max(0, volume));
  master.connect(ctx.destination);
  SOUNDS[name](ctx, master, ctx.currentTime + 0.01);
  return 'played';
}
