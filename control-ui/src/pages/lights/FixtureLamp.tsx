import type { LightsFixtureLevels, LightsFixtureView } from '../../../../server/protocol/lightsEvents.ts';
import { lampLook } from './displayColour.ts';

interface FixtureLampProps {
  fixture: LightsFixtureView;
  levels: LightsFixtureLevels | undefined;
  selected: boolean;
  previewing: boolean;
  onToggle(id: string): void;
}

function where(fixture: LightsFixtureView): string {
  if (fixture.kind === 'hue') return `Hue ${fixture.bridge} · light ${fixture.light}`;
  const last = (fixture.address ?? 0) + (fixture.profile?.footprint ?? 1) - 1;
  return `U${fixture.universe} · ${fixture.address}${last !== fixture.address ? `–${last}` : ''}`;
}

/** One virtual fixture: a lamp glowing in its live colour, its name, patch address and intensity. */
export function FixtureLamp({ fixture, levels, selected, previewing, onToggle }: FixtureLampProps) {
  const look = lampLook(levels?.levels, fixture.attributes);
  const shape = fixture.kind === 'hue' ? 'bulb' : fixture.profile?.shape === 'dimmer' ? 'bulb' : (fixture.profile?.shape ?? 'par');
  const percent = Math.round(look.intensity * 100);
  const panDegrees = (look.pan - 0.5) * 270;
  const style = {
    '--lamp-colour': look.hex,
    '--lamp-brightness': look.brightness.toFixed(3),
    '--lamp-pan': `${panDegrees.toFixed(1)}deg`,
    '--lamp-tilt': look.tilt.toFixed(3),
  } as Record<string, string>;
  return (
    <li
      class={`fixture${selected ? ' is-selected' : ''}${levels?.limited ? ' is-limited' : ''}${previewing ? ' is-previewing' : ''}`}
      data-testid="fixture-lamp"
      data-fixture={fixture.id}
      data-colour={look.emittedHex}
      data-intensity={look.intensity.toFixed(2)}
      data-limited={levels?.limited ? 'true' : 'false'}
    >
      <button
        type="button"
        class={`lamp lamp--${shape}`}
        style={style}
        aria-pressed={selected}
        title={`${fixture.name} (${fixture.id}): ${percent}% ${look.emittedHex}. Click to select it as a target.`}
        onClick={() => onToggle(fixture.id)}
      >
        <span class="lamp-glow" aria-hidden="true" />
        <span class="lamp-body" aria-hidden="true">
          <span class="lamp-lens" />
        </span>
        {shape === 'moving-head' && <span class="lamp-pointer" aria-hidden="true" />}
      </button>
      <div class="fixture-text">
        <span class="fixture-name">{fixture.name}</span>
        <span class="fixture-where">{where(fixture)}</span>
      </div>
      <div class="fixture-meter" aria-label={`intensity ${percent}%`}>
        <span style={{ width: `${percent}%` }} />
      </div>
      <div class="fixture-flags">
        <span class="fixture-percent">{percent}%</span>
        {levels?.limited && (
          <span class="chip chip--limit" title="The flash limiter is damping this fixture's output right now">
            limiting
          </span>
        )}
        {fixture.flashLimitOptOut && (
          <span class="chip chip--danger" title={`Flash limiter OFF: ${fixture.flashLimitOptOut}`}>
            no flash limit
          </span>
        )}
      </div>
    </li>
  );
}
