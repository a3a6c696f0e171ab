import { useMemo, useState } from 'preact/hooks';
import { ApiError } from '../../api/ApiError.ts';
import { roleAtLeast } from '../../auth/roles.ts';
import { useSession } from '../../auth/session.ts';
import { useNow } from '../../format/useNow.ts';
import { EffectsPanel, type FireOptions } from './EffectsPanel.tsx';
import { HueBridgesPanel } from './hue/HueBridgesPanel.tsx';
import { PatchEditor } from './PatchEditor.tsx';
import { RunningEffects } from './RunningEffects.tsx';
import { SafetyNotice } from './SafetyNotice.tsx';
import { StageView } from './StageView.tsx';
import { TargetPicker, type Targets } from './TargetPicker.tsx';
import { useLights } from './useLights.ts';
import { usePreview, type EffectPreviewData } from './usePreview.ts';
import './lights.css';

/**
 * Virtual fixtures (every fixture's live output, from the `/lights` socket), test-fire buttons for
 * every effect, what is running, and the patch editor. Works the same with no lights connected.
 */
export function LightsPage() {
  const session = useSession();
  const lights = useLights(session.token);
  const preview = usePreview();
  const now = useNow(5_000);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [targets, setTargets] = useState<Targets>({ mode: 'all', groups: [] });
  const canOperate = roleAtLeast(session.role, 'operator');
  const snapshot = lights.snapshot;

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
    if (next.size > 0) setTargets({ mode: 'selected', groups: [] });
    else if (targets.mode === 'selected') setTargets({ mode: 'all', groups: [] });
  };

  const targetRequest = () =>
    targets.mode === 'selected' && selected.size > 0
      ? { targets: { fixtures: [...selected] } }
      : targets.mode === 'groups' && targets.groups.length
        ? { targets: { groups: targets.groups } }
        : {};
  const targetLabel =
    targets.mode === 'selected' && selected.size > 0
      ? `${selected.size} selected fixture${selected.size === 1 ? '' : 's'}`
      : targets.mode === 'groups' && targets.groups.length
        ? `group${targets.groups.length === 1 ? '' : 's'} ${targets.groups.join(', ')}`
        : 'all fixtures';

  const fire = async (options: FireOptions): Promise<string | null> => {
    const result = await lights.fire({ ...options, ...targetRequest() });
    return result.ok ? null : result.error;
  };
  const runPreview = async (options: FireOptions): Promise<string | null> => {
    try {
      const data = await session.api.request<EffectPreviewData>('/api/lights/preview', { method: 'POST', body: { ...options, ...targetRequest() } });
      preview.play(data);
      return null;
    } catch (err) {
      return err instanceof ApiError || err instanceof Error ? err.message : 'Preview failed.';
    }
  };

  const levels = useMemo(() => (preview.levels ? { ...lights.levels, ...preview.levels } : lights.levels), [lights.levels, preview.levels]);
  const outputs = snapshot?.outputs;
  const outputText = !outputs
    ? ''
    : outputs.dmx.length + outputs.hue.length === 0
      ? 'No DMX or Hue output configured: virtual fixtures only'
      : [
          outputs.dmx.length ? `DMX: ${outputs.dmx.map((o) => `${o.id} (U${o.universes.join(', U')})`).join(', ')}` : '',
          outputs.hue.length ? `Hue: ${outputs.hue.map((o) => o.id).join(', ')}` : '',
        ]
          .filter(Boolean)
          .join(' · ');

  return (
    <div class="page lights-page" data-testid="lights-page" data-link={lights.link}>
      <header class="page-header lights-header">
        <div>
          <h1>Lights</h1>
          <p class="muted">Live output of every fixture, after effects, merge and the photosensitive flash limiter.</p>
        </div>
        <div class="lights-status">
          <span class={`live-pill live-pill--${lights.link}`} title={lights.detail || undefined} data-testid="lights-link">
            <span class="live-dot" aria-hidden="true" />
            {lights.link === 'live' ? 'Live' : lights.link === 'connecting' ? 'Connecting…' : lights.link === 'refused' ? 'Refused' : 'Reconnecting…'}
          </span>
          {snapshot && <span class="muted small">{outputText} · {snapshot.refreshHz} Hz</span>}
        </div>
      </header>

      {snapshot && <SafetyNotice fixtures={snapshot.fixtures} />}

      <section class="card" aria-labelledby="stage-title">
        <header class="card-header">
          <h2 id="stage-title">Fixtures</h2>
          {preview.fixtures.size > 0 && <span class="tag tag--preview">preview — not sent to the rig</span>}
          {lights.link !== 'live' && snapshot && <span class="tag">last known</span>}
        </header>
        <div class="card-body">
          {snapshot ? (
            <StageView fixtures={snapshot.fixtures} levels={levels} selected={selected} previewing={preview.fixtures} onToggle={toggle} />
          ) : (
            <p class="card-empty muted">{lights.detail || 'Connecting to the lights engine…'}</p>
          )}
        </div>
      </section>

      <div class="lights-columns">
        <section class="card" aria-labelledby="effects-title">
          <header class="card-header">
            <h2 id="effects-title">Effects</h2>
          </header>
          <div class="card-body">
            {snapshot && (
              <>
                <TargetPicker
                  targets={targets}
                  groups={snapshot.groups}
                  selectedCount={selected.size}
                  onChange={setTargets}
                  onClearSelection={() => {
                    setSelected(new Set());
                    setTargets({ mode: 'all', groups: [] });
                  }}
                />
                <EffectsPanel effects={snapshot.effects} scenes={snapshot.scenes} canFire={canOperate && lights.link === 'live'} targetLabel={targetLabel} onFire={fire} onPreview={runPreview} />
              </>
            )}
          </div>
        </section>

        <section class="card" aria-labelledby="running-title">
          <header class="card-header">
            <h2 id="running-title">Running</h2>
            <span class="muted small">{lights.firings.length} effect{lights.firings.length === 1 ? '' : 's'}</span>
          </header>
          <div class="card-body">
            <RunningEffects
              firings={lights.firings}
              now={now}
              canStop={canOperate && lights.link === 'live'}
              onStop={(id) => void lights.stop({ firing: id })}
              onStopAll={() => void lights.stop({ all: true })}
            />
          </div>
        </section>
      </div>

      <HueBridgesPanel />

      <section class="card" aria-labelledby="patch-title">
        <header class="card-header">
          <h2 id="patch-title">Patch</h2>
          {snapshot && <span class="muted small">{snapshot.fixtures.length} fixtures</span>}
        </header>
        <div class="card-body">
          {snapshot && <PatchEditor fixtures={snapshot.fixtures} patch={snapshot.patch} canEdit={session.role === 'admin'} />}
        </div>
      </section>
    </div>
  );
}
