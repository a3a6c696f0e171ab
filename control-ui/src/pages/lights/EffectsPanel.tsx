import { useState } from 'preact/hooks';
import type { LightsEffectView } from '../../../../server/protocol/lightsEvents.ts';
import { ParamsForm, type ParamValues, type ParamsSchema } from './ParamsForm.tsx';

export interface FireOptions {
  effect: string;
  params: ParamValues;
  durationMs?: number | null;
}

interface EffectsPanelProps {
  effects: LightsEffectView[];
  scenes: string[];
  canFire: boolean;
  targetLabel: string;
  onFire(options: FireOptions): Promise<string | null>;
  onPreview(options: FireOptions): Promise<string | null>;
}

const durationText = (ms: number | null) => (ms === null ? 'until stopped' : ms >= 1_000 ? `${ms / 1_000} s` : `${ms} ms`);

/** Every registered effect (built-in and plugins) with its params and a test-fire button. */
export function EffectsPanel({ effects, scenes, canFire, targetLabel, onFire, onPreview }: EffectsPanelProps) {
  return (
    <ul class="effect-list">
      {effects.map((effect) => (
        <EffectRow key={effect.id} effect={effect} scenes={scenes} canFire={canFire} targetLabel={targetLabel} onFire={onFire} onPreview={onPreview} />
      ))}
    </ul>
  );
}

function EffectRow({ effect, scenes, canFire, targetLabel, onFire, onPreview }: Omit<EffectsPanelProps, 'effects'> & { effect: LightsEffectView }) {
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<ParamValues>(() => (effect.id === 'scene' && scenes[0] ? { scene: scenes[0] } : {}));
  const [duration, setDuration] = useState('');
  const [busy, setBusy] = useState<'fire' | 'preview' | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);

  const options = (): FireOptions => {
    const params = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ''));
    const trimmed = duration.trim();
    return { effect: effect.id, params, ...(trimmed === '' ? {} : { durationMs: trimmed === '0' || trimmed === '∞' ? null : Number(trimmed) }) };
  };

  const run = async (kind: 'fire' | 'preview') => {
    setBusy(kind);
    setMessage(null);
    const error = await (kind === 'fire' ? onFire(options()) : onPreview(options()));
    setBusy(null);
    setMessage(error ? { tone: 'error', text: error } : { tone: 'ok', text: kind === 'fire' ? `Fired on ${targetLabel}.` : 'Previewing on the lamps (not sent to the rig).' });
  };

  return (
    <li class={`effect${open ? ' is-open' : ''}`} data-testid="effect-row" data-effect={effect.id}>
      <div class="effect-head">
        <button type="button" class="effect-toggle" aria-expanded={open} onClick={() => setOpen(!open)} title="Parameters">
          <span class="effect-name">{effect.id}</span>
          <span class="effect-desc muted">{effect.description}</span>
        </button>
        <span class="effect-meta muted" title="Default duration · priority">
          {durationText(effect.defaultDurationMs)} · p{effect.defaultPriority}
        </span>
        <div class="effect-actions">
          <button type="button" class="button button--small" disabled={!canFire || busy !== null} onClick={() => void run('preview')} data-testid="effect-preview">
            Preview
          </button>
          <button
            type="button"
            class="button button--small button--primary"
            disabled={!canFire || busy !== null}
            onClick={() => void run('fire')}
            data-testid="effect-fire"
            data-effect={effect.id}
          >
            {busy === 'fire' ? 'Firing…' : 'Fire'}
          </button>
        </div>
      </div>
      {open && (
        <div class="effect-body">
          <ParamsForm effectId={effect.id} schema={effect.paramsJsonSchema as ParamsSchema} values={values} scenes={scenes} onChange={setValues} />
          <label class="param" for={`duration-${effect.id}`}>
            <span class="param-label">Duration (ms)</span>
            <input
              id={`duration-${effect.id}`}
              type="text"
              inputMode="numeric"
              placeholder={`${effect.defaultDurationMs ?? '∞'} (default; 0 = until stopped)`}
              value={duration}
              onInput={(e) => setDuration((e.target as HTMLInputElement).value)}
            />
          </label>
        </div>
      )}
      {message && (
        <p class={`effect-message effect-message--${message.tone}`} role={message.tone === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </li>
  );
}
