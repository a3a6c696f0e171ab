import { formatPath, type FormattedIssue } from '../../server/validation/formatIssues.ts';

/** Issues found inside a nested value, re-rooted at `prefix` (`params.rateHz`, `fixtures[2].address`). */
export function prefixIssues(issues: readonly FormattedIssue[], prefix: readonly PropertyKey[]): FormattedIssue[] {
  return issues.map((issue) => {
    const rawPath = [...prefix, ...issue.rawPath];
    return { ...issue, rawPath, path: formatPath(rawPath) };
  });
}
