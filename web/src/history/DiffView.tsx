import type { DiffResult } from '../api/client';
import { fmtTime } from '../ui/format';

type Change = DiffResult['changes'][number];

const LABELS: Record<string, string> = {
  title: 'Title', description: 'Description', location: 'Location', start_time: 'Start', end_time: 'End',
  timezone: 'Time zone', is_recurring: 'Repeats', recurrence_pattern: 'Repeat rule', exceptions: 'Changed occurrences', all_day: 'All day',
};

function plain(field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (field.endsWith('_time') && typeof v === 'string') return fmtTime(v);
  if (field === 'recurrence_pattern' && typeof v === 'object') return (v as { rrule?: string }).rrule ?? JSON.stringify(v);
  if (field === 'exceptions' && Array.isArray(v)) return v.length ? v.map((x: { original_start?: string; status?: string }) => `${x.status ?? ''} ${x.original_start ? fmtTime(x.original_start) : ''}`.trim()).join('; ') : 'none';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** One side of a word diff: the old side keeps deletions (<del>), the new side keeps insertions (<ins>). */
function Side({ change, side }: { change: Change; side: 'from' | 'to' }) {
  if (!change.segments) return <>{plain(change.field, change[side])}</>;
  const skip = side === 'from' ? 'insert' : 'delete';
  return (
    <>
      {change.segments
        .filter((s) => s.op !== skip)
        .map((s, i) => (s.op === 'equal' ? <span key={i}>{s.text}</span> : s.op === 'delete' ? <del key={i}>{s.text}</del> : <ins key={i}>{s.text}</ins>))}
    </>
  );
}

/** Side-by-side comparison of two versions, field by field, words highlighted. */
export function DiffView({ diff }: { diff: DiffResult }) {
  if (!diff.changes.length) return <p class="status">Versions {diff.from_version} and {diff.to_version} are the same.</p>;
  return (
    <table class="diff" aria-label={`Differences between version ${diff.from_version} and version ${diff.to_version}`}>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Version {diff.from_version}</th>
          <th scope="col">Version {diff.to_version}</th>
        </tr>
      </thead>
      <tbody>
        {diff.changes.map((c) => (
          <tr key={c.field}>
            <th scope="row">{LABELS[c.field] ?? c.field}</th>
            <td class="old"><Side change={c} side="from" /></td>
            <td class="new"><Side change={c} side="to" /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
