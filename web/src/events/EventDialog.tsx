import { useId, useMemo, useState } from 'preact/hooks';
import { api, type ApiEvent } from '../api/client';
import { Modal } from '../ui/Modal';
import { ask } from '../ui/prompt';
import { HistoryDialog } from '../history/HistoryDialog';
import { ShareDialog } from '../share/ShareDialog';
import { allDayDates, blankForm, bodyOf, formOf, timesOf, toggleAllDay, withAllDayDates, zones, type EventForm } from './form';
import { createEvent, editOccurrence, updateSeries, type Occurrence } from './writes';

export type DialogTarget = { kind: 'new'; start: Date; end: Date; allDay: boolean } | { kind: 'edit'; event: ApiEvent; occ?: Occurrence };

interface Props {
  target: DialogTarget;
  onClose: () => void;
  /** Called after any write, so the calendar shows it. */
  onSaved: () => void;
}

/** The event dialog: create, edit (or read, for a viewer), delete; opens Share and History. */
export function EventDialog({ target, onClose, onSaved }: Props) {
  const [event, setEvent] = useState<ApiEvent | undefined>(target.kind === 'edit' ? target.event : undefined);
  const occ = target.kind === 'edit' ? target.occ : undefined;
  const initial = useMemo(() => (event ? formOf(event, occ) : blankForm((target as { start: Date }).start, (target as { end: Date }).end, (target as { allDay: boolean }).allDay)), [event]);
  const [form, setForm] = useState<EventForm>(initial);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [sub, setSub] = useState<'share' | 'history' | null>(null);
  const readOnly = !!event && event.role === 'VIEWER';
  const zoneList = useMemo(zones, []);
  const uid = useId();
  const set = <K extends keyof EventForm>(k: K, v: EventForm[K]) => setForm((f) => ({ ...f, [k]: v }));

  async function reload() {
    if (!event) return;
    const { data } = await api.GET('/api/events/{id}', { params: { path: { id: event.id }, query: {} } });
    if (data) {
      setEvent(data);
      setForm(formOf(data, occ));
    }
    onSaved();
  }

  async function save(e: Event) {
    e.preventDefault();
    if (readOnly || busy) return;
    if (!form.title.trim()) return setError('Title is required');
    const times = timesOf(form);
    if (typeof times === 'string') return setError(times);
    setError('');
    setBusy(true);
    try {
      const body = bodyOf(form, times);
      let out;
      if (!event) out = await createEvent(body);
      else if (event.is_recurring && occ) {
        const seriesLevel = form.repeat !== initial.repeat || form.timezone !== initial.timezone || form.allDay !== initial.allDay;
        const { title, description, location } = body;
        const series = seriesLevel ? { timezone: body.timezone, is_recurring: body.is_recurring, recurrence_pattern: body.recurrence_pattern } : {};
        out = await editOccurrence(event, occ, { title, description, location, ...times }, series);
      } else out = await updateSeries(event, body);
      if (!out) return;
      if (out.ok) {
        onSaved();
        onClose();
      } else if (out.reload) await reload();
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (!event) return;
    const recurring = event.is_recurring && occ;
    const choice = await ask<'this' | 'all'>((done) => (
      <Modal title={`Delete “${event.title}”?`} role="alertdialog" onClose={() => done(null)}>
        <p>{recurring ? 'Delete only this occurrence, or the whole series?' : 'The event is removed for everyone it is shared with; its history is kept.'}</p>
        <div class="actions">
          {recurring && <button type="button" onClick={() => done('this')}>This event</button>}
          <button type="button" class="danger" onClick={() => done('all')}>{recurring ? 'All events' : 'Delete'}</button>
          <button type="button" onClick={() => done(null)}>Cancel</button>
        </div>
      </Modal>
    ));
    if (!choice) return;
    const headers = { 'If-Match': `"${event.version}"` };
    const res =
      choice === 'this' && occ
        ? await api.DELETE('/api/events/{id}/occurrences/{occurrence_start}', { params: { path: { id: event.id, occurrence_start: occ.originalStart } }, headers })
        : await api.DELETE('/api/events/{id}', { params: { path: { id: event.id } }, headers });
    if (res.response.status === 412) {
      setError('Someone changed this event meanwhile; it was reloaded, try again.');
      return reload();
    }
    if (!res.response.ok) return setError(`Could not delete (${res.response.status})`);
    onSaved();
    onClose();
  }

  const title = !event ? 'New event' : readOnly ? event.title : `Edit “${event.title}”`;
  return (
    <Modal title={title} onClose={onClose}>
      <form class="event-form" onSubmit={save} noValidate>
        {readOnly && <p class="note">You are a viewer of this event: it is read-only.</p>}
        <label>Title<input name="title" value={form.title} readOnly={readOnly} autoFocus={!readOnly} required maxLength={200} onInput={(e) => set('title', e.currentTarget.value)} /></label>
        {form.allDay ? (
          <div class="row">
            <label>Start<input type="date" name="start" value={allDayDates(form).start} readOnly={readOnly} onInput={(e) => setForm((f) => withAllDayDates(f, { start: e.currentTarget.value }))} /></label>
            <label>End<input type="date" name="end" value={allDayDates(form).end} readOnly={readOnly} onInput={(e) => setForm((f) => withAllDayDates(f, { end: e.currentTarget.value }))} /></label>
          </div>
        ) : (
          <div class="row">
            <label>Start<input type="datetime-local" name="start" value={form.start} readOnly={readOnly} onInput={(e) => set('start', e.currentTarget.value)} /></label>
            <label>End<input type="datetime-local" name="end" value={form.end} readOnly={readOnly} onInput={(e) => set('end', e.currentTarget.value)} /></label>
          </div>
        )}
        <div class="row">
          <label class="check"><input type="checkbox" name="all_day" checked={form.allDay} disabled={readOnly} onChange={(e) => setForm((f) => toggleAllDay(f, e.currentTarget.checked))} />All day</label>
          <div class="field">
          <label for={`${uid}-tz`}>Time zone</label>
          <select id={`${uid}-tz`} name="timezone" value={form.timezone} disabled={readOnly} onChange={(e) => set('timezone', e.currentTarget.value)}>
            {!zoneList.includes(form.timezone) && <option value={form.timezone}>{form.timezone}</option>}
            {zoneList.map((z) => <option key={z} value={z}>{z}</option>)}
          </select>
        </div>
        </div>
        <div class="field">
          <label for={`${uid}-repeat`}>Repeat</label>
          <select id={`${uid}-repeat`} name="repeat" value={form.repeat} disabled={readOnly} onChange={(e) => set('repeat', e.currentTarget.value as EventForm['repeat'])}>
            <option value="NONE">Does not repeat</option>
            <option value="DAILY">Daily</option>
            <option value="WEEKLY">Weekly</option>
            <option value="MONTHLY">Monthly</option>
            <option value="YEARLY">Yearly</option>
            {initial.repeat === 'CUSTOM' && <option value="CUSTOM">Custom rule ({event?.recurrence_pattern?.rrule})</option>}
          </select>
        </div>
        <label>Location<input name="location" value={form.location} readOnly={readOnly} maxLength={500} onInput={(e) => set('location', e.currentTarget.value)} /></label>
        <label>Description<textarea name="description" rows={4} value={form.description} readOnly={readOnly} maxLength={10000} onInput={(e) => set('description', e.currentTarget.value)} /></label>
        {error && <p class="error" role="alert">{error}</p>}
        <div class="actions">
          {!readOnly && <button type="submit" class="primary" disabled={busy}>Save</button>}
          {event && <button type="button" onClick={() => setSub('share')}>Share</button>}
          {event && <button type="button" onClick={() => setSub('history')}>History</button>}
          {event?.role === 'OWNER' && <button type="button" class="danger" onClick={remove}>Delete</button>}
          <button type="button" onClick={onClose}>{readOnly ? 'Close' : 'Cancel'}</button>
        </div>
      </form>
      {sub === 'share' && event && <ShareDialog event={event} onClose={() => setSub(null)} onChanged={reload} />}
      {sub === 'history' && event && <HistoryDialog event={event} onClose={() => setSub(null)} onRestored={async () => { setSub(null); await reload(); }} />}
    </Modal>
  );
}
