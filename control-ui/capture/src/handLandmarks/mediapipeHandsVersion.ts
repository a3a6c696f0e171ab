import mediapipeHandsPackage from '@mediapipe/hands/package.json' with { type: 'json' };

/** The installed @mediapipe/hands version: the server serves its files under it (cacheable forever). */
export const VERSION_PATH: string = (mediapipeHandsPackage as { version: string }).version;
