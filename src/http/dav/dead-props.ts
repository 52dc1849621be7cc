/**
 * Dead properties (RFC 4918 §4): a client's property is stored as it was sent — its text and child
 * elements with their namespaces resolved — as JSON, and written back as the same XML.
 */
import type { OutEl, XmlEl } from './xml.js';

interface Stored {
  t?: string;
  c?: StoredEl[];
}
interface StoredEl extends Stored {
  ns: string;
  n: string;
  a?: Record<string, string>;
}

const toStored = (e: XmlEl): StoredEl => ({
  ns: e.ns, n: e.name,
  ...(Object.keys(e.attrs).length ? { a: e.attrs } : {}),
  ...(e.children.length ? { c: e.children.map(toStored) } : e.text ? { t: e.text } : {}),
});

/** The stored form of a property element's content. */
export function storeValue(prop: XmlEl): string {
  const v: Stored = prop.children.length ? { c: prop.children.map(toStored) } : prop.text ? { t: prop.text } : {};
  return JSON.stringify(v);
}

const toOut = (s: StoredEl): OutEl => ({ ns: s.ns, name: s.n, attrs: s.a, ...(s.c ? { children: s.c.map(toOut) } : s.t !== undefined ? { text: s.t } : {}) });

/** The property element for a stored value (an empty element when the value cannot be read). */
export function propElement(ns: string, name: string, value: string): OutEl {
  let v: Stored = {};
  try {
    v = JSON.parse(value) as Stored;
  } catch {
    v = {};
  }
  if (v.c) return { ns, name, children: v.c.map(toOut) };
  return v.t !== undefined ? { ns, name, text: v.t } : { ns, name, children: [] };
}
