import { useEffect, useRef, useState } from 'preact/hooks';

/** Level of the microphone as captured (before sending), in dBFS, with a peak hold. */
export function LevelMeter({ track }: { track: MediaStreamTrack | null }) {
  const [level, setLevel] = useState(-100);
  const [peak, setPeak] = useState(-100);
  const peakRef = useRef({ value: -100, at: 0 });

  useEffect(() => {
    if (!track) {
      setLevel(-100);
      return;
    }
    const context = new AudioContext();
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let frame = 0;
    const tick = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const db = Math.max(-100, 10 * Math.log10(sum / samples.length + 1e-12));
      setLevel(db);
      const now = performance.now();
      if (db > peakRef.current.value || now - peakRef.current.at > 1500) peakRef.current = { value: db, at: now };
      setPeak(peakRef.current.value);
      frame = requestAnimationFrame(tick);
    };
    // Browsers start an AudioContext suspended until the page had a gesture; a meter may wait for it.
    void context.resume().catch(() => undefined);
    frame = requestAnimationFrame(tick);
    return () => {
      cancelAnimationFrame(frame);
      source.disconnect();
      void context.close();
    };
  }, [track]);

  const toPercent = (db: number) => Math.max(0, Math.min(100, ((db + 60) / 60) * 100));
  return (
    <div class="meter" data-testid="capture-level" data-level={level.toFixed(1)} title={`${level.toFixed(1)} dBFS`}>
      <div class="meter-bar">
        <div class={`meter-fill${level > -6 ? ' meter-fill--hot' : ''}`} style={{ width: `${toPercent(level)}%` }} />
        <div class="meter-peak" style={{ left: `${toPercent(peak)}%` }} />
      </div>
      <span class="meter-value">{level <= -99 ? '—' : `${level.toFixed(0)} dBFS`}</span>
    </div>
  );
}
