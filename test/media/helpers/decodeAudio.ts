import { spawnGst, stopChild } from './rtpSenders.ts';

/**
 * Decode an encoded audio stream (Ogg/Opus, MP3, WAV... whatever decodebin finds) with gst-launch:
 * mono 48 kHz float32, as a listener's player would hear it.
 */
export async function decodeAudio(bytes: Buffer, timeoutMs = 20_000): Promise<{ samples: Float32Array; stderr: string }> {
  const child = spawnGst(
    ['fdsrc', 'fd=0', '!', 'decodebin', '!', 'audioconvert', '!', 'audioresample', '!', 'audio/x-raw,format=F32LE,rate=48000,channels=1', '!', 'fdsink', 'fd=1', 'sync=false'],
    ['pipe', 'pipe', 'pipe'],
  );
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => chunks.push(d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin!.end(bytes);
  const timer = setTimeout(() => void stopChild(child, 'SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
  const all = Buffer.concat(chunks);
  const samples = new Float32Array(Math.floor(all.length / 4));
  new Uint8Array(samples.buffer).set(all.subarray(0, samples.length * 4));
  return { samples, stderr };
}
