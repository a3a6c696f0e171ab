import type { z } from 'zod';

/**
 * Readable validation errors for config files and every external input (signaling, webhooks, API bodies):
 * each line names the exact key path and the problem, and suggests the key that was probably meant.
 */

export type IssuePath = ReadonlyArray<PropertyKey>;

export interface FormattedIssue {
  /** `server.port`, `rooms[0].id`, or `(root)`. */
  path: string;
  rawPath: PropertyKey[];
  message: string;
}

export function formatPath(path: IssuePath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out || '(root)';
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The closest known key, if it is close enough to be a plausible typo. */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = levenshtein(unknown, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(unknown.length / 3)) ? best : undefined;
}

type AnySchema = z.core.$ZodType;

/** Walk a schema along a data path to list the keys an object at that path accepts. */
export function knownKeysAt(schema: AnySchema, path: IssuePath): string[] {
  let current: AnySchema | undefined = schema;
  const unwrap = (s: AnySchema): AnySchema => {
    let node = s;
    for (let guard = 0; guard < 20; guard++) {
      const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
      if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type)) {
        node = def['innerType'] as AnySchema;
      } else if (def.type === 'pipe') {
        node = def['in'] as AnySchema;
      } else return node;
    }
    return node;
  };
  for (const segment of [...path, undefined]) {
    if (!current) return [];
    current = unwrap(current);
    const def = current._zod.def as unknown as Record<string, unknown> & { type: string };
    if (segment === undefined) {
      return def.type === 'object' ? Object.keys(def['shape'] as object) : [];
    }
    if (def.type === 'object') current = (def['shape'] as Record<string, AnySchema>)[String(segment)];
    else if (def.type === 'array') current = def['element'] as AnySchema;
    else if (def.type === 'record') current = def['valueType'] as AnySchema;
    else return [];
  }
  return [];
}

function describeIssue(issue: z.core.$ZodIssue, schema: AnySchema | undefined): FormattedIssue[] {
  const rawPath = issue.path.slice();
  if (issue.code === 'unrecognized_keys') {
    const known = schema ? knownKeysAt(schema, rawPath) : [];
    return issue.keys.map((key) => {
      const suggestion = suggestKey(key, known);
      const hint = suggestion ? ` (did you mean "${suggestion}"?)` : known.length ? ` (allowed: ${known.join(', ')})` : '';
      return { path: formatPath([...rawPath, key]), rawPath: [...rawPath, key], message: `unknown key${hint}` };
    });
  }
  let message = issue.message;
  if (issue.code === 'invalid_type') {
    const received = /received (\w+)/.exec(issue.message)?.[1];
    message = received === 'undefined' ? `required key is missing (expected ${issue.expected})` : `expected ${issue.expected}, got ${received ?? 'something else'}`;
  } else if (issue.code === 'invalid_value' && 'values' in issue) {
    message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  } else if (issue.code === 'too_small' || issue.code === 'too_big' || issue.code === 'invalid_format') {
    message = issue.message.replace(/^Invalid input: /, '').replace(/^Too (small|big): /, '');
  }
  return [{ path: formatPath(rawPath), rawPath, message }];
}

export function formatZodIssues(error: z.ZodError, schema?: AnySchema): FormattedIssue[] {
  return error.issues.flatMap((issue) => describeIssue(issue, schema));
}

/** One line per issue: `server.port: expected number, got string`. */
export function formatZodError(error: z.ZodError, schema?: AnySchema): string {
  return formatZodIssues(error, schema)
    .map((i) => `${i.path}: ${i.message}`)
    .join('\n');
}

/** Thrown for any rejected external input; `issues` keep the structured form for API error bodies. */
export class ValidationError extends Error {
  readonly issues: FormattedIssue[];
  constructor(what: string, issues: FormattedIssue[]) {
    super(`invalid ${what}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

/** Parse `input` with `schema`, throwing a ValidationError that names `what` and every bad path. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(what, formatZodIssues(result.error, schema));
  return result.data;
}
