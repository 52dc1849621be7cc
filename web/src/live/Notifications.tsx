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
        <span aria-hidden="true">🔔</span>
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
