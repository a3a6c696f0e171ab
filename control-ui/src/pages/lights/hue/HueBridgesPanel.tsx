import { useCallback, useEffect, useState } from 'preact/hooks';
import type { DiscoveredLight, HueBridgeState, HueBridgeStatus, PairResult } from '../../../../../adapters/hue/hueApiTypes.ts';
import { ApiError } from '../../../api/ApiError.ts';
import { useSession } from '../../../auth/session.ts';
import { StateBadge } from '../../dashboard/StateBadge.tsx';
import './hue.css';

const REFRESH_MS = 3_000;

const HEALTH_OF: Record<HueBridgeState, 'ok' | 'degraded' | 'down'> = {
  connected: 'ok',
  unpaired: 'degraded',
  unauthorized: 'degraded',
  connecting: 'down',
  unreachable: 'down',
  stopped: 'down',
};

const STATE_TEXT: Record<HueBridgeState, string> = {
  connected: 'connected',
  unpaired: 'not paired',
  unauthorized: 'username refused: pair again',
  connecting: 'connecting…',
  unreachable: 'unreachable',
  stopped: 'stopped',
};

const messageOf = (err: unknown) => (err instanceof ApiError || err instanceof Error ? err.message : 'The request failed.');

/**
 * The configured Hue bridges: state, pairing (admins; the request waits while someone presses the
 * bridge's link button) and the bridge's own light list, whose ids the patch uses (`light: "3"`).
 * Shows nothing when no bridge is configured.
 */
export function HueBridgesPanel() {
  const { api, role } = useSession();
  const [bridges, setBridges] = useState<HueBridgeStatus[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const body = await api.get<{ bridges: HueBridgeStatus[] }>('/api/hue/bridges', signal);
        setBridges(body.bridges);
        setError(null);
      } catch (err) {
        if (!signal?.aborted) setError(messageOf(err));
      }
    },
    [api],
  );

  useEffect(() => {
    const abort = new AbortController();
    void load(abort.signal);
    const timer = setInterval(() => void load(abort.signal), REFRESH_MS);
    return () => {
      abort.abort();
      clearInterval(timer);
    };
  }, [load]);

  if (!bridges?.length) return null;
  return (
    <section class="card hue-bridges" aria-labelledby="hue-title" data-testid="hue-bridges">
      <header class="card-header">
        <h2 id="hue-title">Hue bridges</h2>
        {error && <span class="tag">last known</span>}
      </header>
      <div class="card-body">
        <ul class="hue-bridge-list">
          {bridges.map((bridge) => (
            <HueBridgeItem key={bridge.id} bridge={bridge} canPair={role === 'admin'} onChanged={() => void load()} />
          ))}
        </ul>
      </div>
    </section>
  );
}

function HueBridgeItem({ bridge, canPair, onChanged }: { bridge: HueBridgeStatus; canPair: boolean; onChanged: () => void }) {
  const { api } = useSession();
  const [pairing, setPairing] = useState(false);
  const [notice, setNotice] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const [lights, setLights] = useState<DiscoveredLight[] | null>(null);

  const pair = async () => {
    setPairing(true);
    setNotice({ kind: 'info', text: `Press the link button on bridge “${bridge.id}” now (Roomcast keeps asking for 30 s).` });
    try {
      const result = await api.request<PairResult>(`/api/hue/bridges/${encodeURIComponent(bridge.id)}/pair`, { method: 'POST', body: { wait: true } });
      setNotice({ kind: 'info', text: `Paired: ${result.lights} lights, ${Math.max(0, result.groups - 1)} groups.` });
    } catch (err) {
      setNotice({ kind: 'error', text: messageOf(err) });
    } finally {
      setPairing(false);
      onChanged();
    }
  };

  const toggleLights = async () => {
    if (lights) return setLights(null);
    try {
      const body = await api.get<{ lights: DiscoveredLight[] }>(`/api/hue/bridges/${encodeURIComponent(bridge.id)}/lights`);
      setLights(body.lights);
    } catch (err) {
      setNotice({ kind: 'error', text: messageOf(err) });
    }
  };

  const needsPairing = (bridge.state === 'unpaired' || bridge.state === 'unauthorized') && bridge.credentials !== 'config';
  return (
    <li class="hue-bridge" data-testid="hue-bridge" data-bridge={bridge.id} data-state={bridge.state}>
      <div class="hue-bridge-head">
        <StateBadge state={HEALTH_OF[bridge.state]} />
        <strong>{bridge.id}</strong>
        <span class="muted small">
          {bridge.host}:{bridge.port} · {STATE_TEXT[bridge.state]}
          {bridge.state === 'connected' && ` · ${bridge.lights} lights · ${bridge.pendingLights} waiting`}
        </span>
        <span class="hue-bridge-actions">
          {needsPairing && canPair && (
            <button type="button" class="button button--small button--primary" disabled={pairing} onClick={() => void pair()} data-testid="hue-pair">
              {pairing ? 'Waiting for the link button…' : 'Pair'}
            </button>
          )}
          {bridge.state === 'connected' && (
            <button type="button" class="button button--small" onClick={() => void toggleLights()} data-testid="hue-lights-toggle">
              {lights ? 'Hide lights' : 'Show lights'}
            </button>
          )}
        </span>
      </div>
      {(bridge.state !== 'connected' ? [bridge.reason, ...bridge.problems] : bridge.problems).filter(Boolean).map((text) => (
        <p key={text} class="muted small hue-bridge-reason">
          {text}
        </p>
      ))}
      {needsPairing && !canPair && <p class="muted small">An admin pairs this bridge.</p>}
      {notice && (
        <p class={`notice notice--${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="hue-pair-message">
          {notice.text}
        </p>
      )}
      {lights && (
        <table class="hue-light-table">
          <thead>
            <tr>
              <th scope="col">Light</th>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Reachable</th>
            </tr>
          </thead>
          <tbody>
            {lights.map((light) => (
              <tr key={light.id} data-testid="hue-light-row" data-light={light.id}>
                <td>{light.id}</td>
                <td>{light.name}</td>
                <td class="muted">{light.type}</td>
                <td>{light.reachable ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </li>
  );
}
