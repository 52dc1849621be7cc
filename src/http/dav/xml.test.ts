import { describe, expect, it } from 'vitest';
import { propElement, storeValue } from './dead-props.js';
import { parseDavPath } from './paths.js';
import { parseXml, writeXml, XmlError } from './xml.js';

describe('WebDAV XML and paths', () => {
  it('refuses a prefix bound to the empty namespace (Namespaces in XML §3), accepts xmlns=""', () => {
    expect(() => parseXml('<D:propfind xmlns:D="DAV:"><D:prop><bar:foo xmlns:bar=""/></D:prop></D:propfind>')).toThrow(XmlError);
    const ok = parseXml('<propertyupdate xmlns="DAV:"><set><prop><nonamespace xmlns="">v</nonamespace></prop></set></propertyupdate>');
    expect(ok.children[0].children[0].children[0]).toMatchObject({ ns: '', name: 'nonamespace', text: 'v' });
  });

  it('decodes numeric character references, astral ones included, and keeps escaped ampersands', () => {
    expect(parseXml('<a xmlns="x:">&#65536;&#x41;&amp;#65;</a>').text).toBe('\u{10000}A&#65;');
    expect(() => parseXml('<a xmlns="x:">&nbsp;</a>')).toThrow(XmlError);
    expect(parseXml('<a xmlns="x:"><![CDATA[Tom &nbsp; Jerry]]></a>').text).toBe('Tom &nbsp; Jerry');
  });

  it('stores a dead property as sent and writes it back with its namespaces', () => {
    const prop = parseXml('<t:v xmlns:t="http://t/"><foo xmlns="http://bar" a="1">x</foo><t:y/></t:v>');
    const out = writeXml(propElement('http://t/', 'v', storeValue(prop)));
    expect(parseXml(out)).toEqual(prop);
    expect(propElement('n:', 'p', 'not json')).toEqual({ ns: 'n:', name: 'p', children: [] });
  });

  it('names plain WebDAV files below the home, drops a #fragment, keeps events/ the calendar', () => {
    expect(parseDavPath('/dav/calendars/u/docs/a%20b.txt')).toEqual({ kind: 'file', user: 'u', segs: ['docs', 'a b.txt'], trailing: false });
    expect(parseDavPath('/dav/calendars/u/frag/#ment')).toEqual({ kind: 'file', user: 'u', segs: ['frag'], trailing: true });
    expect(parseDavPath('/dav/calendars/u/events/')).toEqual({ kind: 'collection', user: 'u' });
    expect(parseDavPath('/dav/calendars/u/docs/../x').kind).toBe('unknown');
  });
});
