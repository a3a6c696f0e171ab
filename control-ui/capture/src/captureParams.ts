import { PRODUCER_LABEL_PATTERN } from '../../../server/protocol/mediaEvents.ts';
import type { MicMode } from './devices.ts';
import { VIDEO_QUALITIES } from './devices.ts';

/** `/capture/?room=demo&name=desk&mic=measurement&quality=720p&codec=vp8&autostart=1#token=...` */
export interface CaptureParams {
  room: string | null;
  /** Publisher name: labels are `<name>-cam` and `<name>-mic`. */
  name: string;
  micMode: MicMode;
  quality: string;
  videoCodec: 'vp8' | 'h264';
  camera: boolean;
  microphone: boolean;
  /** Go live as soon as the devices are open (kiosks, tests). */
  autostart: boolean;
}

const NAME_KEY = 'roomcast.capture.name';

function storedName(): string | null {
  try {
    return localStorage.getItem(NAME_KEY);
  } catch {
    return null;
  }
}

export function rememberName(name: string): void {
  try {
    localStorage.setItem(NAME_KEY, name);
  } catch {
    // Fine: the name is in the field.
  }
}

export function isValidName(name: string): boolean {
  return PRODUCER_LABEL_PATTERN.test(`${name}-cam`) && name.length <= 56;
}

const flag = (value: string | null, fallback: boolean) => (value === null ? fallback : !['0', 'false', 'off', 'no'].includes(value));

export function readCaptureParams(): CaptureParams {
  const query = new URLSearchParams(window.location.search);
  const room = query.get('room')?.trim();
  const name = query.get('name')?.trim() || storedName() || `capture-${Math.random().toString(36).slice(2, 6)}`;
  const quality = query.get('quality') ?? '480p';
  return {
    room: room ? room : null,
    name: isValidName(name) ? name : 'capture',
    micMode: query.get('mic') === 'measurement' || flag(query.get('measurement'), false) ? 'measurement' : 'speech',
    quality: VIDEO_QUALITIES.some((q) => q.id === quality) ? quality : '480p',
    videoCodec: query.get('codec')?.toLowerCase() === 'h264' ? 'h264' : 'vp8',
    camera: flag(query.get('video'), true),
    microphone: flag(query.get('audio'), true),
    autostart: flag(query.get('autostart'), false),
  };
}
