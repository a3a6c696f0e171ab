import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api/ApiError.ts';
import { useSession } from '../../auth/session.ts';
import { formatRelative } from '../../format/relativeTime.ts';
import { useNow } from '../../format/useNow.ts';
import { GESTURE_LABELS, type GestureRuleView } from '../../../../server/protocol/gestureEvents.ts';

interface RulesState {
  origin: 'config' | 'edited';
  savedAt: number | null;
  problem: string | null;
  rules: GestureRuleView[];
}

interface DraftRule {
  gesture: string;
  hand: 'any' | 'Left' | 'Right';
  minHoldMs: number;
  cooldownMs: number;
  room: string;
  actions: string;
}

const toDraft = (rule: GestureRuleView): DraftRule => ({
  gesture: rule.gesture,
  hand: rule.hand,
  minHoldMs: rule.minHoldMs,
  cooldownMs: rule.cooldownMs,
  room: rule.room ?? '',
  actions: JSON.stringify(rule.actions, null, 2),
});

const NEW_RULE: DraftRule = { gesture: 'thumbs_up', hand: 'any', minHoldMs: 0, cooldownMs: 2000, room: '', actions: '[\n  { "type": "overlay.alert", "kind": "gesture", "title": "👍" }\n]' };

function fromDraft(draft: DraftRule, index: number): Record<string, unknown> {
  let actions: unknown;
  try {
    actions = JSON.parse(draft.actions);
  } catch (error) {
    throw new Error(`rule ${index + 1}: the actions are not valid JSON (${(error as Error).message})`);
  }
  return { gesture: draft.gesture, hand: draft.hand, minHoldMs: draft.minHoldMs, cooldownMs: draft.cooldownMs, ...(draft.room ? { room: draft.room } : {}), actions };
}

/**
 * The rules in force, editable: each rule is a gesture, a hand, hold and cooldown times, an optional
 * room and its actions (JSON, checked by the server against the action types it knows). Saving replaces
 * roomcast.yaml's rules until "Use roomcast.yaml" is pressed.
 */
export function RulesEditor({ liveRules, canOperate }: { liveRules: GestureRuleView[]; canOperate: boolean }) {
  const session = useSession();
  const now = useNow(10_000);
  const [state, setState] = useState<RulesState | null>(null);
  const [drafts, setDrafts] = useState<DraftRule[]>([]);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string } | null>(null);

  const load = async () => {
    const next = await session.api.get<RulesState>('/api/gestures/rules');
    setState(next);
    setDrafts(next.rules.map(toDraft));
    setDirty(false);
  };
  useEffect(() => {
    void load().catch((error: Error) => setMessage({ kind: 'error', text: error.message }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  // Someone else saved (or a rule fired): follow the server unless this page has unsaved edits.
  useEffect(() => {
    if (!dirty && state) {
      setState({ ...state, rules: liveRules });
      setDrafts(liveRules.map(toDraft));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [liveRules]);

  const edit = (index: number, change: Partial<DraftRule>) => {
    setDrafts(drafts.map((d, i) => (i === index ? { ...d, ...change } : d)));
    setDirty(true);
  };

  const run = async (what: () => Promise<string | void>) => {
    setBusy(true);
    setMessage(null);
    try {
      const text = await what();
      if (text) setMessage({ kind: 'info', text });
    } catch (error) {
      setMessage({ kind: 'error', text: error instanceof ApiError || error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };

  const save = () =>
    run(async () => {
      const rules = drafts.map(fromDraft);
      const next = await session.api.request<RulesState>('/api/gestures/rules', { method: 'PUT', body: { rules } });
      setState(next);
      setDrafts(next.rules.map(toDraft));
      setDirty(false);
      return `Saved ${next.rules.length} rule${next.rules.length === 1 ? '' : 's'}.`;
    });
  const reset = () =>
    run(async () => {
      const next = await session.api.request<RulesState>('/api/gestures/rules/edits', { method: 'DELETE' });
      setState(next);
      setDrafts(next.rules.map(toDraft));
      setDirty(false);
      return 'Using the rules from roomcast.yaml again.';
    });
  const test = (index: number) =>
    run(async () => {
      const result = await session.api.request<{ ran: string[]; room: string }>(`/api/gestures/rules/${index}/test`, { method: 'POST', body: {} });
      return `Rule ${index + 1} ran ${result.ran.join(', ')} in room ${result.room}.`;
    });

  return (
    <section class="card" data-testid="gesture-rules">
      <header class="card-header">
        <h2>Rules</h2>
        <span class="muted small">
          {state?.origin === 'edited' ? `Edited here${state.savedAt ? ` ${formatRelative(state.savedAt, now)}` : ''}: roomcast.yaml's rules are not in use` : 'From roomcast.yaml'}
        </span>
      </header>
      <div class="card-body">
        {state?.problem && <p class="notice notice--error">Saved rules could not be used: {state.problem}</p>}
        {message && (
          <p class={`notice notice--${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="gesture-rules-message">
            {message.text}
          </p>
        )}
        {drafts.length === 0 && <p class="muted">No rules: gestures are recognised and shown, but nothing happens.</p>}
        <ol class="gesture-rule-list">
          {drafts.map((draft, index) => {
            const live = state?.rules[index];
            return (
              <li key={index} class="gesture-rule" data-testid="gesture-rule">
                <div class="gesture-rule-fields">
                  <label class="field">
                    <span class="field-label">Gesture</span>
                    <select value={draft.gesture} disabled={!canOperate} onChange={(e) => edit(index, { gesture: (e.target as HTMLSelectElement).value })}>
                      {GESTURE_LABELS.map((label) => (
                        <option key={label} value={label}>
                          {label}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label class="field">
                    <span class="field-label">Hand</span>
                    <select value={draft.hand} disabled={!canOperate} onChange={(e) => edit(index, { hand: (e.target as HTMLSelectElement).value as DraftRule['hand'] })}>
                      <option value="any">any</option>
                      <option value="Left">Left</option>
                      <option value="Right">Right</option>
                    </select>
                  </label>
                  <label class="field">
                    <span class="field-label">Hold (ms)</span>
                    <input type="number" min={0} step={50} value={draft.minHoldMs} disabled={!canOperate} onInput={(e) => edit(index, { minHoldMs: Number((e.target as HTMLInputElement).value) })} />
                  </label>
                  <label class="field">
                    <span class="field-label">Cooldown (ms)</span>
                    <input type="number" min={0} step={100} value={draft.cooldownMs} disabled={!canOperate} onInput={(e) => edit(index, { cooldownMs: Number((e.target as HTMLInputElement).value) })} />
                  </label>
                  <label class="field">
                    <span class="field-label">Room</span>
                    <input value={draft.room} placeholder="any" disabled={!canOperate} onInput={(e) => edit(index, { room: (e.target as HTMLInputElement).value.trim() })} />
                  </label>
                </div>
                <label class="field">
                  <span class="field-label">Actions (JSON list)</span>
                  <textarea class="gesture-actions mono" rows={Math.min(8, draft.actions.split('\n').length + 1)} disabled={!canOperate} spellcheck={false} value={draft.actions} onInput={(e) => edit(index, { actions: (e.target as HTMLTextAreaElement).value })} />
                </label>
                <div class="gesture-rule-actions">
                  <span class="muted small">{live?.lastFiredAt ? `Fired ${formatRelative(live.lastFiredAt, now)}` : 'Not fired yet'}</span>
                  {canOperate && (
                    <>
                      <button class="button button--small" disabled={busy || dirty || !live} onClick={() => void test(index)} title={dirty ? 'Save first' : 'Run its actions now'} data-testid="gesture-rule-test">
                        Test
                      </button>
                      <button
                        class="button button--small button--quiet"
                        disabled={busy}
                        onClick={() => {
                          setDrafts(drafts.filter((_, i) => i !== index));
                          setDirty(true);
                        }}
                      >
                        Remove
                      </button>
                    </>
                  )}
                </div>
              </li>
            );
          })}
        </ol>
        {canOperate && (
          <div class="gesture-rules-buttons">
            <button
              class="button"
              disabled={busy}
              onClick={() => {
                setDrafts([...drafts, NEW_RULE]);
                setDirty(true);
              }}
              data-testid="gesture-rule-add"
            >
              Add rule
            </button>
            <button class="button button--primary" disabled={busy || !dirty} onClick={() => void save()} data-testid="gesture-rules-save">
              Save rules
            </button>
            {dirty && (
              <button class="button button--quiet" disabled={busy} onClick={() => void load()}>
                Discard changes
              </button>
            )}
            {state?.origin === 'edited' && (
              <button class="button button--quiet" disabled={busy} onClick={() => void reset()} data-testid="gesture-rules-reset">
                Use roomcast.yaml
              </button>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
