import { Calendar, type EventApi, type EventSourceApi } from '@fullcalendar/core';
import dayGridPlugin from '@fullcalendar/daygrid';
import interactionPlugin from '@fullcalendar/interaction';
import listPlugin from '@fullcalendar/list';
import timeGridPlugin from '@fullcalendar/timegrid';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type ApiNotification, type ApiUser } from '../api/client';
import { session } from '../auth/session';
import { EventDialog, type DialogTarget } from '../events/EventDialog';
import { editOccurrence, updateSeries } from '../events/writes';
import { nextHour } from '../events/form';
import { Notifications } from '../live/Notifications';
import { startLive, type Live } from '../live/live';
import { PromptHost } from '../ui/prompt';
import { fetchWindow, refreshEntries, removeEntries, type EntryProps } from './entries';

const narrow = () => window.matchMedia('(max-width: 640px)').matches;

/** The signed-in page: the calendar (FullCalendar does the grid), live updates, dialogs. */
export function CalendarPage({ user }: { user: ApiUser }) {
  const host = useRef<HTMLDivElement>(null);
  const cal = useRef<Calendar | null>(null);
  const source = useRef<EventSourceApi | null>(null);
  const live = useRef<Live | null>(null);
  const [target, setTarget] = useState<DialogTarget | null>(null);
  const [notes, setNotes] = useState<{ list: ApiNotification[]; unread: number }>({ list: [], unread: 0 });
  const [loadError, setLoadError] = useState('');

  async function openEntry(e: EventApi) {
    const p = e.extendedProps as EntryProps;
    const { data } = await api.GET('/api/events/{id}', { params: { path: { id: p.eventId }, query: {} } });
    if (!data) return;
    const occ = p.originalStart && e.start && e.end ? { originalStart: p.originalStart, start: e.start.toISOString(), end: e.end.toISOString() } : undefined;
    setTarget({ kind: 'edit', event: data, occ });
  }

  /** Drag to move or resize: sent with If-Match; a series asks which occurrences. */
  async function moved(e: EventApi, oldStart: Date | null, oldEnd: Date | null, revert: () => void) {
    const p = e.extendedProps as EntryProps;
    const { data: ev } = await api.GET('/api/events/{id}', { params: { path: { id: p.eventId }, query: {} } });
    if (!ev || !e.start) return revert();
    const end = e.end ?? new Date(e.start.getTime() + 3_600_000);
    const times = { start_time: e.start.toISOString(), end_time: end.toISOString() };
    const out = ev.is_recurring && p.originalStart && oldStart && oldEnd
      ? await editOccurrence(ev, { originalStart: p.originalStart, start: oldStart.toISOString(), end: oldEnd.toISOString() }, times)
      : await updateSeries(ev, times);
    if (!out?.ok) revert();
    cal.current?.refetchEvents();
  }

  useEffect(() => {
    const small = narrow();
    const c = new Calendar(host.current!, {
      plugins: [dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin],
      initialView: 'timeGridWeek',
      headerToolbar: small
        ? { left: 'prev,next', center: 'title', right: 'today' }
        : { left: 'prev,next today', center: 'title', right: 'dayGridMonth,timeGridWeek,timeGridDay,listWeek' },
      footerToolbar: small ? { center: 'dayGridMonth,timeGridWeek,timeGridDay,listWeek' } : undefined,
      dayHeaderFormat: small ? { weekday: 'narrow', day: 'numeric' } : undefined,
      buttonText: { today: 'Today', month: 'Month', week: 'Week', day: 'Day', list: 'Agenda' },
      buttonHints: { prev: 'Previous $0', next: 'Next $0', today: 'This $0' },
      height: '100%',
      nowIndicator: true,
      scrollTime: '08:00:00',
      selectable: true,
      selectMirror: true,
      selectMinDistance: 6,
      editable: true,
      eventInteractive: true,
      dayMaxEvents: true,
      events: (info, ok, fail) => {
        fetchWindow(info.start, info.end).then((list) => {
          setLoadError('');
          ok(list);
        }, (err: Error) => {
          setLoadError(err.message);
          fail(err);
        });
      },
      dateClick: (info) => {
        const start = info.date;
        const end = new Date(start.getTime() + (info.allDay ? 86_400_000 : 3_600_000));
        setTarget({ kind: 'new', start, end, allDay: info.allDay });
      },
      select: (info) => {
        c.unselect();
        setTarget({ kind: 'new', start: info.start, end: info.end, allDay: info.allDay });
      },
      // The description's first words under the title, so a change to it shows on the entry itself.
      eventDidMount: ({ el, event }) => {
        // Mirror entries (a selection or drag in progress) carry no item.
        const text = (event.extendedProps as Partial<EntryProps>).item?.description?.trim();
        const frame = el.querySelector('.fc-event-main-frame') ?? el.querySelector('.fc-list-event-title');
        if (!text || !frame) return;
        const d = document.createElement('div');
        d.className = 'entry-desc';
        d.textContent = text.length > 90 ? `${text.slice(0, 90)}…` : text;
        frame.appendChild(d);
      },
      eventClick: (info) => {
        info.jsEvent.preventDefault();
        void openEntry(info.event);
      },
      eventDrop: (info) => void moved(info.event, info.oldEvent.start, info.oldEvent.end, info.revert),
      eventResize: (info) => void moved(info.event, info.oldEvent.start, info.oldEvent.end, info.revert),
    });
    c.render();
    cal.current = c;
    source.current = c.getEventSources()[0] ?? null;
    live.current = startLive({
      onEventChanged: (id) => void refreshEntries(c, source.current, id),
      onEventGone: (id) => removeEntries(c, id),
      onNotifications: (list, unread) => setNotes({ list, unread }),
    });
    return () => {
      live.current?.stop();
      c.destroy();
    };
  }, []);

  function newEvent() {
    const { start, end } = nextHour();
    setTarget({ kind: 'new', start, end, allDay: false });
  }

  return (
    <div class="page">
      <header class="topbar">
        <span class="brand">Tandem</span>
        <button type="button" class="primary" onClick={newEvent}>New event</button>
        <span class="spacer" />
        <Notifications notes={notes} live={live.current} onOpen={(id) => {
          const e = cal.current?.getEvents().find((x) => (x.extendedProps as EntryProps).eventId === id);
          if (e) void openEntry(e);
        }} />
        <span class="me" aria-label="Signed in as">{user.username}</span>
        <button type="button" onClick={() => void session.signOut()}>Sign out</button>
      </header>
      {loadError && <p class="error" role="alert">{loadError}</p>}
      <main class="cal" ref={host} />
      {target && <EventDialog target={target} onClose={() => setTarget(null)} onSaved={() => cal.current?.refetchEvents()} />}
      <PromptHost />
    </div>
  );
}
