import { useEffect, useState } from 'preact/hooks';
import { api, errorMessage, type ApiEvent, type ChangelogRow, type DiffResult, type HistoryEntry } from '../api/client';
import { rollback } from '../events/writes';
import { Modal } from '../ui/Modal';
import { ask } from '../ui/prompt';
import { fmtTime } from '../ui/format';
import { DiffView } from './DiffView';

interface Row {
  version: number;
  at: string;
  author: string;
  summary: string;
}

/** Versions newest first, each with the changelog's summary of the change that made it. */
function rowsOf(history: HistoryEntry[], log: ChangelogRow[]): Row[] {
  return history.map((h) => {
    const made = log.find((l) => l.diff?.to_version === h.version) ?? log.find((l) => l.version === h.version && l.action === 'created');
    return { version: h.version, at: h.created_at, author: h.created_by.username, summary: made?.summary ?? (h.version === 1 ? 'Created' : 'Changed') };
  });
}

/** The event's history as a wiki page history: pick two versions to compare, restore any version. */
export function HistoryDialog({ event, onClose, onRestored }: { event: ApiEvent; onClose: () => void; onRestored: () => void }) {
  const [rows, setRows] = useState<Row[] | null>(null);
  const [checked, setChecked] = useState<number[]>([]);
  const [diff, setDiff] = useState<DiffResult | null>(null);
  const [status, setStatus] = useState('');
  const canRestore = event.role !== 'VIEWER';

  async function load() {
    const path = { id: event.id };
    const page = { skip: 0, limit: 100 };
    const [h, l] = await Promise.all([
      api.GET('/api/events/{id}/history', { params: { path, query: page } }),
      api.GET('/api/events/{id}/changelog', { params: { path, query: page } }),
    ]);
    if (!h.data || !l.data) return setStatus(errorMessage(h.error ?? l.error, 'Could not load the history'));
    setRows(rowsOf(h.data.items, l.data.items));
  }
  useEffect(() => void load(), [event.id]);

  function toggle(v: number, on: boolean) {
    setChecked((c) => (on ? [...c.filter((x) => x !== v), v].slice(-2) : c.filter((x) => x !== v)));
  }

  async function compare() {
    const [a, b] = [...checked].sort((x, y) => x - y);
    const { data, error } = await api.GET('/api/events/{id}/diff/{versionId1}/{versionId2}', { params: { path: { id: event.id, versionId1: a, versionId2: b } } });
    if (!data) return setStatus(errorMessage(error, 'Could not compare'));
    setDiff(data);
  }

  async function restore(v: number) {
    const ok = await ask<boolean>((done) => (
      <Modal title={`Restore version ${v}?`} role="alertdialog" onClose={() => done(false)}>
        <p>The event becomes as it was in version {v}; this adds a new version, nothing is lost.</p>
        <div class="actions">
          <button type="button" class="primary" onClick={() => done(true)}>Restore</button>
          <button type="button" onClick={() => done(false)}>Cancel</button>
        </div>
      </Modal>
    ));
    if (!ok) return;
    const fresh = await api.GET('/api/events/{id}', { params: { path: { id: event.id }, query: {} } });
    if (!fresh.data) return setStatus('Could not load the event');
    const out = await rollback(fresh.data, v);
    if (out.ok) onRestored();
  }

  const latest = rows?.[0]?.version;
  return (
    <Modal title={`History of “${event.title}”`} onClose={onClose} wide>
      {!rows && <p class="status" role="status">{status || 'Loading…'}</p>}
      {rows && (
        <>
          <ol class="history" aria-label="Versions">
            {rows.map((r) => (
              <li key={r.version}>
                <label class="check">
                  <input type="checkbox" aria-label={`Version ${r.version}`} checked={checked.includes(r.version)} onChange={(e) => toggle(r.version, e.currentTarget.checked)} />
                  <strong>Version {r.version}</strong>
                </label>
                <span class="meta"><time dateTime={r.at}>{fmtTime(r.at)}</time> · {r.author}</span>
                <span class="summary">{r.summary}</span>
                {canRestore && (
                  <button type="button" disabled={r.version === latest} aria-label={`Restore this version (version ${r.version})`} onClick={() => void restore(r.version)}>
                    Restore this version
                  </button>
                )}
              </li>
            ))}
          </ol>
          <div class="actions">
            <button type="button" class="primary" disabled={checked.length !== 2} onClick={() => void compare()}>Compare</button>
            <span class="hint">{checked.length === 2 ? `Versions ${[...checked].sort((a, b) => a - b).join(' and ')}` : 'Check two versions to compare'}</span>
          </div>
          {status && <p class="error" role="alert">{status}</p>}
          {diff && <DiffView diff={diff} />}
        </>
      )}
    </Modal>
  );
}
