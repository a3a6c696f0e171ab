import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api/ApiError.ts';
import { useSession } from '../../auth/session.ts';
import type { LightsFixtureView, LightsSnapshot } from '../../../../server/protocol/lightsEvents.ts';
import { FixtureForm, type ProfileOption } from './FixtureForm.tsx';

interface PatchEditorProps {
  fixtures: LightsFixtureView[];
  patch: LightsSnapshot['patch'];
  canEdit: boolean;
}

const SOURCE_TEXT: Record<LightsSnapshot['patch']['source'], string> = {
  demo: 'Virtual demo rig: nothing is patched and no DMX/Hue output is configured. Edit it to start your own patch.',
  config: 'From roomcast.yaml (lights.fixtures). Edits here are saved in the data directory and take precedence.',
  saved: 'Edited here and saved in the data directory; it overrides lights.fixtures in roomcast.yaml.',
};

function addressText(f: LightsFixtureView): string {
  if (f.kind === 'hue') return `${f.bridge} · light ${f.light}`;
  const last = (f.address ?? 0) + (f.profile?.footprint ?? 1) - 1;
  return `U${f.universe} · ${f.address}${last !== f.address ? `–${last}` : ''}`;
}

/** The patch as a table; admins add, edit and remove fixtures (validated by the server as a whole). */
export function PatchEditor({ fixtures, patch, canEdit }: PatchEditorProps) {
  const { api } = useSession();
  const [profiles, setProfiles] = useState<ProfileOption[]>([]);
  const [editing, setEditing] = useState<LightsFixtureView | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const abort = new AbortController();
    api.get<{ profiles: ProfileOption[] }>('/api/lights/profiles', abort.signal).then(
      (body) => setProfiles(body.profiles),
      () => undefined,
    );
    return () => abort.abort();
  }, [api]);

  const call = async (work: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err.message : 'The request failed.');
      return false;
    } finally {
      setBusy(false);
    }
  };

  const remove = (fixture: LightsFixtureView) => {
    if (!window.confirm(`Remove “${fixture.name}” (${fixture.id}) from the patch?`)) return;
    void call(() => api.request(`/api/lights/patch/fixtures/${encodeURIComponent(fixture.id)}`, { method: 'DELETE' }));
  };
  const revert = () => {
    if (!window.confirm('Forget the edits made here and go back to the patch in roomcast.yaml?')) return;
    void call(() => api.request('/api/lights/patch', { method: 'DELETE' }));
  };

  return (
    <div class="patch" data-testid="patch-editor" data-source={patch.source}>
      <div class="patch-source">
        <span class={`tag tag--source-${patch.source}`}>{patch.source === 'saved' ? 'saved edits' : patch.source === 'config' ? 'roomcast.yaml' : 'demo rig'}</span>
        <span class="muted">{SOURCE_TEXT[patch.source]}</span>
        {canEdit && patch.source === 'saved' && (
          <button type="button" class="button button--small button--quiet" onClick={revert} disabled={busy} data-testid="patch-revert">
            Revert to roomcast.yaml
          </button>
        )}
      </div>
      {patch.savedPatchProblem && (
        <p class="notice notice--error" role="alert">
          The patch saved here no longer validates and is not in use: {patch.savedPatchProblem}
        </p>
      )}
      {error && (
        <pre class="notice notice--error patch-error" role="alert" data-testid="patch-error">
          {error}
        </pre>
      )}
      <div class="table-scroll">
        <table class="patch-table">
          <thead>
            <tr>
              <th scope="col">Fixture</th>
              <th scope="col">Type</th>
              <th scope="col">Address</th>
              <th scope="col">Groups</th>
              <th scope="col">Flash limit</th>
              {canEdit && <th scope="col" class="cell-actions"><span class="visually-hidden">Actions</span></th>}
            </tr>
          </thead>
          <tbody>
            {fixtures.map((f) => (
              <tr key={f.id} data-testid="patch-row" data-fixture={f.id}>
                <th scope="row">
                  <span class="entry-name">{f.name}</span>
                  <code class="patch-id">{f.id}</code>
                </th>
                <td>{f.kind === 'hue' ? 'Philips Hue' : f.profile?.name}</td>
                <td class="mono">{addressText(f)}</td>
                <td>{f.groups.length ? f.groups.map((g) => <span key={g} class="chip">{g}</span>) : <span class="muted">—</span>}</td>
                <td>{f.flashLimitOptOut ? <span class="chip chip--danger" title={f.flashLimitOptOut}>OFF</span> : <span class="muted">on</span>}</td>
                {canEdit && (
                  <td class="cell-actions">
                    <button type="button" class="button button--small button--quiet" onClick={() => setEditing(f)} disabled={busy}>
                      Edit
                    </button>
                    <button type="button" class="button button--small button--quiet" onClick={() => remove(f)} disabled={busy} data-testid="patch-remove">
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canEdit ? (
        editing === null ? (
          <button type="button" class="button" onClick={() => setEditing('new')} data-testid="patch-add">
            Add fixture
          </button>
        ) : (
          <FixtureForm
            key={editing === 'new' ? 'new' : editing.id}
            fixture={editing === 'new' ? null : editing}
            fixtures={fixtures}
            profiles={profiles}
            busy={busy}
            onCancel={() => {
              setEditing(null);
              setError(null);
            }}
            onSave={async (originalId, body) => {
              const ok = await call(() => api.request(`/api/lights/patch/fixtures/${encodeURIComponent(originalId)}`, { method: 'PUT', body }));
              if (ok) setEditing(null);
            }}
          />
        )
      ) : (
        <p class="muted small">Only admins can change the patch.</p>
      )}
    </div>
  );
}
