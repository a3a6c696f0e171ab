/** Audio analysis for assertions: what frequency dominates a recording, and how loud it is. */

/** In-place iterative radix-2 FFT (re/im of length 2^k). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (-2 * Math.PI) / len;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b]! * cr - im[b]! * ci;
        const ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
        const ncr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = ncr;
      }
    }
  }
}

/** Mono view of interleaved samples (the first channel). */
export function firstChannel(samples: Float32Array, channels: number): Float32Array {
  if (channels === 1) return samples;
  const out = new Float32Array(Math.floor(samples.length / channels));
  for (let i = 0; i < out.length; i++) out[i] = samples[i * channels]!;
  return out;
}

/**
 * The strongest frequency (Hz) above 20 Hz: Hann-windowed FFT over the last 2^k samples (up to 65,536,
 * i.e. 0.73 Hz bins at 48 kHz), refined by parabolic interpolation of the log magnitude.
 */
export function dominantFrequency(samples: Float32Array, sampleRate: number): number {
  let n = 1;
  while (n * 2 <= Math.min(samples.length, 65_536)) n *= 2;
  if (n < 1024) throw new Error(`too few samples for a frequency estimate: ${samples.length}`);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const start = samples.length - n;
  for (let i = 0; i < n; i++) re[i] = samples[start + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  fft(re, im);
  const magnitude = (k: number) => Math.log(Math.hypot(re[k]!, im[k]!) + 1e-12);
  const minBin = Math.ceil((20 * n) / sampleRate);
  let best = minBin;
  for (let k = minBin; k < n / 2 - 1; k++) if (magnitude(k) > magnitude(best)) best = k;
  const [a, b, c] = [magnitude(best - 1), magnitude(best), magnitude(best + 1)];
  const offset = (a - c) / (2 * (a - 2 * b + c)) || 0;
  return ((best + offset) * sampleRate) / n;
}

/** Root mean square level (1.0 = full-scale square wave). */
export function rms(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/** `seconds` of a sine at `frequency` Hz, amplitude `amplitude`, interleaved over `channels`, starting at sample `offset`. */
export function sine(frequency: number, seconds: number, options: { sampleRate?: number; channels?: number; amplitude?: number; offset?: number } = {}): Float32Array {
  const rate = options.sampleRate ?? 48_000;
  const channels = options.channels ?? 1;
  const frames = Math.round(seconds * rate);
  const out = new Float32Array(frames * channels);
  for (let i = 0; i < frames; i++) {
    const v = (options.amplitude ?? 0.5) * Math.sin((2 * Math.PI * frequency * (i + (options.offset ?? 0))) / rate);
    for (let c = 0; c < channels; c++) out[i * channels + c] = v;
  }
  return out;
}
