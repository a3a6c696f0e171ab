import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { HandLandmarkSender, type SenderStatus } from './HandLandmarkSender.ts';

/** `?gestures=browser` turns it on when the page opens (kiosks, tests). */
function wantedFromAddress(): boolean {
  return new URLSearchParams(window.location.search).get('gestures') === 'browser';
}

/**
 * "Find hands in this browser": runs MediaPipe Hands on the camera preview and sends the landmarks to
 * Roomcast, for pipelines whose gesture stage is in `mode: browser`. Needs a camera; costs this
 * machine's GPU instead of the server's CPU.
 */
export function HandLandmarksPanel({ token, room, label, video, cameraOn }: { token: string; room: string; label: string; video: RefObject<HTMLVideoElement>; cameraOn: boolean }) {
  const [enabled, setEnabled] = useState(wantedFromAddress);
  const [status, setStatus] = useState<SenderStatus | null>(null);

  useEffect(() => {
    const element = video.current;
    if (!enabled || !cameraOn || !element) return undefined;
    const sender = new HandLandmarkSender({ token, room, label, video: element, onStatus: setStatus });
    void sender.start();
    return () => void sender.stop();
  }, [enabled, cameraOn, token, room, label, video]);

  const text = !enabled
    ? 'Off: the server finds hands itself (if a pipeline says so)'
    : !cameraOn
      ? 'Waiting for the camera'
      : status?.state === 'running'
        ? `${status.hands} hand${status.hands === 1 ? '' : 's'} · ${status.fps} fps · ${status.inferenceMs} ms per frame${status.connected ? '' : ' · not connected to Roomcast'}`
        : (status?.detail ?? 'Starting…');
  return (
    <fieldset class="field" data-testid="capture-gestures" data-state={enabled ? (status?.state ?? 'loading') : 'off'} data-hands={status?.hands ?? 0}>
      <legend>Gestures</legend>
      <label class="checkbox">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled((e.target as HTMLInputElement).checked)} data-testid="capture-gestures-toggle" />
        Find hands in this browser
      </label>
      <small class={status?.state === 'failed' ? 'error-text' : 'muted'} data-testid="capture-gestures-status">
        {text}
      </small>
    </fieldset>
  );
}
