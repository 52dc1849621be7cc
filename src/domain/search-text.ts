/**
 * Text folded for search: Unicode NFD, combining marks removed, lower case — so `école`, `ECOLE`
 * and `École` all fold to `ecole`. Stored with each event (the `search_text` column) and applied
 * to the query the same way, so matching is case- and accent-insensitive on every database
 * without relying on its collations.
 */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().normalize('NFC');
}

/** The folded search column of an event's text fields. */
export function eventSearchText(title: string, description: string | null, location: string | null): string {
  return foldForSearch([title, description ?? '', location ?? ''].join('\n'));
}
