import { publicApi, api, useTokenSource, type ApiUser, type TokenPair } from '../api/client';

/*
 * Tokens: the access token lives in this module's memory only. The refresh token is kept in
 * sessionStorage so a reload of the tab stays signed in; it is scoped to this tab, gone when the
 * tab closes, never put in a URL, and removed on sign-out (see the README for why not localStorage
 * or a cookie).
 */
const REFRESH_KEY = 'tandem.refresh';

let access: string | null = null;
let current: ApiUser | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
let renewing: Promise<boolean> | null = null;
const listeners = new Set<(u: ApiUser | null) => void>();

function notify() {
  for (const l of listeners) l(current);
}

function schedule(expiresIn: number) {
  clearTimeout(timer);
  // Renew well before expiry so a request never carries a token about to lapse.
  const ms = Math.max(5, Math.min(expiresIn * 0.8, expiresIn - 30)) * 1000;
  timer = setTimeout(() => void renew(), ms);
}

function adopt(pair: { access_token: string; refresh_token: string; expires_in: number }, user: ApiUser) {
  access = pair.access_token;
  sessionStorage.setItem(REFRESH_KEY, pair.refresh_token);
  current = user;
  schedule(pair.expires_in);
  notify();
}

/** Exchanges the stored refresh token for a new pair; one exchange at a time. */
export function renew(): Promise<boolean> {
  if (renewing) return renewing;
  renewing = (async () => {
    const refresh = sessionStorage.getItem(REFRESH_KEY);
    if (!refresh) return false;
    const { data, response } = await publicApi.POST('/api/auth/refresh', { body: { refresh_token: refresh } }).catch(() => ({ data: undefined, response: undefined }));
    if (data) {
      adopt(data as TokenPair, (data as TokenPair).user);
      return true;
    }
    // A network failure keeps the token for a later try; a refusal ends the session.
    if (response && (response.status === 401 || response.status === 400)) clear();
    return false;
  })().finally(() => {
    renewing = null;
  });
  return renewing;
}

useTokenSource({ access: () => access, renew });

function clear() {
  clearTimeout(timer);
  access = null;
  current = null;
  sessionStorage.removeItem(REFRESH_KEY);
  notify();
}

export const session = {
  user: () => current,
  access: () => access,
  subscribe(fn: (u: ApiUser | null) => void) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
  /** Resumes a session this tab already had (after a reload). */
  async resume(): Promise<boolean> {
    return sessionStorage.getItem(REFRESH_KEY) ? renew() : false;
  },
  async signIn(username: string, password: string): Promise<string | null> {
    const { data, error, response } = await publicApi.POST('/api/auth/login', { body: { username, password } });
    if (!data) return response.status === 401 ? 'Wrong username or password' : messageOf(error, response.status);
    adopt(data, data.user);
    return null;
  },
  async register(username: string, email: string, password: string): Promise<string | null> {
    const { data, error, response } = await publicApi.POST('/api/auth/register', { body: { username, email, password } });
    if (!data) return messageOf(error, response.status);
    const { access_token, refresh_token, expires_in, id, created_at } = data;
    adopt({ access_token, refresh_token, expires_in }, { id, username: data.username, email: data.email, created_at });
    return null;
  },
  async signOut() {
    if (access) await api.POST('/api/auth/logout').catch(() => undefined);
    clear();
  },
};

function messageOf(error: unknown, status: number): string {
  const d = (error as { detail?: { message?: string; errors?: { field: string; message: string }[] } } | undefined)?.detail;
  if (status === 429) return 'Too many attempts; wait a minute and try again';
  if (d?.errors?.length) return d.errors.map((e) => `${e.field} ${e.message}`).join('; ');
  return d?.message ?? `Request failed (${status})`;
}
