import { api, errorMessage, type ApiErrorBody, type ApiEvent } from '../api/client';
import { Modal } from '../ui/Modal';
import { ask } from '../ui/prompt';
import { fmtRange, fmtTime } from '../ui/format';

/** How a write is sent: conflict checking, and optimistic locking or a three-way merge. */
export interface WriteFlags {
  checkConflicts: boolean;
  /** 'lock': If-Match the version we saw · 'merge': send base_version instead · 'force': neither. */
  mode: 'lock' | 'merge' | 'force';
}

export interface WriteResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

interface Clash {
  event_id?: number | null;
  title?: string;
  start_time?: string;
  end_time?: string;
  field?: string;
  theirs?: unknown;
  yours?: unknown;
}

export type Outcome<T> = { ok: true; data: T } | { ok: false; reload?: boolean };

/**
 * Runs a write and walks the user through what can go wrong: a time clash (409) offers
 * "Save anyway" (re-sent with check_conflicts=false, nothing written before); a stale version
 * (412) shows what changed and offers "Merge" (re-sent with base_version) or "Reload"; a merge
 * that collides field by field offers to keep the user's values.
 */
export async function guardedWrite<T>(opts: { eventId?: number; seen?: ApiEvent; canMerge: boolean }, run: (f: WriteFlags) => Promise<WriteResult<T>>): Promise<Outcome<T>> {
  const flags: WriteFlags = { checkConflicts: true, mode: 'lock' };
  for (let attempt = 0; attempt < 5; attempt++) {
    const r = await run(flags);
    if (r.data !== undefined && r.response.ok) return { ok: true, data: r.data };
    const detail = (r.error as ApiErrorBody | undefined)?.detail ?? {};
    const clashes = (Array.isArray(detail.conflicts) ? detail.conflicts : []) as Clash[];
    if (r.response.status === 409 && clashes.length && clashes.every((c) => c.field)) {
      if (!(await ask<boolean>((done) => <MergeClash clashes={clashes} done={done} />))) return { ok: false };
      flags.mode = 'force';
    } else if (r.response.status === 409 && clashes.length) {
      if (!(await ask<boolean>((done) => <TimeClash clashes={clashes} done={done} />))) return { ok: false };
      flags.checkConflicts = false;
    } else if (r.response.status === 412 && opts.eventId) {
      const current = await api.GET('/api/events/{id}', { params: { path: { id: opts.eventId }, query: {} } });
      const choice = await ask<'merge' | 'reload'>((done) => <Stale seen={opts.seen} current={current.data} canMerge={opts.canMerge} done={done} />);
      if (choice === 'reload') return { ok: false, reload: true };
      if (choice !== 'merge') return { ok: false };
      flags.mode = opts.canMerge ? 'merge' : 'force';
    } else {
      await ask<boolean>((done) => (
        <Modal title="Could not save" role="alertdialog" onClose={() => done(false)}>
          <p role="alert">{errorMessage(r.error, `The server answered ${r.response.status}`)}</p>
          <div class="actions"><button type="button" onClick={() => done(false)}>OK</button></div>
        </Modal>
      ));
      return { ok: false };
    }
  }
  return { ok: false };
}

function TimeClash({ clashes, done }: { clashes: Clash[]; done: (v: boolean) => void }) {
  return (
    <Modal title="This overlaps other events" onClose={() => done(false)}>
      <div role="alert" class="clash">
        <p>It clashes with:</p>
        <ul>
          {clashes.map((c, i) => (
            <li key={i}>
              <strong>{c.title}</strong> {c.start_time && c.end_time ? fmtRange(c.start_time, c.end_time) : ''}
            </li>
          ))}
        </ul>
        <p>Nothing has been saved yet.</p>
      </div>
      <div class="actions">
        <button type="button" class="primary" onClick={() => done(true)}>Save anyway</button>
        <button type="button" onClick={() => done(false)}>Cancel</button>
      </div>
    </Modal>
  );
}

const show = (v: unknown) => (v === null || v === undefined || v === '' ? '(empty)' : typeof v === 'string' ? v : JSON.stringify(v));

function MergeClash({ clashes, done }: { clashes: Clash[]; done: (v: boolean) => void }) {
  return (
    <Modal title="Changed by someone else too" onClose={() => done(false)}>
      <div role="alert" class="clash">
        <p>These fields were changed by someone else as well:</p>
        <ul>
          {clashes.map((c) => (
            <li key={c.field}>
              <strong>{c.field}</strong>: theirs “{show(c.theirs)}”, yours “{show(c.yours)}”
            </li>
          ))}
        </ul>
      </div>
      <div class="actions">
        <button type="button" class="primary" onClick={() => done(true)}>Keep mine</button>
        <button type="button" onClick={() => done(false)}>Cancel</button>
      </div>
    </Modal>
  );
}

const FIELDS = ['title', 'description', 'location', 'start_time', 'end_time', 'timezone'] as const;

function Stale({ seen, current, canMerge, done }: { seen?: ApiEvent; current?: ApiEvent; canMerge: boolean; done: (v: 'merge' | 'reload' | null) => void }) {
  const changed = seen && current ? FIELDS.filter((f) => seen[f] !== current[f]) : [];
  const fmt = (f: string, v: unknown) => (f.endsWith('_time') && typeof v === 'string' ? fmtTime(v) : show(v));
  return (
    <Modal title="Changed while you were editing" onClose={() => done(null)}>
      <p>
        {current ? `Someone saved version ${current.version} after the version ${seen?.version ?? ''} you started from.` : 'Someone changed this event after you opened it.'}
      </p>
      {changed.length > 0 && (
        <ul class="changes">
          {changed.map((f) => (
            <li key={f}>
              <strong>{f.replace('_', ' ')}</strong>: {fmt(f, seen![f])} → {fmt(f, current![f])}
            </li>
          ))}
        </ul>
      )}
      <p>{canMerge ? 'Merge keeps their changes and applies yours on top.' : 'Merge applies your change on top of theirs.'}</p>
      <div class="actions">
        <button type="button" class="primary" onClick={() => done('merge')}>Merge</button>
        <button type="button" onClick={() => done('reload')}>Reload</button>
      </div>
    </Modal>
  );
}
