import type { ActionRegistry, PreparedAction } from '../actions/ActionRegistry.ts';
import { NotFoundError } from '../errors.ts';
import { formatPath, formatZodIssues, ValidationError, type FormattedIssue } from '../validation/formatIssues.ts';
import { GestureRulesSchema, type GestureRule } from './gesturesConfig.ts';

export interface PreparedRule {
  index: number;
  rule: GestureRule;
  actions: PreparedAction[];
}

/**
 * Check rules against what exists at run time (registered action types, configured rooms) and make
 * their actions ready to run. Every problem names its full path from `path` (config:
 * `gestures.rules[0].actions[1].title`; API body: `rules[0]...`); throws one ValidationError with all.
 */
export function prepareRules(input: unknown, path: PropertyKey[], services: { actions: ActionRegistry; rooms: readonly string[] }, what: string): PreparedRule[] {
  const parsed = GestureRulesSchema.safeParse(input);
  if (!parsed.success) {
    const issues = formatZodIssues(parsed.error, GestureRulesSchema).map((issue) => at([...path, ...issue.rawPath], issue.message));
    throw new ValidationError(what, issues);
  }
  const issues: FormattedIssue[] = [];
  const prepared: PreparedRule[] = [];
  parsed.data.forEach((rule, index) => {
    if (rule.room && !services.rooms.includes(rule.room)) issues.push(at([...path, index, 'room'], new NotFoundError('room', rule.room, services.rooms).message));
    const actions: PreparedAction[] = [];
    rule.actions.forEach((spec, a) => {
      const problems = services.actions.check(spec, [...path, index, 'actions', a]);
      if (problems.length) issues.push(...problems);
      else actions.push(services.actions.prepare(spec, [...path, index, 'actions', a], what));
    });
    prepared.push({ index, rule, actions });
  });
  if (issues.length) throw new ValidationError(what, issues);
  return prepared;
}

function at(rawPath: PropertyKey[], message: string): FormattedIssue {
  return { path: formatPath(rawPath), rawPath, message };
}
