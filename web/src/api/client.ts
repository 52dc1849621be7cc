import createClient from 'openapi-fetch';
import type { paths } from './schema';

/** What the API answers for a path, method and status: the generated types are the contract. */
export type Json<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: infer R;
}
  ? S extends keyof R
    ? R[S] extends { content: { 'application/json': infer B } }
      ? B
      : never
    : never
  : never;

export type ApiEvent = Json<'/api/events/{id}', 'get', 200>;
export type ListItem = Json<'/api/events', 'get', 200>['items'][number];
export type TokenPair = Json<'/api/auth/login', 'post', 200>;
export type ApiUser = Json<'/api/users/me', 'get', 200>;
export type Permission = Json<'/api/events/{id}/permissions', 'get', 200>[number];
export type ChangelogRow = Json<'/api/events/{id}/changelog', 'get', 200>['items'][number];
export type HistoryEntry = Json<'/api/events/{id}/history', 'get', 200>['items'][number];
export type DiffResult = Json<'/api/events/{id}/diff/{versionId1}/{versionId2}', 'get', 200>;
export type ApiNotification = Json<'/api/notifications', 'get', 200>['items'][number];
export type EventUpdate = NonNullable<paths['/api/events/{id}']['put']['requestBody']>['content']['application/json'];
export type EventCreate = NonNullable<paths['/api/events']['post']['requestBody']>['content']['application/json'];
export type OccurrenceUpdate = NonNullable<paths['/api/events/{id}/occurrences/{occurrence_start}']['put']['requestBody']>['content']['application/json'];

/** The error envelope every failure carries. */
export interface ApiErrorBody {
  detail?: { code?: string; message?: string; [k: string]: unknown };
}

export function errorMessage(error: unknown, fallback = 'Something went wrong'): string {
  const d = (error as ApiErrorBody | undefined)?.detail;
  if (!d) return fallback;
  const fields = Array.isArray(d.errors) ? (d.errors as { field: string; message: string }[]).map((e) => `${e.field} ${e.message}`).join('; ') : '';
  return fields ? `${d.message ?? fallback}: ${fields}` : (d.message ?? fallback);
}

/** Supplies the access token and renews it once on a 401; set by the session module. */
export interface TokenSource {
  access(): string | null;
  renew(): Promise<boolean>;
}
let tokens: TokenSource = { access: () => null, renew: async () => false };
export function useTokenSource(t: TokenSource) {
  tokens = t;
}

async function authedFetch(request: Request): Promise<Response> {
  const retry = request.clone();
  const token = tokens.access();
  if (token) request.headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(request);
  if (res.status !== 401 || !token) return res;
  if (!(await tokens.renew())) return res;
  retry.headers.set('authorization', `Bearer ${tokens.access()}`);
  return fetch(retry);
}

const baseUrl = typeof location === 'undefined' ? '' : location.origin;

/** The authenticated API: every call carries the in-memory access token. */
export const api = createClient<paths>({ baseUrl, fetch: authedFetch });
/** Sign-in, registration and refresh: no token attached. */
export const publicApi = createClient<paths>({ baseUrl });

/** `If-Match` for a version, in the ETag form the API accepts. */
export const ifMatch = (version: number) => ({ 'If-Match': `"${version}"` });
