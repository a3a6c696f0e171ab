import type { LightsFixtureView } from '../../../../server/protocol/lightsEvents.ts';

/** Loud and always visible: fixtures that may flash more than 3 times per second. */
export function SafetyNotice({ fixtures }: { fixtures: LightsFixtureView[] }) {
  const optedOut = fixtures.filter((f) => f.flashLimitOptOut);
  if (optedOut.length === 0) return null;
  return (
    <section class="safety-warning" role="alert" data-testid="lights-safety-warning">
      <span class="safety-icon" aria-hidden="true">
        !
      </span>
      <div>
        <h2>
          Photosensitive flash limit is OFF for {optedOut.length} fixture{optedOut.length === 1 ? '' : 's'}
        </h2>
        <p>
          These can flash more than 3 times per second, which can trigger seizures in people with photosensitive epilepsy. Keep
          them only where the audience is warned.
        </p>
        <ul>
          {optedOut.map((f) => (
            <li key={f.id} data-fixture={f.id}>
              <strong>{f.name}</strong> <code>{f.id}</code> — {f.flashLimitOptOut}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
