/**
 * Plain types of the OBS adapter's API (`/api/obs/*`), free of Node imports so the control UI can use them.
 */

/** Where the link to OBS stands. */
export type ObsLinkState = 'disabled' | 'connecting' | 'connected' | 'disconnected';

/** `GET /api/obs/status`. */
export interface ObsStatus {
  enabled: boolean;
  /** obs.url without credentials. */
  url: string;
  state: ObsLinkState;
  /** Why it is not connected (the same text as the `adapter:obs` health entry). */
  reason?: string | undefined;
  /** From OBS once connected, e.g. `29.0.2` and `5.1.0`. */
  obsVersion?: string | undefined;
  obsWebSocketVersion?: string | undefined;
  /** The program scene, followed live through OBS events. */
  currentProgramScene?: string | undefined;
  /** Epoch ms of the last state change. */
  since: number;
  /** Failed connection attempts since the last success; the next one is due at `nextAttemptAt` (epoch ms). */
  failedAttempts: number;
  nextAttemptAt?: number | undefined;
}

/** `GET /api/obs/scenes`: in OBS's on-screen order (top first). */
export interface ObsSceneList {
  currentProgramScene: string;
  scenes: Array<{ name: string }>;
}

/** `GET /api/obs/scenes/:scene/items`. */
export interface ObsSceneItemList {
  scene: string;
  items: Array<{ id: number; source: string; inputKind: string | null; visible: boolean; isGroup: boolean }>;
}

/** `GET /api/obs/inputs`: every input, with its kind (text_ft2_source_v2, ffmpeg_source...) so pickers can filter. */
export interface ObsInputList {
  inputs: Array<{ name: string; kind: string }>;
}

/** `GET /api/obs/sources/:source/filters`. */
export interface ObsFilterList {
  source: string;
  filters: Array<{ name: string; kind: string; enabled: boolean }>;
}
