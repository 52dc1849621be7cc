/** What one changelog row records; the closed list the API documents. */
export const CHANGE_ACTIONS = [
  'created',
  'updated',
  'rolled_back',
  'restored',
  'deleted',
  'shared',
  'permission_changed',
  'permission_removed',
  'occurrence_cancelled',
  'occurrence_changed',
  'series_split',
] as const;

export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

/** A changelog summary of changed fields: "changed title and start_time". */
export function summarize(fields: string[]): string {
  if (!fields.length) return 'no changes';
  if (fields.length === 1) return `changed ${fields[0]}`;
  return `changed ${fields.slice(0, -1).join(', ')} and ${fields[fields.length - 1]}`;
}
