import type { LightsFixtureLevels, LightsFixtureView } from '../../../../server/protocol/lightsEvents.ts';
import { FixtureLamp } from './FixtureLamp.tsx';

interface StageViewProps {
  fixtures: LightsFixtureView[];
  levels: Record<string, LightsFixtureLevels>;
  selected: ReadonlySet<string>;
  previewing: ReadonlySet<string>;
  onToggle(id: string): void;
}

function sections(fixtures: LightsFixtureView[]): Array<{ key: string; title: string; fixtures: LightsFixtureView[] }> {
  const map = new Map<string, { key: string; title: string; fixtures: LightsFixtureView[] }>();
  for (const fixture of fixtures) {
    const key = fixture.kind === 'hue' ? `hue:${fixture.bridge}` : `dmx:${fixture.universe}`;
    const title = fixture.kind === 'hue' ? `Hue bridge “${fixture.bridge}”` : `DMX universe ${fixture.universe}`;
    const entry = map.get(key) ?? { key, title, fixtures: [] };
    entry.fixtures.push(fixture);
    map.set(key, entry);
  }
  return [...map.values()];
}

/** Every fixture as a lamp, grouped by DMX universe and Hue bridge. */
export function StageView({ fixtures, levels, selected, previewing, onToggle }: StageViewProps) {
  if (fixtures.length === 0) {
    return <p class="card-empty muted">Nothing is patched. Add fixtures in the patch below or under lights.fixtures in roomcast.yaml.</p>;
  }
  return (
    <div class="stage" data-testid="lights-stage">
      {sections(fixtures).map((section) => (
        <section key={section.key} class="stage-section" aria-label={section.title}>
          <h3 class="stage-title">
            {section.title}
            <span class="muted"> · {section.fixtures.length} fixture{section.fixtures.length === 1 ? '' : 's'}</span>
          </h3>
          <ul class="fixture-grid">
            {section.fixtures.map((fixture) => (
              <FixtureLamp
                key={fixture.id}
                fixture={fixture}
                levels={levels[fixture.id]}
                selected={selected.has(fixture.id)}
                previewing={previewing.has(fixture.id)}
                onToggle={onToggle}
              />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
