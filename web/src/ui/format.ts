const dt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const tm = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** An instant in the browser's zone, e.g. "Dec 7, 2026, 9:00 AM". */
export const fmtTime = (iso: string) => dt.format(new Date(iso));

/** "Dec 7, 2026, 9:00 AM – 10:00 AM" (the date once when both ends share it). */
export function fmtRange(a: string, b: string): string {
  const s = new Date(a);
  const e = new Date(b);
  return s.toDateString() === e.toDateString() ? `${dt.format(s)} – ${tm.format(e)}` : `${dt.format(s)} – ${dt.format(e)}`;
}
