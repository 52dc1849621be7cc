import { useState } from 'preact/hooks';
import { session } from './session';

/** Sign in, or create an account; both land on the calendar. */
export function SignIn() {
  const [mode, setMode] = useState<'signin' | 'register'>('signin');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const get = (k: string) => String(f.get(k) ?? '');
    setBusy(true);
    const err = mode === 'signin' ? await session.signIn(get('username'), get('password')) : await session.register(get('username'), get('email'), get('password'));
    setBusy(false);
    setError(err ?? '');
  }

  const registering = mode === 'register';
  return (
    <main class="signin">
      <h1>Tandem</h1>
      <p class="tagline">Calendars you share, edit together and can always rewind.</p>
      <form key={mode} onSubmit={submit} aria-label={registering ? 'Create account' : 'Sign in'}>
        <h2>{registering ? 'Create account' : 'Sign in'}</h2>
        <label>Username<input name="username" autocomplete="username" required minLength={registering ? 3 : 1} /></label>
        {registering && <label>Email<input name="email" type="email" autocomplete="email" required /></label>}
        <label>Password<input name="password" type="password" autocomplete={registering ? 'new-password' : 'current-password'} required minLength={registering ? 8 : 1} /></label>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>{registering ? 'Create account' : 'Sign in'}</button>
      </form>
      <p>
        {registering ? 'Already have an account? ' : 'New here? '}
        <button type="button" class="link" onClick={() => { setError(''); setMode(registering ? 'signin' : 'register'); }}>
          {registering ? 'Sign in instead' : 'Create an account'}
        </button>
      </p>
    </main>
  );
}
