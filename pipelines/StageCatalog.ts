import type { AnyStageDefinition } from './Stage.ts';

/** Where a stage type came from, for error messages and the UI. */
export type StageOrigin = { kind: 'builtin' } | { kind: 'plugin'; plugin: string };

export interface CatalogEntry {
  definition: AnyStageDefinition;
  origin: StageOrigin;
}

/**
 * The stage types pipelines may use: built-ins plus those plugins bring. Pipeline config is validated
 * against it (unknown types and bad options are config errors naming the full path).
 */
export class StageCatalog {
  private readonly entries = new Map<string, CatalogEntry>();

  constructor(definitions: readonly AnyStageDefinition[] = [], origin: StageOrigin = { kind: 'builtin' }) {
    for (const definition of definitions) this.add(definition, origin);
  }

  add(definition: AnyStageDefinition, origin: StageOrigin): void {
    const existing = this.entries.get(definition.type);
    if (existing) {
      const by = (o: StageOrigin) => (o.kind === 'builtin' ? 'a built-in stage' : `plugin "${o.plugin}"`);
      throw new Error(`stage type "${definition.type}" from ${by(origin)} clashes with ${by(existing.origin)}`);
    }
    this.entries.set(definition.type, { definition, origin });
  }

  /** A new catalog with these entries plus `definitions`. */
  with(definitions: readonly AnyStageDefinition[], origin: StageOrigin): StageCatalog {
    const copy = new StageCatalog();
    for (const entry of this.entries.values()) copy.add(entry.definition, entry.origin);
    for (const definition of definitions) copy.add(definition, origin);
    return copy;
  }

  get(type: string): AnyStageDefinition | undefined {
    return this.entries.get(type)?.definition;
  }

  types(): string[] {
    return [...this.entries.keys()].sort();
  }

  list(): CatalogEntry[] {
    return [...this.entries.values()].sort((a, b) => a.definition.type.localeCompare(b.definition.type));
  }
}
