import { randomUUID } from 'node:crypto';
import { IANAZone } from 'luxon';
import { offsetMs } from './recurrence-zone.js';

/** Longest UID accepted (RFC 5545 sets none; 255 fits every index and the apps' own UIDs). */
export const MAX_UID_LENGTH = 255;

/** A fresh globally unique UID, as RFC 5545 §3.8.4.7 recommends. */
export function newUid(): string {
  return `${randomUUID()}@tandem`;
}

/** Why a UID cannot be used, or null: 1–255 characters, no control characters. */
export function uidProblem(uid: string): string | null {
  if (uid.trim() === '') return 'must not be blank';
  if (uid.length > MAX_UID_LENGTH) return `must be at most ${MAX_UID_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(uid)) return 'must not contain control characters';
  return null;
}

/** Whether an instant is 00:00:00.000 local time in an IANA zone (what all-day events start and end at). */
export function isLocalMidnight(ms: number, timezone: string): boolean {
  const wall = ms + offsetMs(IANAZone.create(timezone), ms);
  return ((wall % 86_400_000) + 86_400_000) % 86_400_000 === 0;
}
