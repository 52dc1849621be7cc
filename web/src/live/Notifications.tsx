import { useState } from 'preact/hooks';
import type { ApiNotification } from '../api/client';
import { fmtTime } from '../ui/format';
import type { Live } from './live';

/** The bell: unread count, and the list of recent notifications. */
export function Notifications({ notes, live, onOpen }: { notes: { list: ApiNotification[]; unread: number }; live: Live | null; onOpen: (eventId: number) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <div class="notes">
      <button type="button" aria-expanded={open} aria-controls="notes-panel" aria-label={`Notifications, ${notes.unread} unread`} onClick={() => setOpen(!open)}>
        <svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
          <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.7 21a2 2 0 0 1-3.4 0" />
        </svg>
        {notes.unread > 0 && <span class="badge" aria-hidden="true">{notes.unread}</span>}
      </button>
      {open && (
        <section id="notes-panel" class="notes-panel" aria-label="Notifications" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          <div class="notes-head">
            <strong>Notifications</strong>
            <button type="button" disabled={!notes.unread} onClick={() => void live?.markAllRead()}>Mark all read</button>
          </div>
          {notes.list.length === 0 && <p class="status">Nothing yet.</p>}
          <ul>
            {notes.list.map((n) => (
              <li key={n.id} class={n.is_read ? 'read' : 'unread'}>
                <button type="button" class="link" onClick={() => {
                  if (!n.is_read) void live?.markRead(n.id);
                  if (n.event_id) onOpen(n.event_id);
                }}>
                  {n.message}
                </button>
                <time dateTime={n.created_at}>{fmtTime(n.created_at)}</time>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
