import { z } from 'zod';
import { defineStage, type Emit } from '../../Stage.ts';
import type { EventFrame, FrameOfKind, VideoFrame } from '../../frames.ts';
import { GESTURE_FRAME_TYPES, type BrowserLandmarks, type GestureEvent, type HandsObservation } from '../../../server/protocol/gestureEvents.ts';
import { DEFAULT_MIN_CONFIDENCE, DEFAULT_MIN_MARGIN } from './classifyHandPose.ts';
import { DEFAULT_HYSTERESIS } from './GestureHysteresis.ts';
import { DEFAULT_DETECTOR_SETTINGS, HandDetector } from './HandDetector.ts';
import { GestureRecognizer, type HandsFrame } from './GestureRecognizer.ts';
import { gestureMonitor } from './GestureMonitor.ts';
import { parseSourceId, roomSourceId } from './gestureSource.ts';
import { BrowserLandmarksSchema } from './landmarkSchemas.ts';
import { formatZodError } from '../../../server/validation/formatIssues.ts';
import { DEFAULT_SWIPE_OPTIONS } from './SwipeDetector.ts';

export const GestureStageOptionsSchema = z.strictObject({
  /**
   * `server`: find hands in the video here (Human, tfjs WASM, in a worker_thread). `browser`: the capture
   * page runs MediaPipe Hands and sends landmarks; this stage only classifies them (same code).
   */
  mode: z.enum(['server', 'browser']).default('server'),
  /** 1 tracks cheaply; with 2 the detector reruns while fewer than 2 hands are tracked (server mode). */
  maxHands: z.number().int().min(1).max(2).default(DEFAULT_DETECTOR_SETTINGS.maxHands),
  /** Hand presence threshold (server mode); 0.5 keeps a ghost hand after the real one leaves. */
  minHandConfidence: z.number().min(0.1).max(0.99).default(DEFAULT_DETECTOR_SETTINGS.minConfidence),
  /** Sizes searched while no hand is tracked (1 = the frame as is; 0.5 also finds hands that fill the picture). */
  searchScales: z.array(z.number().min(0.2).max(1)).min(1).max(4).default([...DEFAULT_DETECTOR_SETTINGS.searchScales]),
  /** A pose must hold this many frames and this long before gesture_start... */
  minHoldFrames: z.number().int().min(1).max(60).default(DEFAULT_HYSTERESIS.minHoldFrames),
  minHoldMs: z.number().int().min(0).max(10_000).default(DEFAULT_HYSTERESIS.minHoldMs),
  /** ...and be gone this many frames and this long before gesture_end. */
  releaseFrames: z.number().int().min(1).max(60).default(DEFAULT_HYSTERESIS.releaseFrames),
  releaseMs: z.number().int().min(0).max(10_000).default(DEFAULT_HYSTERESIS.releaseMs),
  /** Classifier: the best pose's match score must reach this, and beat the runner-up by minPoseMargin. */
  minPoseConfidence: z.number().min(0.3).max(1).default(DEFAULT_MIN_CONFIDENCE),
  minPoseMargin: z.number().min(0).max(0.5).default(DEFAULT_MIN_MARGIN),
  swipes: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Palm sizes the palm must travel... */
      minDistance: z.number().min(0.5).max(20).default(DEFAULT_SWIPE_OPTIONS.minDistance),
      /** ...within this long... */
      maxDurationMs: z.number().int().min(100).max(5_000).default(DEFAULT_SWIPE_OPTIONS.maxDurationMs),
      /** ...at this many palm sizes per second on average. */
      minSpeed: z.number().min(0.5).max(100).default(DEFAULT_SWIPE_OPTIONS.minSpeed),
      returnSuppressMs: z.number().int().min(0).max(5_000).default(DEFAULT_SWIPE_OPTIONS.returnSuppressMs),
    })
    .prefault({}),
  /** The camera image is mirrored (selfie view): swipe left/right as the user sees them. */
  mirrored: z.boolean().default(false),
  /**
   * Browser mode: the capture source whose landmarks this stage classifies (its room and video label,
   * e.g. `desk-cam`). Default: the source of the frames passing through (a `producer` source of that
   * camera). Set them when the pipeline's source is something else, such as a `synthetic` event source
   * ticking at 30/s so the server decodes no video at all.
   */
  room: z.string().min(1).max(64).optional(),
  label: z.string().min(1).max(64).optional(),
}).superRefine((options, ctx) => {
  if ((options.room === undefined) !== (options.label === undefined)) {
    ctx.addIssue({ code: 'custom', path: [options.room === undefined ? 'room' : 'label'], message: 'room and label go together (the capture source whose landmarks to classify)' });
  }
  if (options.room !== undefined && options.mode !== 'browser') {
    ctx.addIssue({ code: 'custom', path: ['room'], message: 'room and label are for mode: browser (server mode reads the frames it is given)' });
  }
});

export type GestureStageOptions = z.output<typeof GestureStageOptionsSchema>;

/** Browser landmarks waiting for the next frame of their source; bounded (the newest are kept). */
const INBOX_LIMIT = 30;

/**
 * The gesture stage: video (or browser landmarks) in, `gesture_start` / `gesture_end` event frames out.
 * Payloads are GestureEvent (server/protocol/gestureEvents.ts). Every processed frame is also reported
 * to the in-process GestureMonitor (the Gestures page; the gestures feature puts events on the bus).
 * It takes events too (landmarks in browser mode); other events pass through unchanged, behind the
 * frame being analysed, so put stages that emit events for later stages after this one.
 */
export const gestureStage = defineStage({
  type: 'gesture',
  description: 'Hand gestures (open_palm, fist, thumbs_up/down, victory, pointing_up, i_love_you, pinch, swipes) from video or browser landmarks',
  optionsSchema: GestureStageOptionsSchema,
  inputs: ['video', 'event'],
  outputs: ['event'],
  // Searching for a hand takes ~150-250 ms on one core; tracking (and re-checking a lost hand) ~30-40 ms.
  deadlineMs: 400,
  async create(options, ctx) {
    const detector =
      options.mode === 'server'
        ? await HandDetector.start({
            maxHands: options.maxHands,
            minConfidence: options.minHandConfidence,
            searchScales: options.searchScales,
            // A lost hand is looked for where it was until its gesture can have ended (the release
            // hysteresis, plus one frame at >= 10 fps): that end is then decided on a ~30 ms frame, not
            // behind a 150-250 ms search, and a hand that only flickers out is kept without one.
            lostHandRecheck: { frames: options.releaseFrames, ms: options.releaseMs + 100 },
          })
        : undefined;
    detector?.on('exit', (err) => ctx.logger.error({ err: err.message }, 'gesture worker died; the stage restarts'));
    const recognizers = new Map<string, GestureRecognizer>();
    const detachments: Array<() => void> = [];
    let seq = 0;

    const recognizerFor = (sourceId: string): GestureRecognizer => {
      let recognizer = recognizers.get(sourceId);
      if (!recognizer) {
        recognizer = new GestureRecognizer({
          source: sourceId,
          room: parseSourceId(sourceId)?.room ?? ctx.room,
          hold: { minHoldFrames: options.minHoldFrames, minHoldMs: options.minHoldMs, releaseFrames: options.releaseFrames, releaseMs: options.releaseMs },
          swipe: options.swipes.enabled
            ? { minDistance: options.swipes.minDistance, maxDurationMs: options.swipes.maxDurationMs, minSpeed: options.swipes.minSpeed, returnSuppressMs: options.swipes.returnSuppressMs, mirrored: options.mirrored }
            : { minDistance: Number.POSITIVE_INFINITY },
          minPoseConfidence: options.minPoseConfidence,
          minPoseMargin: options.minPoseMargin,
        });
        recognizers.set(sourceId, recognizer);
        detachments.push(gestureMonitor.attach({ source: sourceId, room: parseSourceId(sourceId)?.room ?? ctx.room, mode: options.mode }));
        if (options.mode === 'browser') detachments.push(gestureMonitor.receiveLandmarks(sourceId, (landmarks) => enqueue(sourceId, landmarks)));
      }
      return recognizer;
    };

    // Browser mode: landmarks arrive on the gestures socket, between frames; each frame that passes
    // through this stage (video or event) takes them in arrival order.
    const inbox: Array<{ sourceId: string; landmarks: BrowserLandmarks }> = [];
    const enqueue = (sourceId: string, landmarks: BrowserLandmarks) => {
      inbox.push({ sourceId, landmarks });
      if (inbox.length > INBOX_LIMIT) inbox.shift();
    };

    const lastObservation = new Map<string, HandsObservation>();
    const recognize = async (sourceId: string, frame: HandsFrame, emit: Emit<'event'>): Promise<HandsObservation> => {
      const { events, observation } = recognizerFor(sourceId).observe(frame);
      lastObservation.set(sourceId, observation);
      gestureMonitor.emit('observation', observation);
      for (const event of events) await emitGesture(sourceId, event, emit);
      return observation;
    };

    const emitGesture = async (sourceId: string, event: GestureEvent, emit: Emit<'event'>) => {
      gestureMonitor.emit('event', event);
      const out: EventFrame<string, GestureEvent> = {
        kind: 'event',
        sourceId,
        seq: seq++,
        captureTs: event.decidedAt,
        type: event.phase === 'start' ? GESTURE_FRAME_TYPES.start : GESTURE_FRAME_TYPES.end,
        payload: event,
      };
      await emit(out);
    };

    // Browser mode with a named capture source: listen for its landmarks from the start.
    const browserSource = options.mode === 'browser' && options.room && options.label ? roomSourceId(options.room, options.label) : undefined;
    if (browserSource) recognizerFor(browserSource);

    const drainInbox = async (emit: Emit<'event'>) => {
      while (inbox.length) {
        const { sourceId, landmarks } = inbox.shift()!;
        await recognize(sourceId, { ...landmarks, mode: 'browser' }, emit);
      }
    };

    const processVideo = async (frame: VideoFrame, emit: Emit<'event'>) => {
      if (frame.format !== 'rgb24') throw new Error(`gesture stage needs rgb24 video, got ${frame.format as string}`);
      if (!browserSource) recognizerFor(frame.sourceId);
      if (!detector) {
        await drainInbox(emit);
        // The picture goes with the landmarks the page sent last (they come close, not exactly).
        if (gestureMonitor.wantsFrames(frame.sourceId)) gestureMonitor.emit('frame', frame, lastObservation.get(browserSource ?? frame.sourceId));
        return;
      }
      const detection = await detector.detect({ width: frame.width, height: frame.height, rgb: frame.data, captureTs: frame.captureTs }, 'video');
      const observation = await recognize(frame.sourceId, { captureTs: frame.captureTs, width: frame.width, height: frame.height, mode: detection.mode, inferenceMs: detection.inferenceMs, hands: detection.hands }, emit);
      // The picture with exactly what was seen in it, for the Gestures page.
      if (gestureMonitor.wantsFrames(frame.sourceId)) gestureMonitor.emit('frame', frame, observation);
    };

    const processEvent = async (frame: EventFrame, emit: Emit<'event'>) => {
      if (frame.type === GESTURE_FRAME_TYPES.landmarks && options.mode === 'browser') {
        // Landmarks routed through the pipeline itself (a source that carries them).
        const parsed = BrowserLandmarksSchema.safeParse(frame.payload);
        await drainInbox(emit);
        // One bad frame is dropped; throwing would restart the stage for nothing.
        if (!parsed.success) return void ctx.logger.warn({ sourceId: frame.sourceId, err: formatZodError(parsed.error, BrowserLandmarksSchema) }, `invalid ${GESTURE_FRAME_TYPES.landmarks} frame dropped`);
        await recognize(roomSourceId(parsed.data.room, parsed.data.label), { ...parsed.data, mode: 'browser' }, emit);
        return;
      }
      await drainInbox(emit);
      // Not ours: pass it on unchanged for the stages and sinks after this one.
      await emit(frame);
    };

    return {
      async process(frame: FrameOfKind<'video' | 'event'>, emit: Emit<'event'>) {
        if (frame.kind === 'video') await processVideo(frame, emit);
        else await processEvent(frame, emit);
      },
      async close() {
        // No frames can be emitted any more; still tell the monitor (UI, bus) those gestures are over.
        for (const recognizer of recognizers.values()) for (const event of recognizer.releaseAll(Date.now())) gestureMonitor.emit('event', event);
        for (const detach of detachments) detach();
        await detector?.close();
      },
    };
  },
});
