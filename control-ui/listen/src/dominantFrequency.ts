/**
 * The strongest frequency in an analyser's spectrum, refined between bins by fitting a parabola through
 * the peak and its neighbours (in dB): with a 32768-point FFT at 48 kHz (1.46 Hz bins) this is good to a
 * fraction of a hertz for a steady tone. Returns null when everything is below `floorDb` (silence).
 */
export function dominantFrequency(spectrumDb: Float32Array, sampleRate: number, fftSize: number, floorDb = -90, minHz = 20, maxHz = 20_000): number | null {
  const binHz = sampleRate / fftSize;
  const first = Math.max(1, Math.floor(minHz / binHz));
  const last = Math.min(spectrumDb.length - 2, Math.ceil(maxHz / binHz));
  let peak = -1;
  let peakDb = -Infinity;
  for (let i = first; i <= last; i++) {
    const db = spectrumDb[i]!;
    if (db > peakDb) {
      peakDb = db;
      peak = i;
    }
  }
  if (peak < 0 || peakDb < floorDb) return null;
  const left = spectrumDb[peak - 1]!;
  const right = spectrumDb[peak + 1]!;
  const denominator = left - 2 * peakDb + right;
  const offset = Number.isFinite(denominator) && denominator !== 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (left - right)) / denominator)) : 0;
  return (peak + offset) * binHz;
}
