import { useState } from 'preact/hooks';
import type { LightsFixtureView } from '../../../../server/protocol/lightsEvents.ts';

export interface ProfileOption {
  id: string;
  name: string;
  footprint: number;
}

interface FixtureFormProps {
  /** null: a new fixture. */
  fixture: LightsFixtureView | null;
  fixtures: LightsFixtureView[];
  profiles: ProfileOption[];
  busy: boolean;
  onCancel(): void;
  onSave(originalId: string, body: Record<string, unknown>): Promise<void>;
}

/** First address in `universe` after every patched fixture (edited one excluded). */
function nextFreeAddress(fixtures: LightsFixtureView[], universe: number, except: string | null): number {
  let next = 1;
  for (const f of fixtures) {
    if (f.kind !== 'dmx' || f.universe !== universe || f.id === except) continue;
    next = Math.max(next, (f.address ?? 1) + (f.profile?.footprint ?? 1));
  }
  return next;
}

/** Add or edit one fixture; the server checks it against the whole patch (overlaps, ranges). */
export function FixtureForm({ fixture, fixtures, profiles, busy, onCancel, onSave }: FixtureFormProps) {
  const [id, setId] = useState(fixture?.id ?? '');
  const [name, setName] = useState(fixture?.name ?? '');
  const [kind, setKind] = useState<'dmx' | 'hue'>(fixture?.kind ?? 'dmx');
  const [profile, setProfile] = useState(fixture?.profile?.id ?? profiles[0]?.id ?? 'rgb-par-7ch');
  const [universe, setUniverse] = useState(String(fixture?.universe ?? 1));
  const [address, setAddress] = useState(String(fixture?.address ?? nextFreeAddress(fixtures, 1, null)));
  const [bridge, setBridge] = useState(fixture?.bridge ?? '');
  const [light, setLight] = useState(fixture?.light ?? '');
  const [colour, setColour] = useState(fixture ? fixture.attributes.includes('red') : true);
  const [groups, setGroups] = useState(fixture?.groups.join(', ') ?? '');
  const [optOut, setOptOut] = useState(Boolean(fixture?.flashLimitOptOut));
  const [reason, setReason] = useState(fixture?.flashLimitOptOut ?? '');

  const submit = (event: Event) => {
    event.preventDefault();
    const body: Record<string, unknown> = {
      id: id.trim(),
      ...(name.trim() ? { name: name.trim() } : {}),
      kind,
      groups: groups
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean),
      ...(optOut ? { flashLimitOptOut: reason.trim() } : {}),
    };
    if (kind === 'dmx') Object.assign(body, { profile, universe: Number(universe), address: Number(address) });
    else Object.assign(body, { bridge: bridge.trim(), light: light.trim(), colour });
    void onSave(fixture?.id ?? body['id'] as string, body);
  };

  const footprint = profiles.find((p) => p.id === profile)?.footprint;
  return (
    <form class="fixture-form" onSubmit={submit} data-testid="fixture-form">
      <h3>{fixture ? `Edit “${fixture.name}”` : 'Add a fixture'}</h3>
      <div class="form-grid">
        <label class="field">
          <span class="field-label">Id</span>
          <input value={id} onInput={(e) => setId((e.target as HTMLInputElement).value)} required placeholder="par-5" name="id" />
        </label>
        <label class="field">
          <span class="field-label">Name</span>
          <input value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} placeholder="Front left par" name="name" />
        </label>
        <label class="field">
          <span class="field-label">Kind</span>
          <select value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as 'dmx' | 'hue')} name="kind">
            <option value="dmx">DMX fixture</option>
            <option value="hue">Philips Hue light</option>
          </select>
        </label>
        {kind === 'dmx' ? (
          <>
            <label class="field field--wide">
              <span class="field-label">Profile</span>
              <select value={profile} onChange={(e) => setProfile((e.target as HTMLSelectElement).value)} name="profile">
                {profiles.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
            <label class="field">
              <span class="field-label">Universe</span>
              <input type="number" min={1} max={63999} value={universe} onInput={(e) => setUniverse((e.target as HTMLInputElement).value)} name="universe" />
            </label>
            <label class="field">
              <span class="field-label">Address{footprint ? ` (${footprint} ch)` : ''}</span>
              <span class="input-row">
                <input type="number" min={1} max={512} value={address} onInput={(e) => setAddress((e.target as HTMLInputElement).value)} name="address" />
                <button type="button" class="button button--small button--quiet" onClick={() => setAddress(String(nextFreeAddress(fixtures, Number(universe) || 1, fixture?.id ?? null)))}>
                  Next free
                </button>
              </span>
            </label>
          </>
        ) : (
          <>
            <label class="field">
              <span class="field-label">Bridge (Hue adapter id)</span>
              <input value={bridge} onInput={(e) => setBridge((e.target as HTMLInputElement).value)} placeholder="living-room" name="bridge" />
            </label>
            <label class="field">
              <span class="field-label">Light id</span>
              <input value={light} onInput={(e) => setLight((e.target as HTMLInputElement).value)} placeholder="3" name="light" />
            </label>
            <label class="field field--check">
              <input type="checkbox" checked={colour} onChange={(e) => setColour((e.target as HTMLInputElement).checked)} />
              <span>Colour light (uncheck for white-only bulbs)</span>
            </label>
          </>
        )}
        <label class="field field--wide">
          <span class="field-label">Groups</span>
          <input value={groups} onInput={(e) => setGroups((e.target as HTMLInputElement).value)} placeholder="front, pars" name="groups" />
        </label>
      </div>
      <div class={`optout${optOut ? ' is-on' : ''}`}>
        <label class="field--check">
          <input type="checkbox" checked={optOut} onChange={(e) => setOptOut((e.target as HTMLInputElement).checked)} data-testid="optout-toggle" />
          <span>Turn the photosensitive flash limiter off for this fixture</span>
        </label>
        {optOut && (
          <label class="field">
            <span class="field-label">Reason (shown in the log and to every operator)</span>
            <input value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} placeholder="Dedicated strobe; audience warned at the door" required minLength={3} />
          </label>
        )}
      </div>
      <div class="form-actions">
        <button type="submit" class="button button--primary" disabled={busy} data-testid="fixture-save">
          {busy ? 'Saving…' : fixture ? 'Save fixture' : 'Add to patch'}
        </button>
        <button type="button" class="button button--quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
