/**
 * Maps a pipeline's buffer timestamps (running time, ns) to epoch milliseconds.
 *
 * A live GStreamer pipeline stamps each buffer with its running time: clock time minus the pipeline's
 * base time. The default GstSystemClock is CLOCK_MONOTONIC, the same clock as `process.hrtime`, so
 * `base + pts` is a monotonic instant we can convert to wall-clock time here. gst-launch doesn't print
 * the base time, but GStreamer's own debug log of the `pipeline` category does (`GST_DEBUG=pipeline:5`):
 *   `... gst_pipeline_change_state:<pipeline0> start_time=0:00:00.0, now=1:00:04.27, base_time 1:00:04.27`
 */

const BASE_TIME = /gstpipeline\.c.*\bbase_time (\d+):(\d{2}):(\d{2})\.(\d{9})/;

/** The debug categories to enable in every child so its base time can be read (and nothing noisier). */
export const GST_DEBUG_FOR_BASE_TIME = 'pipeline:5';

/** The base time in a `GST_DEBUG=pipeline:5` stderr line, in ns; undefined for any other line. */
export function parseBaseTime(line: string): bigint | undefined {
  const m = BASE_TIME.exec(line);
  if (!m) return undefined;
  const seconds = BigInt(m[1]!) * 3600n + BigInt(m[2]!) * 60n + BigInt(m[3]!);
  return seconds * 1_000_000_000n + BigInt(m[4]!);
}

/** `0:00:00.030225885  6918 0x556058ad3430 DEBUG   pipeline gstpipeline.c:494:...`: GStreamer's debug log format. */
const DEBUG_LINE = /^\d+:\d{2}:\d{2}\.\d+\s+\d+\s+0x[0-9a-f]+\s+[A-Z]+\s+(\S+)\s/;

/** The debug category of a GStreamer debug log line (`pipeline`, `rtpvp8depay`), or undefined for other output. */
export function debugCategory(line: string): string | undefined {
  return DEBUG_LINE.exec(line)?.[1];
}

export class GstPipelineClock {
  constructor(readonly baseTimeNs: bigint) {}

  /** Epoch ms (fractional) of a buffer with this running time. */
  toEpochMs(runningTimeNs: bigint): number {
    // Date.now() (not performance.timeOrigin) so consumers comparing against Date.now() agree with us
    // even after the wall clock was stepped.
    const nowMonotonicNs = process.hrtime.bigint();
    return Date.now() - Number(nowMonotonicNs - (this.baseTimeNs + runningTimeNs)) / 1e6;
  }
}
