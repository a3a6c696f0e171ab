import type { AnyStageDefinition } from '../../pipelines/Stage.ts';
import type { EffectDefinition } from '../../adapters/lights/effects/Effect.ts';
import type { ActionType } from '../actions/Action.ts';
import type { Feature } from '../features/Feature.ts';
import type { LoadedPlugin } from './loadPlugins.ts';

/** What `GET /api/plugins` and the UI show of a plugin. */
export interface PluginSummary {
  name: string;
  version: string | null;
  description: string | null;
  entry: string;
  stages: string[];
  features: string[];
  actions: string[];
  effects: string[];
}

/** The loaded plugins and what each contributes, with its origin kept for error messages. */
export class PluginSet {
  constructor(readonly plugins: readonly LoadedPlugin[] = []) {}

  stagesOf(plugin: LoadedPlugin): readonly AnyStageDefinition[] {
    return plugin.definition.stages ?? [];
  }

  get features(): Array<{ plugin: string; feature: Feature }> {
    return this.plugins.flatMap((p) => (p.definition.features ?? []).map((feature) => ({ plugin: p.definition.name, feature: feature as Feature })));
  }

  get actions(): Array<{ plugin: string; action: ActionType }> {
    return this.plugins.flatMap((p) => (p.definition.actions ?? []).map((action) => ({ plugin: p.definition.name, action: action as ActionType })));
  }

  get effects(): Array<{ plugin: string; effect: EffectDefinition }> {
    return this.plugins.flatMap((p) => (p.definition.effects ?? []).map((effect) => ({ plugin: p.definition.name, effect: effect as EffectDefinition })));
  }

  summaries(): PluginSummary[] {
    return this.plugins.map(({ entry, definition: d }) => ({
      name: d.name,
      version: d.version ?? null,
      description: d.description ?? null,
      entry,
      stages: (d.stages ?? []).map((s) => s.type),
      features: (d.features ?? []).map((f) => f.name),
      actions: (d.actions ?? []).map((a) => a.type),
      effects: (d.effects ?? []).map((e) => e.id),
    }));
  }
}
