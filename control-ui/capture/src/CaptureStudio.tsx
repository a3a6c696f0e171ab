import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { tabId } from './media/pageToken.ts';
import type { CaptureParams } from './captureParams.ts';
import { isValidName, rememberName } from './captureParams.ts';
import {
  audioConstraints,
  describeMediaError,
  listDevices,
  processingApplied,
  videoConstraints,
  VIDEO_QUALITIES,
  type DeviceChoice,
  type MicMode,
} from './devices.ts';
import { HandLandmarksPanel } from './handLandmarks/HandLandmarksPanel.tsx';
import { LevelMeter } from './LevelMeter.tsx';
import { Publisher, type PublishedTrack, type PublisherSnapshot } from './Publisher.ts';
import { StatusPanel } from './StatusPanel.tsx';

const OFF = '';

interface OpenedTrack {
  track: MediaStreamTrack;
  deviceId: string;
}

function stopTrack(opened: OpenedTrack | null): void {
  opened?.track.stop();
}

/** The capture page once it has a token and a room: devices, preview, publish, live status. */
export function CaptureStudio({ token, room, params, onTokenRefused }: { token: string; room: string; params: CaptureParams; onTokenRefused: (reason: string) => void }) {
  const publisherRef = useRef<Publisher | null>(null);
  const [snapshot, setSnapshot] = useState<PublisherSnapshot | null>(null);
  const [name, setName] = useState(params.name);
  const [cameras, setCameras] = useState<DeviceChoice[]>([]);
  const [microphones, setMicrophones] = useState<DeviceChoice[]>([]);
  const [cameraId, setCameraId] = useState<string | null>(params.camera ? null : OFF);
  const [micId, setMicId] = useState<string | null>(params.microphone ? null : OFF);
  const [quality, setQuality] = useState(params.quality);
  const [micMode, setMicMode] = useState<MicMode>(params.micMode);
  const [video, setVideo] = useState<OpenedTrack | null>(null);
  const [audio, setAudio] = useState<OpenedTrack | null>(null);
  const [cameraError, setCameraError] = useState('');
  const [micError, setMicError] = useState('');
  const [devicesReady, setDevicesReady] = useState(false);
  const [busy, setBusy] = useState(false);
  const videoRef = useRef<HTMLVideoElement>(null);
  const autostarted = useRef(false);
  const latest = useRef({ video, audio });
  latest.current = { video, audio };

  // The publisher lives as long as the page.
  useEffect(() => {
    const publisher = new Publisher({
      token,
      room,
      publisherId: tabId('roomcast.capture.publisher'),
      videoCodec: params.videoCodec,
      onChange: setSnapshot,
    });
    publisherRef.current = publisher;
    setSnapshot(publisher.current);
    const leave = () => publisher.dispose();
    window.addEventListener('pagehide', leave);
    return () => {
      window.removeEventListener('pagehide', leave);
      publisher.dispose();
      stopTrack(latest.current.video);
      stopTrack(latest.current.audio);
    };
  }, [token, room, params.videoCodec]);

  useEffect(() => {
    if (snapshot?.state === 'refused' && /token/i.test(snapshot.detail)) onTokenRefused(snapshot.detail);
  }, [snapshot?.state, snapshot?.detail, onTokenRefused]);

  const live = snapshot !== null && snapshot.state !== 'idle' && snapshot.state !== 'stopped' && snapshot.state !== 'refused';
  const labels = { video: `${name}-cam`, audio: `${name}-mic` };

  const refreshDevices = useCallback(async () => {
    try {
      const [cams, mics] = await Promise.all([listDevices('videoinput'), listDevices('audioinput')]);
      setCameras(cams);
      setMicrophones(mics);
    } catch {
      // enumerateDevices unavailable: the selects stay as they are.
    }
  }, []);

  useEffect(() => {
    navigator.mediaDevices?.addEventListener('devicechange', refreshDevices);
    return () => navigator.mediaDevices?.removeEventListener('devicechange', refreshDevices);
  }, [refreshDevices]);

  /** Open (or close, with OFF) the camera; while live, the new track replaces the published one. */
  const openCamera = useCallback(
    async (deviceId: string | null, qualityId: string) => {
      setCameraError('');
      if (deviceId === OFF) {
        stopTrack(latest.current.video);
        setVideo(null);
        return;
      }
      const q = VIDEO_QUALITIES.find((v) => v.id === qualityId) ?? VIDEO_QUALITIES[0]!;
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ video: videoConstraints(deviceId, q) });
        const track = stream.getVideoTracks()[0]!;
        const previous = latest.current.video;
        await publisherRef.current?.replaceTrack(labels.video, track);
        stopTrack(previous);
        setVideo({ track, deviceId: track.getSettings().deviceId ?? deviceId ?? '' });
      } catch (error) {
        setCameraError(describeMediaError(error, 'camera'));
      }
    },
    [labels.video],
  );

  const openMicrophone = useCallback(
    async (deviceId: string | null, mode: MicMode) => {
      setMicError('');
      if (deviceId === OFF) {
        stopTrack(latest.current.audio);
        setAudio(null);
        return;
      }
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: audioConstraints(deviceId, mode) });
        const track = stream.getAudioTracks()[0]!;
        const previous = latest.current.audio;
        await publisherRef.current?.replaceTrack(labels.audio, track, { measurement: mode === 'measurement' });
        stopTrack(previous);
        setAudio({ track, deviceId: track.getSettings().deviceId ?? deviceId ?? '' });
      } catch (error) {
        setMicError(describeMediaError(error, 'microphone'));
      }
    },
    [labels.audio],
  );

  // First open: both devices (this is when the browser asks for permission), then the device lists.
  useEffect(() => {
    void (async () => {
      await Promise.all([openCamera(cameraId, quality), openMicrophone(micId, micMode)]);
      await refreshDevices();
      setDevicesReady(true);
    })();
    // Only once: later changes go through the handlers below.
  }, []);

  useEffect(() => {
    const element = videoRef.current;
    if (!element) return;
    element.srcObject = video ? new MediaStream([video.track]) : null;
  }, [video]);

  const goLive = useCallback(async () => {
    const publisher = publisherRef.current;
    if (!publisher || !isValidName(name)) return;
    const tracks: PublishedTrack[] = [];
    if (video) tracks.push({ track: video.track, label: labels.video });
    if (audio) tracks.push({ track: audio.track, label: labels.audio, measurement: micMode === 'measurement' });
    if (!tracks.length) return;
    rememberName(name);
    setBusy(true);
    try {
      await publisher.publish(tracks);
    } finally {
      setBusy(false);
    }
  }, [name, video, audio, micMode, labels.video, labels.audio]);

  const stop = useCallback(async () => {
    setBusy(true);
    try {
      await publisherRef.current?.stop();
    } finally {
      setBusy(false);
    }
  }, []);

  // Kiosk/test mode: go live once the devices are open.
  useEffect(() => {
    if (!params.autostart || autostarted.current || !devicesReady || !snapshot) return;
    if (!video && !audio) return;
    autostarted.current = true;
    void goLive();
  }, [params.autostart, devicesReady, video, audio, snapshot, goLive]);

  const processing = audio ? processingApplied(audio.track, micMode) : null;
  const nameValid = isValidName(name);
  const settings = video?.track.getSettings();
  const state = snapshot?.state ?? 'idle';

  return (
    <div class="page" data-testid="capture-root" data-state={state} data-signaling={snapshot?.signaling ?? 'connecting'} data-transport={snapshot?.transport ?? 'none'} data-reconnects={snapshot?.reconnects ?? 0}>
      <header class="topbar">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true" />
          Roomcast <span class="brand-sub">Capture</span>
        </div>
        <div class="topbar-right">
          <span class="chip" title="Room">
            Room <strong data-testid="capture-room">{room}</strong>
          </span>
          <StatePill state={state} detail={snapshot?.detail ?? ''} />
        </div>
      </header>

      <main class="capture-grid">
        <section class="card preview-card" aria-label="Preview">
          <div class={`preview${video ? '' : ' preview--empty'}`}>
            <video ref={videoRef} autoplay muted playsInline data-testid="capture-preview" />
            {!video && <div class="preview-placeholder">{cameraId === OFF ? 'Camera off' : cameraError || 'Opening camera…'}</div>}
            <div class={`onair onair--${state === 'publishing' ? 'live' : live ? 'pending' : 'off'}`}>{state === 'publishing' ? 'LIVE' : live ? 'CONNECTING' : 'OFF AIR'}</div>
            {settings?.width && (
              <div class="preview-format">
                {settings.width}×{settings.height}
                {settings.frameRate ? ` · ${Math.round(settings.frameRate)} fps` : ''}
              </div>
            )}
          </div>
          <div class="preview-footer">
            <span class="muted small">Microphone</span>
            <LevelMeter track={audio?.track ?? null} />
          </div>
        </section>

        <aside class="card controls-card" aria-label="Sources">
          <h2>Sources</h2>
          <label class="field">
            <span>Publisher name</span>
            <input
              value={name}
              disabled={live}
              onInput={(e) => setName((e.target as HTMLInputElement).value.trim())}
              aria-invalid={!nameValid}
              data-testid="capture-name"
            />
            <small class={nameValid ? 'muted' : 'error-text'}>
              {nameValid ? (
                <>
                  Published as <code>{labels.video}</code> and <code>{labels.audio}</code>
                </>
              ) : (
                'Letters, digits, ".", "_" or "-" only.'
              )}
            </small>
          </label>

          <label class="field">
            <span>Camera</span>
            <select
              value={cameraId === OFF ? OFF : (video?.deviceId ?? cameraId ?? '')}
              onChange={(e) => {
                const id = (e.target as HTMLSelectElement).value;
                setCameraId(id);
                void openCamera(id, quality);
              }}
              data-testid="capture-camera"
            >
              {cameras.map((c) => (
                <option key={c.deviceId} value={c.deviceId}>
                  {c.label}
                </option>
              ))}
              <option value={OFF} disabled={live && !!video}>
                Off
              </option>
            </select>
            {cameraError && <small class="error-text">{cameraError}</small>}
          </label>

          <label class="field">
            <span>Quality</span>
            <select
              value={quality}
              disabled={cameraId === OFF}
              onChange={(e) => {
                const id = (e.target as HTMLSelectElement).value;
                setQuality(id);
                void openCamera(video?.deviceId ?? cameraId, id);
              }}
            >
              {VIDEO_QUALITIES.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.label}
                </option>
              ))}
            </select>
          </label>

          <label class="field">
            <span>Microphone</span>
            <select
              value={micId === OFF ? OFF : (audio?.deviceId ?? micId ?? '')}
              onChange={(e) => {
                const id = (e.target as HTMLSelectElement).value;
                setMicId(id);
                void openMicrophone(id, micMode);
              }}
              data-testid="capture-microphone"
            >
              {microphones.map((m) => (
                <option key={m.deviceId} value={m.deviceId}>
                  {m.label}
                </option>
              ))}
              <option value={OFF} disabled={live && !!audio}>
                Off
              </option>
            </select>
            {micError && <small class="error-text">{micError}</small>}
          </label>

          <fieldset class="field segmented" disabled={micId === OFF}>
            <legend>Microphone mode</legend>
            {(['speech', 'measurement'] as const).map((mode) => (
              <label key={mode} class={`segment${micMode === mode ? ' segment--on' : ''}`}>
                <input
                  type="radio"
                  name="mic-mode"
                  value={mode}
                  checked={micMode === mode}
                  onChange={() => {
                    setMicMode(mode);
                    void openMicrophone(audio?.deviceId ?? micId, mode);
                  }}
                  data-testid={`capture-mode-${mode}`}
                />
                {mode === 'speech' ? 'Speech' : 'Measurement'}
              </label>
            ))}
            <small class={processing && !processing.ok ? 'error-text' : 'muted'} data-testid="capture-processing" data-ok={processing?.ok ? 'true' : 'false'}>
              {processing ? processing.detail : micMode === 'measurement' ? 'Raw levels for sound masking' : 'Cleaned up for speech'}
            </small>
          </fieldset>

          <HandLandmarksPanel token={token} room={room} label={labels.video} video={videoRef} cameraOn={!!video} />

          <div class="actions">
            {live ? (
              <button class="button button--danger" onClick={() => void stop()} disabled={busy} data-testid="capture-stop">
                Stop
              </button>
            ) : (
              <button class="button button--primary" onClick={() => void goLive()} disabled={busy || !nameValid || (!video && !audio)} data-testid="capture-go-live">
                Go live
              </button>
            )}
          </div>
        </aside>

        {snapshot && <StatusPanel snapshot={snapshot} />}
      </main>
    </div>
  );
}

const STATE_TEXT: Record<string, string> = {
  idle: 'Ready',
  connecting: 'Connecting…',
  publishing: 'Live',
  reconnecting: 'Reconnecting…',
  refused: 'Refused',
  stopped: 'Closed',
};

export function StatePill({ state, detail }: { state: string; detail: string }) {
  return (
    <span class={`pill pill--${state}`} role="status" aria-live="polite" title={detail} data-testid="capture-state">
      <span class="pill-dot" aria-hidden="true" />
      {STATE_TEXT[state] ?? state}
    </span>
  );
}
