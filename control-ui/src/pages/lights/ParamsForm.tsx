/** A form for an effect's params, generated from its JSON Schema (simple fields; the rest keep defaults). */

interface JsonProperty {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  format?: string;
  description?: string;
}

export interface ParamsSchema {
  properties?: Record<string, JsonProperty>;
}

export type ParamValues = Record<string, unknown>;

const LABELS: Record<string, string> = {
  rateHz: 'Rate (Hz)',
  fadeMs: 'Fade (ms)',
  fadeOutMs: 'Fade out (ms)',
  decayMs: 'Decay (ms)',
  periodMs: 'Period (ms)',
  stepMs: 'Step (ms)',
};

const label = (key: string) => LABELS[key] ?? key.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());

/** Fields this form can edit; the others (lists, nested objects) keep their defaults. */
export function editableFields(schema: ParamsSchema | undefined): Array<[string, JsonProperty]> {
  return Object.entries(schema?.properties ?? {}).filter(([, p]) => p.enum !== undefined || p.type === 'number' || p.type === 'integer' || p.type === 'string' || p.type === 'boolean');
}

/** Named colours the server accepts, as the colour picker's starting value. */
function colourValue(value: unknown): string {
  if (typeof value === 'string' && /^#[0-9a-f]{6}$/i.test(value)) return value;
  if (typeof value === 'string' && /^#[0-9a-f]{3}$/i.test(value)) return `#${[...value.slice(1)].map((c) => c + c).join('')}`;
  return '#ffffff';
}

interface ParamsFormProps {
  effectId: string;
  schema: ParamsSchema | undefined;
  values: ParamValues;
  scenes: string[];
  onChange(values: ParamValues): void;
}

export function ParamsForm({ effectId, schema, values, scenes, onChange }: ParamsFormProps) {
  const fields = editableFields(schema);
  if (fields.length === 0) return <p class="muted small">No parameters.</p>;
  const set = (key: string, value: unknown) => onChange({ ...values, [key]: value });
  return (
    <div class="params">
      {fields.map(([key, prop]) => {
        const id = `param-${effectId}-${key}`;
        const value = values[key] ?? prop.default;
        let input;
        if (key === 'scene') {
          input = (
            <select id={id} value={String(value ?? scenes[0] ?? '')} onChange={(e) => set(key, (e.target as HTMLSelectElement).value)}>
              {scenes.length === 0 && <option value="">(no scenes configured)</option>}
              {scenes.map((scene) => (
                <option key={scene} value={scene}>
                  {scene}
                </option>
              ))}
            </select>
          );
        } else if (prop.enum) {
          input = (
            <select id={id} value={String(value)} onChange={(e) => set(key, (e.target as HTMLSelectElement).value)}>
              {prop.enum.map((option) => (
                <option key={String(option)} value={String(option)}>
                  {String(option)}
                </option>
              ))}
            </select>
          );
        } else if (prop.format === 'colour') {
          input = <input id={id} type="color" value={colourValue(value)} onInput={(e) => set(key, (e.target as HTMLInputElement).value)} />;
        } else if (prop.type === 'boolean') {
          input = <input id={id} type="checkbox" checked={Boolean(value)} onChange={(e) => set(key, (e.target as HTMLInputElement).checked)} />;
        } else if (prop.type === 'number' || prop.type === 'integer') {
          const isUnit = prop.minimum === 0 && prop.maximum === 1;
          input = (
            <input
              id={id}
              type={isUnit ? 'range' : 'number'}
              min={prop.minimum}
              max={prop.maximum}
              step={isUnit ? 0.01 : prop.type === 'integer' ? 1 : 0.1}
              value={String(value ?? '')}
              onInput={(e) => {
                const raw = (e.target as HTMLInputElement).value;
                set(key, raw === '' ? undefined : Number(raw));
              }}
            />
          );
        } else {
          input = <input id={id} type="text" value={String(value ?? '')} onInput={(e) => set(key, (e.target as HTMLInputElement).value)} />;
        }
        return (
          <label key={key} class="param" for={id} title={prop.description}>
            <span class="param-label">{label(key)}</span>
            {input}
            {(prop.type === 'number' || prop.type === 'integer') && prop.minimum === 0 && prop.maximum === 1 && (
              <span class="param-value">{Number(value ?? 0).toFixed(2)}</span>
            )}
          </label>
        );
      })}
    </div>
  );
}
