import { z } from 'zod';
import type { ObsRequest } from './ObsConnection.ts';

/**
 * What Roomcast can ask OBS to do for rules and effects. Each command is validated params plus its
 * requests, written as rounds: every `yield` is one round of requests and gets back their answers.
 * Commands fired together share each round's RequestBatch (see ObsBatcher), so three actions that
 * need a lookup first cost two round trips, not six.
 */

/** Answers of one round (responseData of each request, in order); a refused request never gets here. */
export type ObsAnswers = Array<Record<string, unknown>>;
export type ObsSteps = Generator<ObsRequest[], void, ObsAnswers>;

const obsName = (what: string) => z.string().min(1, `the ${what} name must not be empty`).max(512);
const onOffToggle = z.union([z.boolean(), z.literal('toggle')], { error: 'must be true, false or "toggle"' });

export const ObsSceneParams = z.strictObject({
  /** Scene to put on program (with OBS's current transition). */
  scene: obsName('scene'),
});

export const ObsVisibilityParams = z.strictObject({
  /** Scene (or group) that holds the source. */
  scene: obsName('scene'),
  source: obsName('source'),
  visible: onOffToggle,
});

export const ObsTextParams = z.strictObject({
  /** A text source (FreeType 2 on Linux, GDI+ on Windows). */
  source: obsName('source'),
  text: z.string().max(10_000),
});

export const ObsFilterParams = z.strictObject({
  /** Source (or scene) the filter is on. */
  source: obsName('source'),
  filter: obsName('filter'),
  enabled: onOffToggle,
});

export const ObsMediaRestartParams = z.strictObject({
  /** A media source (ffmpeg_source / VLC): plays from the start. */
  source: obsName('source'),
});

export const OBS_COMMAND_TYPES = ['obs.scene', 'obs.source.visibility', 'obs.text', 'obs.filter', 'obs.media.restart'] as const;

/** Any command with its type, e.g. `{ type: 'obs.text', source: 'Caption', text: 'Hi' }` (obs.batch lists these). */
export const ObsCommandSchema = z.discriminatedUnion(
  'type',
  [
    ObsSceneParams.extend({ type: z.literal('obs.scene') }),
    ObsVisibilityParams.extend({ type: z.literal('obs.source.visibility') }),
    ObsTextParams.extend({ type: z.literal('obs.text') }),
    ObsFilterParams.extend({ type: z.literal('obs.filter') }),
    ObsMediaRestartParams.extend({ type: z.literal('obs.media.restart') }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? `"type" must be one of ${OBS_COMMAND_TYPES.join(', ')}` : undefined) },
);
export type ObsCommand = z.output<typeof ObsCommandSchema>;
export type ObsCommandType = ObsCommand['type'];
type CommandOf<K extends ObsCommandType> = Extract<ObsCommand, { type: K }>;

interface CommandDefinition<K extends ObsCommandType> {
  description: string;
  /** For logs and errors: `switch to scene "Live"`. */
  describe(command: CommandOf<K>): string;
  steps(command: CommandOf<K>): ObsSteps;
}

const q = JSON.stringify;

export const OBS_COMMANDS: { [K in ObsCommandType]: CommandDefinition<K> } = {
  'obs.scene': {
    description: 'Switch the OBS program scene',
    describe: ({ scene }) => `switch to scene ${q(scene)}`,
    *steps({ scene }) {
      yield [{ requestType: 'SetCurrentProgramScene', requestData: { sceneName: scene } }];
    },
  },
  'obs.source.visibility': {
    description: 'Show, hide or toggle a source in an OBS scene',
    describe: ({ scene, source, visible }) => `${visible === 'toggle' ? 'toggle' : visible ? 'show' : 'hide'} source ${q(source)} in scene ${q(scene)}`,
    *steps({ scene, source, visible }) {
      // Scene items are addressed by id; names are what people write in rules.
      const [item] = yield [{ requestType: 'GetSceneItemId', requestData: { sceneName: scene, sourceName: source } }];
      const sceneItemId = item!['sceneItemId'];
      let sceneItemEnabled = visible;
      if (sceneItemEnabled === 'toggle') {
        const [state] = yield [{ requestType: 'GetSceneItemEnabled', requestData: { sceneName: scene, sceneItemId } }];
        sceneItemEnabled = state!['sceneItemEnabled'] !== true;
      }
      yield [{ requestType: 'SetSceneItemEnabled', requestData: { sceneName: scene, sceneItemId, sceneItemEnabled } }];
    },
  },
  'obs.text': {
    description: 'Set the text of an OBS text source',
    describe: ({ source }) => `set the text of ${q(source)}`,
    *steps({ source, text }) {
      // overlay: only `text` changes; font, colours and the rest stay as the operator set them.
      yield [{ requestType: 'SetInputSettings', requestData: { inputName: source, inputSettings: { text }, overlay: true } }];
    },
  },
  'obs.filter': {
    description: 'Enable, disable or toggle a filter on an OBS source',
    describe: ({ source, filter, enabled }) => `${enabled === 'toggle' ? 'toggle' : enabled ? 'enable' : 'disable'} filter ${q(filter)} on ${q(source)}`,
    *steps({ source, filter, enabled }) {
      let filterEnabled = enabled;
      if (filterEnabled === 'toggle') {
        const [state] = yield [{ requestType: 'GetSourceFilter', requestData: { sourceName: source, filterName: filter } }];
        filterEnabled = state!['filterEnabled'] !== true;
      }
      yield [{ requestType: 'SetSourceFilterEnabled', requestData: { sourceName: source, filterName: filter, filterEnabled } }];
    },
  },
  'obs.media.restart': {
    description: 'Restart an OBS media source from the beginning',
    describe: ({ source }) => `restart media ${q(source)}`,
    *steps({ source }) {
      yield [{ requestType: 'TriggerMediaInputAction', requestData: { inputName: source, mediaAction: 'OBS_WEBSOCKET_MEDIA_INPUT_ACTION_RESTART' } }];
    },
  },
};

/** A command ready for the batcher: its label and its rounds of requests. */
export interface ObsPlan {
  label: string;
  steps: ObsSteps;
}

export function planFor(command: ObsCommand): ObsPlan {
  // One cast: TypeScript cannot correlate the union member with its map entry.
  const definition = OBS_COMMANDS[command.type] as unknown as CommandDefinition<ObsCommandType> & {
    describe(c: ObsCommand): string;
    steps(c: ObsCommand): ObsSteps;
  };
  return { label: definition.describe(command), steps: definition.steps(command) };
}
