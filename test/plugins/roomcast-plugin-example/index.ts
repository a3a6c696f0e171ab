/**
 * An example Roomcast plugin, loaded from a path in roomcast.yaml:
 *
 * ```yaml
 * plugins:
 *   - ./plugins/roomcast-plugin-example     # or an npm package name
 * pipelines:
 *   - id: entrance
 *     source: { type: producer, room: demo, label: cam-1 }
 *     stages:
 *       - { id: motion, type: example.motion, options: { minArea: 0.02 } }
 *     sinks:
 *       - type: actions
 *         event: motion_start
 *         cooldownMs: 10000
 *         actions:
 *           - { type: example.webhook, url: "http://127.0.0.1:8123/api/webhook/entrance" }
 *           - { type: effect.fire, effect: example.glow }
 * ```
 * Everything comes from `roomcast/sdk`, which the server resolves to itself for every plugin.
 */
import { definePlugin } from 'roomcast/sdk';
import { motionStage } from './motionStage.ts';
import { webhookAction } from './webhookAction.ts';
import { glowEffect } from './glowEffect.ts';

export default definePlugin({
  name: 'example',
  version: '1.0.0',
  description: 'Motion detection stage, a webhook action and a glow light effect',
  stages: [motionStage],
  actions: [webhookAction],
  effects: [glowEffect],
});
