import { useEffect, useId, useState } from 'preact/hooks';
import { api, errorMessage, type ApiEvent, type Permission } from '../api/client';
import { session } from '../auth/session';
import { Modal } from '../ui/Modal';
import { ask } from '../ui/prompt';

const ROLE_NAMES: Record<string, string> = { OWNER: 'Owner', EDITOR: 'Editor', VIEWER: 'Viewer' };

/** Share dialog: find people by exact username or email, grant Viewer or Editor, change or remove roles, transfer ownership. */
export function ShareDialog({ event, onClose, onChanged }: { event: ApiEvent; onClose: () => void; onChanged: () => void }) {
  const [people, setPeople] = useState<Permission[]>(event.permissions ?? []);
  const [query, setQuery] = useState('');
  const [role, setRole] = useState<'VIEWER' | 'EDITOR'>('VIEWER');
  const [status, setStatus] = useState('');
  const isOwner = event.role === 'OWNER';
  const me = session.user()?.id;
  const path = { id: event.id };
  const uid = useId();

  useEffect(() => {
    void api.GET('/api/events/{id}/permissions', { params: { path } }).then(({ data }) => data && setPeople(data));
  }, [event.id]);

  function done(list: Permission[] | undefined, message: string) {
    if (list) setPeople(list);
    setStatus(message);
    onChanged();
  }

  async function add(e: Event) {
    e.preventDefault();
    const q = query.trim();
    if (!q) return setStatus('Type a username or email first');
    const found = await api.GET('/api/users', { params: { query: { q } } });
    const user = found.data?.items[0];
    if (!user) return setStatus(`No one found with the username or email “${q}”`);
    const { data, error } = await api.POST('/api/events/{id}/share', { params: { path }, body: { user_id: user.id, role } });
    if (!data) return setStatus(errorMessage(error, 'Could not share'));
    setQuery('');
    done(data, `Shared with ${user.username} as ${ROLE_NAMES[role]}`);
  }

  async function change(p: Permission, next: string) {
    if (next === 'OWNER') {
      const ok = await ask<boolean>((d) => (
        <Modal title={`Make ${p.username} the owner?`} role="alertdialog" onClose={() => d(false)}>
          <p>You will become an editor of “{event.title}”.</p>
          <div class="actions">
            <button type="button" class="primary" onClick={() => d(true)}>Transfer ownership</button>
            <button type="button" onClick={() => d(false)}>Cancel</button>
          </div>
        </Modal>
      ));
      if (!ok) return;
    }
    const { data, error } = await api.PUT('/api/events/{id}/permissions/{userId}', { params: { path: { id: event.id, userId: p.user_id } }, body: { role: next } });
    done(data, data ? `${p.username} is now ${ROLE_NAMES[next]}` : errorMessage(error, 'Could not change the role'));
  }

  async function remove(p: Permission) {
    const { response, error } = await api.DELETE('/api/events/{id}/permissions/{userId}', { params: { path: { id: event.id, userId: p.user_id } } });
    if (!response.ok) return setStatus(errorMessage(error, 'Could not remove'));
    done(people.filter((x) => x.user_id !== p.user_id), `Removed ${p.username}`);
  }

  return (
    <Modal title={`Share “${event.title}”`} onClose={onClose}>
      {isOwner && (
        <form class="share-form" onSubmit={add}>
          <label>Find people<input type="search" name="find" placeholder="username or email" value={query} onInput={(e) => setQuery(e.currentTarget.value)} /></label>
          <div class="field">
            <label for={`${uid}-role`}>Role</label>
            <select id={`${uid}-role`} name="role" value={role} onChange={(e) => setRole(e.currentTarget.value as 'VIEWER' | 'EDITOR')}>
              <option value="VIEWER">Viewer</option>
              <option value="EDITOR">Editor</option>
            </select>
          </div>
          <button type="submit" class="primary">Add</button>
        </form>
      )}
      <p role="status" class="status">{status}</p>
      <ul class="people" aria-label="People with access">
        {people.map((p) => (
          <li key={p.user_id}>
            <span class="who">{p.username}{p.user_id === me ? ' (you)' : ''}</span>
            {isOwner && p.role !== 'OWNER' ? (
              <>
                <select aria-label={`Access for ${p.username}`} value={p.role} onChange={(e) => void change(p, e.currentTarget.value)}>
                  <option value="VIEWER">Viewer</option>
                  <option value="EDITOR">Editor</option>
                  <option value="OWNER">Owner (transfer)</option>
                </select>
                <button type="button" aria-label={`Remove ${p.username}`} onClick={() => void remove(p)}>Remove</button>
              </>
            ) : (
              <span class="role">{ROLE_NAMES[p.role] ?? p.role}</span>
            )}
          </li>
        ))}
      </ul>
    </Modal>
  );
}
