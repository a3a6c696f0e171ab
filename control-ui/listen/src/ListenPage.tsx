import { useEffect, useRef, useState } from 'preact/hooks';
import { dominantFrequency } from './dominantFrequency.ts';
import { Listener, type ListenerSnapshot } from './Listener.ts';

const FFT_SIZE = 32768;
const BARS = 28;

const STATE_TEXT: Record<ListenerSnapshot['state'], string> = {
  connecting: 'Connecting…',
  waiting: 'Waiting for audio',
  playing: 'Playing',
  reconnecting: 'Reconnecting…',
  refused: 'Refused',
};

interface Measurement {
  frequency: number | null;
  levelDb: number;
}

/** One zone's audio: plays it, shows what is playing, and measures it (for people and for tests). */
export function ListenPage({ token, room, zone, onTokenRefused }: { token: string; room: string; zone: string; onTokenRefused: (reason: string) => void }) {
  const [snapshot, setSnapshot] = useState<ListenerSnapshot | null>(null);
  const [track, setTrack] = useState<MediaStreamTrack | null>(null);
  const [blocked, setBlocked] = useState(false);
  const [measurement, setMeasurement] = useState<Measurement>({ frequency: null, levelDb: -100 });
  const [bars, setBars] = useState<number[]>(() => new Array(BARS).fill(0));
  const audioRef = useRef<HTMLAudioElement>(null);
  const contextRef = useRef<AudioContext | null>(null);

  useEffect(() => {
    const listener = new Listener({ token, room, zone, onChange: setSnapshot, onTrack: setTrack });
    setSnapshot(listener.current);
    const leave = () => listener.dispose();
    window.addEventListener('pagehide', leave);
    return () => {
      window.removeEventListener('pagehide', leave);
      listener.dispose();
    };
  }, [token, room, zone]);

  useEffect(() => {
    if (snapshot?.state === 'refused' && /token/i.test(snapshot.detail)) onTokenRefused(snapshot.detail);
  }, [snapshot?.state, snapshot?.detail, onTokenRefused]);

  // Play the track, and analyse it. Chromium only feeds WebAudio from a remote WebRTC track while a
  // media element plays it, so the <audio> element does the playing and the analyser only listens.
  useEffect(() => {
    const audio = audioRef.current;
    if (!audio) return;
    if (!track) {
      audio.srcObject = null;
      setMeasurement({ frequency: null, levelDb: -100 });
      return;
    }
    const stream = new MediaStream([track]);
    audio.srcObject = stream;
    audio.play().then(
      () => setBlocked(false),
      () => setBlocked(true), // autoplay policy: needs a click
    );
    const context = (contextRef.current ??= new AudioContext({ sampleRate: 48000 }));
    void context.resume().catch(() => undefined);
    const source = context.createMediaStreamSource(stream);
    const analyser = context.createAnalyser();
    analyser.fftSize = FFT_SIZE;
    analyser.smoothingTimeConstant = 0;
    analyser.minDecibels = -120;
    analyser.maxDecibels = 0;
    source.connect(analyser);
    const spectrum = new Float32Array(analyser.frequencyBinCount);
    const samples = new Float32Array(4096);
    const measure = () => {
      analyser.getFloatFrequencyData(spectrum);
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const levelDb = Math.max(-100, 10 * Math.log10(sum / samples.length + 1e-12));
      const frequency = levelDb > -70 ? dominantFrequency(spectrum, context.sampleRate, FFT_SIZE) : null;
      setMeasurement({ frequency, levelDb });
      // Log-spaced bands 40 Hz .. 16 kHz for the picture.
      const binHz = context.sampleRate / FFT_SIZE;
      const next: number[] = [];
      for (let b = 0; b < BARS; b++) {
        const lo = Math.floor((40 * Math.pow(400, b / BARS)) / binHz);
        const hi = Math.max(lo + 1, Math.floor((40 * Math.pow(400, (b + 1) / BARS)) / binHz));
        let max = -120;
        for (let i = lo; i < hi && i < spectrum.length; i++) max = Math.max(max, spectrum[i]!);
        next.push(Math.max(0, Math.min(1, (max + 100) / 80)));
      }
      setBars(next);
    };
    const timer = setInterval(measure, 200);
    return () => {
      clearInterval(timer);
      source.disconnect();
    };
  }, [track]);

  useEffect(() => () => void contextRef.current?.close(), []);

  const state = snapshot?.state ?? 'connecting';
  const unblock = () => {
    void contextRef.current?.resume();
    void audioRef.current?.play().then(() => setBlocked(false));
  };

  return (
    <div
      class="page"
      data-testid="listen-root"
      data-state={state}
      data-producer-id={snapshot?.producerId ?? ''}
      data-frequency={measurement.frequency === null ? '' : measurement.frequency.toFixed(1)}
      data-level={measurement.levelDb.toFixed(1)}
      data-blocked={blocked ? 'true' : 'false'}
      data-reconnects={snapshot?.reconnects ?? 0}
    >
      <header class="topbar">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true" />
          Roomcast <span class="brand-sub">Listen</span>
        </div>
        <div class="topbar-right">
          <span class="chip">
            Room <strong>{room}</strong>
          </span>
          <span class={`pill pill--${state}`} role="status" aria-live="polite" title={snapshot?.detail ?? ''} data-testid="listen-state">
            <span class="pill-dot" aria-hidden="true" />
            {STATE_TEXT[state]}
          </span>
        </div>
      </header>
      <main class="listen">
        <section class="card listen-card">
          <div class="muted small">Zone</div>
          <div class="listen-zone" data-testid="listen-zone">
            {zone}
          </div>
          <div class="listen-bars" aria-hidden="true">
            {bars.map((height, index) => (
              <span key={index} style={{ height: `${Math.max(4, height * 100)}%`, opacity: state === 'playing' ? 0.85 : 0.25 }} />
            ))}
          </div>
          <p class="muted" data-testid="listen-detail">
            {snapshot?.detail ?? 'Connecting…'}
          </p>
          {blocked && (
            <button class="button button--primary" onClick={unblock} data-testid="listen-start">
              Start listening
            </button>
          )}
          <div class="listen-facts">
            <span>
              Level <strong>{measurement.levelDb <= -99 ? '—' : `${measurement.levelDb.toFixed(0)} dBFS`}</strong>
            </span>
            <span>
              Dominant <strong data-testid="listen-frequency">{measurement.frequency === null ? '—' : `${measurement.frequency.toFixed(1)} Hz`}</strong>
            </span>
            <span>
              Media <strong>{snapshot?.transport === 'connected' ? 'connected' : (snapshot?.transport ?? 'none')}</strong>
            </span>
          </div>
          <audio ref={audioRef} autoplay />
        </section>
      </main>
    </div>
  );
}
