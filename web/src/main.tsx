import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ApiUser } from './api/client';
import { SignIn } from './auth/SignIn';
import { session } from './auth/session';
import { CalendarPage } from './calendar/CalendarPage';
import './styles.css';

/** Signed in → the calendar; otherwise the sign-in form (after trying to resume this tab's session). */
function App() {
  const [user, setUser] = useState<ApiUser | null>(session.user());
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const off = session.subscribe(setUser);
    void session.resume().finally(() => setReady(true));
    return () => void off();
  }, []);
  if (!ready && !user) return <p class="status" role="status">Loading…</p>;
  return user ? <CalendarPage key={user.id} user={user} /> : <SignIn />;
}

render(<App />, document.getElementById('app')!);
