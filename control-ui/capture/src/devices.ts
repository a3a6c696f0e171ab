/** Cameras and microphones, and how each is opened. */

export interface DeviceChoice {
  deviceId: string;
  label: string;
}

export interface VideoQuality {
  id: string;
  label: string;
  width: number;
  height: number;
  frameRate: number;
}

export const VIDEO_QUALITIES: readonly VideoQuality[] = [
  { id: '480p', label: '640 × 480 · 30 fps', width: 640, height: 480, frameRate: 30 },
  { id: '720p', label: '1280 × 720 · 30 fps', width: 1280, height: 720, frameRate: 30 },
  { id: '1080p', label: '1920 × 1080 · 30 fps', width: 1920, height: 1080, frameRate: 30 },
  { id: '360p', label: '640 × 360 · 15 fps (low bandwidth)', width: 640, height: 360, frameRate: 15 },
];

/** Microphone modes: speech (the browser cleans the signal up) or measurement (true levels for masking). */
export type MicMode = 'speech' | 'measurement';

export function audioConstraints(deviceId: string | null, mode: MicMode): MediaTrackConstraints {
  const processing = mode === 'speech';
  return {
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    echoCancellation: processing,
    noiseSuppression: processing,
    autoGainControl: processing,
    channelCount: 1,
    sampleRate: 48000,
  };
}

export function videoConstraints(deviceId: string | null, quality: VideoQuality): MediaTrackConstraints {
  return {
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    width: { ideal: quality.width },
    height: { ideal: quality.height },
    frameRate: { ideal: quality.frameRate, max: quality.frameRate },
  };
}

/**
 * Whether the browser really turned the microphone's processing off (measurement mode) or on: some
 * browsers and devices ignore constraints. The page shows this next to the microphone.
 */
export function processingApplied(track: MediaStreamTrack, mode: MicMode): { ok: boolean; detail: string } {
  const settings = track.getSettings();
  const wanted = mode === 'speech';
  const keys = ['echoCancellation', 'noiseSuppression', 'autoGainControl'] as const;
  const wrong = keys.filter((key) => settings[key] !== undefined && settings[key] !== wanted);
  if (wrong.length === 0) return { ok: true, detail: wanted ? 'Echo cancellation, noise suppression and auto gain on' : 'Raw signal: echo cancellation, noise suppression and auto gain off' };
  return { ok: false, detail: `The browser kept ${wrong.join(', ')} ${wanted ? 'off' : 'on'}` };
}

/** Devices of one kind; labels are empty until the page has had a permission once. */
export async function listDevices(kind: 'videoinput' | 'audioinput'): Promise<DeviceChoice[]> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return all
    .filter((d) => d.kind === kind && d.deviceId !== '')
    .map((d, index) => ({ deviceId: d.deviceId, label: d.label || `${kind === 'videoinput' ? 'Camera' : 'Microphone'} ${index + 1}` }));
}

/** getUserMedia's errors, in words a person can act on. */
export function describeMediaError(error: unknown, what: string): string {
  const name = (error as { name?: string }).name;
  switch (name) {
    case 'NotAllowedError':
      return `Access to the ${what} was denied. Allow it in the browser's site settings and try again.`;
    case 'NotFoundError':
      return `No ${what} found.`;
    case 'NotReadableError':
      return `The ${what} is in use by another application or could not be started.`;
    case 'OverconstrainedError':
      return `The ${what} cannot deliver the requested format; choose another quality.`;
    case 'SecurityError':
      return `Media capture needs a secure page (https or localhost).`;
    default:
      return `Could not open the ${what}: ${(error as Error)?.message ?? String(error)}`;
  }
}
