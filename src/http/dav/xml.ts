/**
 * WebDAV XML in and out with fast-xml-parser. Parsing resolves every element to its namespace URI
 * and local name from the xmlns declarations in scope, so `<D:prop xmlns:D="DAV:">`, `<prop
 * xmlns="DAV:">` and any other prefix a client picks mean the same thing. Bodies are bounded in
 * size (by the route) and in nesting depth (here); a DOCTYPE is refused (no entity expansion).
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

export const NS = {
  DAV: 'DAV:',
  CALDAV: 'urn:ietf:params:xml:ns:caldav',
  CS: 'http://calendarserver.org/ns/',
  ICAL: 'http://apple.com/ns/ical/',
} as const;

/** Deepest element nesting accepted in a request body. */
export const MAX_XML_DEPTH = 32;

/** A parsed element: namespace URI, local name, attributes (by local name), children and text. */
export interface XmlEl {
  ns: string;
  name: string;
  attrs: Record<string, string>;
  children: XmlEl[];
  text: string;
}

/** The body is not well-formed (or not acceptable) XML. */
export class XmlError extends Error {}

type Node = Record<string, unknown>;

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  trimValues: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: true, // numeric character references (&#65536;); named HTML ones are refused in parseXml
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_XML_DEPTH,
});

function resolve(node: Node, scope: Map<string, string>, depth: number): XmlEl | null {
  const key = Object.keys(node).find((k) => k !== ':@');
  if (!key || key === '#text' || key.startsWith('?') || key === '#comment') return null;
  if (depth > MAX_XML_DEPTH) throw new XmlError('XML nested too deeply');
  const rawAttrs = (node[':@'] ?? {}) as Record<string, string>;
  let local = scope;
  for (const [a, v] of Object.entries(rawAttrs)) {
    const name = a.slice(2);
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      // Namespaces in XML 1.0 §3: a prefix cannot be bound to the empty name (only the default namespace can be undeclared).
      if (name !== 'xmlns' && String(v) === '') throw new XmlError(`the prefix "${name.slice(6)}" is bound to an empty namespace`);
      if (local === scope) local = new Map(scope);
      local.set(name === 'xmlns' ? '' : name.slice(6), String(v));
    }
  }
  const colon = key.indexOf(':');
  const prefix = colon > 0 ? key.slice(0, colon) : '';
  const name = colon > 0 ? key.slice(colon + 1) : key;
  const ns = local.get(prefix);
  if (ns === undefined) throw new XmlError(`undeclared namespace prefix "${prefix}"`);
  const attrs: Record<string, string> = {};
  for (const [a, v] of Object.entries(rawAttrs)) {
    const n = a.slice(2);
    if (n === 'xmlns' || n.startsWith('xmlns:')) continue;
    attrs[n.includes(':') ? n.slice(n.indexOf(':') + 1) : n] = String(v);
  }
  const el: XmlEl = { ns, name, attrs, children: [], text: '' };
  for (const child of (node[key] as Node[]) ?? []) {
    if ('#text' in child) el.text += String(child['#text']);
    else {
      const c = resolve(child, local, depth + 1);
      if (c) el.children.push(c);
    }
  }
  return el;
}

/** Parses a request body into its root element; throws XmlError when it is not acceptable XML. */
export function parseXml(body: string): XmlEl {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new XmlError('DOCTYPE declarations are not accepted');
  // The parser decodes HTML's named entities too (for the numeric references XML has); XML itself has five.
  const markup = body.replace(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->/g, '');
  for (const m of markup.matchAll(/&([A-Za-z][\w.-]*);/g)) {
    if (!XML_ENTITIES.has(m[1])) throw new XmlError(`undefined entity &${m[1].slice(0, 20)};`);
  }
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new XmlError('malformed XML');
  let nodes: Node[];
  try {
    nodes = parser.parse(body) as Node[];
  } catch {
    throw new XmlError('malformed XML');
  }
  const roots = nodes.map((n) => resolve(n, new Map([['', ''], ['xml', 'http://www.w3.org/XML/1998/namespace']]), 1)).filter((e): e is XmlEl => !!e);
  if (roots.length !== 1) throw new XmlError('expected one root element');
  return roots[0];
}

/** The first child element with this namespace and name. */
export function child(el: XmlEl | undefined, ns: string, name: string): XmlEl | undefined {
  return el?.children.find((c) => c.ns === ns && c.name === name);
}

export function children(el: XmlEl | undefined, ns: string, name: string): XmlEl[] {
  return el?.children.filter((c) => c.ns === ns && c.name === name) ?? [];
}

export function is(el: XmlEl | undefined, ns: string, name: string): boolean {
  return !!el && el.ns === ns && el.name === name;
}

/** An element to write: namespace, local name, then text or children. */
export interface OutEl {
  ns: string;
  name: string;
  attrs?: Record<string, string>;
  text?: string;
  children?: OutEl[];
}

export const el = (ns: string, name: string, content?: string | OutEl[], attrs?: Record<string, string>): OutEl =>
  typeof content === 'string' ? { ns, name, text: content, attrs } : { ns, name, children: content, attrs };
export const d = (name: string, content?: string | OutEl[]) => el(NS.DAV, name, content);
export const cal = (name: string, content?: string | OutEl[], attrs?: Record<string, string>) => el(NS.CALDAV, name, content, attrs);

const PREFIXES: Record<string, string> = { [NS.DAV]: 'd', [NS.CALDAV]: 'cal', [NS.CS]: 'cs', [NS.ICAL]: 'ical' };

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  processEntities: true,
  format: false,
});

/** Serialises a document: namespaces are declared on the root with fixed prefixes (x0, x1… for others). */
export function writeXml(root: OutEl): string {
  const prefixes = new Map<string, string>();
  const prefixOf = (ns: string) => {
    let p = prefixes.get(ns);
    if (!p) prefixes.set(ns, (p = PREFIXES[ns] ?? `x${prefixes.size}`));
    return p;
  };
  const convert = (e: OutEl): Node => {
    const tag = e.ns ? `${prefixOf(e.ns)}:${e.name}` : e.name;
    const kids: Node[] = e.text !== undefined ? [{ '#text': e.text }] : (e.children ?? []).map(convert);
    const out: Node = { [tag]: kids };
    if (e.attrs && Object.keys(e.attrs).length) out[':@'] = Object.fromEntries(Object.entries(e.attrs).map(([k, v]) => [`@_${k}`, v]));
    return out;
  };
  const body = convert(root);
  const xmlns: Record<string, string> = {};
  for (const [ns, p] of prefixes) xmlns[`@_xmlns:${p}`] = ns;
  body[':@'] = { ...((body[':@'] as object) ?? {}), ...xmlns };
  return '<?xml version="1.0" encoding="utf-8"?>\n' + builder.build([body]);
}
