import { d, NS, el, writeXml, type OutEl, type XmlEl } from './xml.js';

/** A property a client asked for: its namespace and name. */
export interface PropName {
  ns: string;
  name: string;
}

export const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 424: 'Failed Dependency', 507: 'Insufficient Storage',
};

export const status = (code: number) => d('status', `HTTP/1.1 ${code} ${STATUS_TEXT[code] ?? ''}`.trim());

/** One `<d:response>` with a propstat per status (found properties under 200, others under their code). */
export function propResponse(href: string, found: OutEl[], missing: { code: number; props: PropName[] }[] = []): OutEl {
  const stats: OutEl[] = [];
  if (found.length) stats.push(d('propstat', [d('prop', found), status(200)]));
  for (const m of missing) if (m.props.length) stats.push(d('propstat', [d('prop', m.props.map((p) => el(p.ns, p.name))), status(m.code)]));
  if (!stats.length) stats.push(d('propstat', [d('prop', []), status(200)]));
  return d('response', [d('href', href), ...stats]);
}

/** A `<d:response>` naming a resource by status only (a missing multiget href, a sync deletion). */
export function statusResponse(href: string, code: number): OutEl {
  return d('response', [d('href', href), status(code)]);
}

export function multistatus(responses: OutEl[], extra: OutEl[] = []): string {
  return writeXml(d('multistatus', [...responses, ...extra]));
}

/** The property names inside a `<d:prop>` element. */
export function propNames(prop: XmlEl | undefined): PropName[] {
  return (prop?.children ?? []).map((c) => ({ ns: c.ns, name: c.name }));
}

export const isProp = (p: PropName, ns: string, name: string) => p.ns === ns && p.name === name;
export { NS };
