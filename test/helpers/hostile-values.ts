/**
 * Hostile values for the generated-input suite: strings, numbers and ids a hostile client sends,
 * a sampler that builds a plausible value from a JSON schema, and mutations of a body that make
 * it invalid for certain (so a write carrying one must be rejected and change nothing).
 */
import fc from 'fast-check';

export type JsonSchema = Record<string, any>;

const LONE_HIGH = '\uD800';
const LONE_LOW = '\uDC00';

/** Strings shaped like attacks or edge cases (may be valid for a free-text field). */
export const injectionStrings = [
  "' OR 1=1 --", "'; DROP TABLE events; --", '" OR ""="', "1; select pg_sleep(5)", "%' AND 1=1 AND '%'='",
  '../../../../etc/passwd', '..%2F..%2Fetc%2Fpasswd', '....//....//etc/passwd', 'C:\\Windows\\win.ini',
  '{{7*7}}', '${7*7}', '<%= 7*7 %>', '#{7*7}', '<script>alert(1)</script>', 'javascript:alert(1)',
  'a\r\nSet-Cookie: x=1', 'x\r\n\r\nHTTP/1.1 200 OK', '$where', '{"$gt": ""}', '__proto__', 'constructor',
  '%00', '%s%s%s%n', '\\u0000', 'NaN', 'Infinity', '-0', 'null', 'undefined', 'true',
  'é'.normalize('NFD'), '\u202Eevil', '\uFEFF', '😀'.repeat(20), 'ＡＢＣ', '\u0085\u2028\u2029',
];

/** Strings that no field of the API accepts: NUL characters (SPEC §11). */
export const nulStrings = ['\u0000', 'abc\u0000def', '\u0000'.repeat(50), 'title\u0000', `${'x'.repeat(10)}\u0000--`];

/** Strings with unpaired surrogates (not well-formed Unicode). */
export const surrogateStrings = [LONE_HIGH, LONE_LOW, `ab${LONE_HIGH}cd`, `${LONE_LOW}${LONE_HIGH}`, `x${LONE_HIGH}`];

export const hostileString = fc.oneof(
  fc.constantFrom(...injectionStrings),
  fc.constantFrom(...nulStrings),
  fc.constantFrom(...surrogateStrings),
  fc.constant(''),
  fc.constant(' '.repeat(300)),
  fc.integer({ min: 201, max: 20_000 }).map((n) => 'x'.repeat(n)),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** Numbers out of every field's range, or not integers. */
export const hostileNumbers = [0, -1, -0.5, 1.5, 2 ** 31, 2 ** 31 - 1 + 1, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 2 ** 63, -(2 ** 63), 1e20, 1e308, -1e308, 5e-324];

/** Path ids that name nothing a caller may touch: zero, negative, overflowing, non-numeric. */
export const hostileIds = [
  '0', '-1', '2147483648', '2147483647', '4294967296', '9223372036854775808', '9223372036854775807', '18446744073709551616',
  '1e3', '1.5', '0x10', '+1', ' 1', 'abc', 'null', 'NaN', '%00', '1%00', '..', '%2e%2e', '..%2f..%2fetc', '1;DROP TABLE events',
  "1'", '1 OR 1=1', '%7B%7B7*7%7D%7D', '%E0%A4%A', '%', '%zz', '%C0%AE', '99999999', `${'9'.repeat(400)}`, '%F0%9F%98%80',
];

/** Query values that break a typed parameter (integer, boolean, date-time, enum). */
export const hostileQueryValues = [
  '', 'abc', '-1', '1e20', '2147483648', '9223372036854775808', '1.5', 'true', 'maybe', '[]', '{}', '%00', '%E0%A4%A',
  '1900-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '0000-00-00T00:00:00Z', '2024-02-30T00:00:00Z', '2024-01-01', 'yesterday',
  '2024-01-01T00:00:00+25:00', 'x'.repeat(5000), "' OR 1=1 --", '../../etc/passwd',
];

export const invalidZones = ['Mars/Olympus', 'UTC+25', '', 'America/New_York\u0000', '../../../etc/localtime', 'x'.repeat(65), 'Europe/', 'EST5EDT,M3.2.0,M11.1.0'];
export const invalidRules = [
  'FREQ=SECONDLY', 'FREQ=MINUTELY;COUNT=100000', 'FREQ=HOURLY', 'FREQ=DAILY;INTERVAL=-1', 'FREQ=WEEKLY;BYDAY=XX', 'FREQ=DAILY;COUNT=5;UNTIL=20300101T000000Z',
  'FREQ=DAILY;COUNT=99999999999', 'FREQ=YEARLY;BYMONTH=13', 'FREQ=MONTHLY;BYMONTHDAY=32', 'NOT A RULE', 'FREQ=DAILY\r\nX-INJECT:1', 'FREQ=DAILY;UNTIL=99999999T999999Z',
];

/**
 * A value the schema's type rejects even after the validator's type coercion (numbers and
 * booleans become strings, single values become one-item arrays), or a deeply nested one.
 */
export function wrongTypeValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const t = [schema.type].flat()[0];
  const nested = fc.integer({ min: 50, max: 3000 }).map((n) => [deepNest(n)] as unknown[]).map((v) => [v, v]);
  const pools: Record<string, unknown[]> = {
    string: [{ a: 1 }, [1, 2], []],
    integer: ['text', { a: 1 }, [1, 2], '12abc'],
    number: ['text', { a: 1 }, [1, 2]],
    boolean: ['text', 12345, { a: 1 }, [1, 2]],
    object: ['text', 12345, [1, 2], true],
    array: [{ a: 1 }],
  };
  const pool = pools[t] ?? [];
  if (!pool.length) return fc.constant({ a: 1 });
  return t === 'object' || t === 'array' ? fc.constantFrom(...pool) : fc.oneof(fc.constantFrom(...pool), nested);
}

/** `[[[...]]]` n levels deep. */
export function deepNest(n: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** Resolves `$ref` against the document's components. */
export function resolve(schema: JsonSchema | undefined, doc: JsonSchema): JsonSchema {
  let s = schema ?? {};
  for (let i = 0; s.$ref && i < 10; i++) s = doc.components?.schemas?.[String(s.$ref).split('/').pop()!] ?? {};
  return s;
}

/** A plausible value for a schema: required fields filled, formats respected (not necessarily valid as a whole). */
export function sample(schema: JsonSchema, doc: JsonSchema, depth = 0): unknown {
  const s = resolve(schema, doc);
  const branch = s.anyOf ?? s.oneOf;
  if (branch?.length) return sample(branch[0], doc, depth + 1);
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  const t = [s.type].flat()[0];
  if (t === 'object' || s.properties) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries<JsonSchema>(s.properties ?? {})) {
      if ((s.required ?? []).includes(k) || depth === 0) out[k] = sample(v, doc, depth + 1);
    }
    return out;
  }
  if (t === 'array') return s.items ? [sample(s.items, doc, depth + 1)] : [];
  if (t === 'integer' || t === 'number') return Math.max(s.minimum ?? 1, 1);
  if (t === 'boolean') return true;
  if (t === 'string') {
    if (s.format === 'date-time') return '2031-05-05T10:00:00Z';
    if (s.format === 'email') return 'fuzz@example.com';
    return 'x'.repeat(Math.max(s.minLength ?? 1, 3));
  }
  return null;
}

export interface BodyMutation {
  body: unknown;
  /** What was done, for the report of a failing case. */
  what: string;
}

/**
 * Mutations of a sampled object body that no schema-valid request matches: a required field
 * dropped, an unknown or server-owned field added, a field of the wrong type, a string outside
 * its length bounds or containing NUL, an integer outside its range. Returns at least one.
 */
export function invalidBodies(schema: JsonSchema, doc: JsonSchema, depth = 0): fc.Arbitrary<BodyMutation> {
  const s = resolve(schema, doc);
  const sampled = (sample(s, doc) ?? {}) as Record<string, unknown>;
  // The perturbation comes first and the certain mutation on top, so it cannot undo the mutation.
  return extraPerturbation(sampled).chain((perturbed) => {
    const base = perturbed as Record<string, unknown>;
    const props = Object.entries<JsonSchema>(s.properties ?? {}).map(([k, v]) => [k, resolve(v, doc)] as const);
    const options: fc.Arbitrary<BodyMutation>[] = [];
    const set = (k: string, v: unknown, what: string): BodyMutation => ({ body: { ...base, [k]: v }, what });
    const extraKeys = ['id', 'created_by', 'version', 'is_admin', 'role_override', 'created_at', '$where', 'x'.repeat(300), 'a\u0000b'];
    if (s.additionalProperties === false) {
      options.push(fc.tuple(fc.constantFrom(...extraKeys), fc.oneof(hostileString, fc.constantFrom(...hostileNumbers))).map(([k, v]) => set(k, v, `extra field ${k}`)));
    }
    for (const req of s.required ?? []) {
      const { [req]: _dropped, ...rest } = base;
      options.push(fc.constant({ body: rest, what: `missing ${req}` }));
    }
    for (const [k, p] of props) {
      if (!p.type || p.anyOf || p.oneOf) continue; // a union accepts too much to be sure a value is wrong
      options.push(wrongTypeValue(p).map((v) => set(k, v, `wrong type for ${k}`)));
      if (p.type === 'string') {
        options.push(fc.constantFrom(...nulStrings).map((v) => set(k, v, `NUL in ${k}`)));
        if (p.maxLength !== undefined) options.push(fc.constant(set(k, 'y'.repeat(p.maxLength + 1), `${k} too long`)));
        if (p.minLength) options.push(fc.constant(set(k, '', `${k} empty`)));
      }
      if (p.type === 'integer') options.push(fc.constantFrom(2 ** 31, 2 ** 63, 1e20, 1.5, -(2 ** 63)).map((v) => set(k, v, `${k} out of range`)));
      const items = p.type === 'array' ? resolve(p.items, doc) : null;
      if (items && (items.type === 'object' || items.properties) && depth < 2) {
        const good = sample(items, doc);
        options.push(fc.tuple(invalidBodies(items, doc, depth + 1), fc.integer({ min: 0, max: 3 })).map(([m, n]) => set(k, [...Array(n).fill(good), m.body], `${k}[${n}]: ${m.what}`)));
        if (p.maxItems !== undefined) options.push(fc.constant(set(k, Array(p.maxItems + 1).fill(good), `${k} over ${p.maxItems} items`)));
        if (p.minItems) options.push(fc.constant(set(k, [], `${k} empty`)));
        // Many invalid items: the error list must stay short (SPEC §11: at most 20).
        options.push(fc.integer({ min: 25, max: 5000 }).map((n) => set(k, Array(n).fill({}), `${k}: ${n} empty objects`)));
      }
    }
    if (depth === 0) {
      options.push(fc.constantFrom<unknown>([], 'string', 42, null, true, [base]).map((v) => ({ body: v, what: 'body of the wrong type' })));
      options.push(fc.integer({ min: 100, max: 5000 }).map((n) => ({ body: deepNest(n), what: `body nested ${n} deep` })));
    }
    return fc.oneof(...options);
  });
}

/**
 * Perturbations that may or may not be valid on their own (hostile but well-typed text, bad
 * zones and rules): added on top of a certain mutation to widen what reaches the handlers.
 */
export function extraPerturbation(body: unknown): fc.Arbitrary<unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return fc.constant(body);
  const b = body as Record<string, unknown>;
  return fc.oneof(
    fc.constant(b),
    hostileString.map((v) => ('title' in b ? { ...b, title: v } : b)),
    fc.constantFrom(...invalidZones).map((z) => ({ ...b, timezone: z })),
    fc.constantFrom(...invalidRules).map((r) => ({ ...b, recurrence_pattern: { rrule: r } })),
    fc.constantFrom({ frequency: 'DAILY', count: 2 ** 31 }, { frequency: 'DAILY', interval: 0 }, { frequency: 'SECONDLY' }, { by_month_day: [99] }).map((p) => ({ ...b, recurrence_pattern: p })),
    fc.constantFrom(['1900-01-01T00:00:00Z', '9999-12-31T00:00:00Z'], ['2030-01-01T00:00:00Z', '2029-01-01T00:00:00Z'], ['0001-01-01T00:00:00Z', '0001-01-01T00:00:01Z']).map(([s, e]) => ({ ...b, start_time: s, end_time: e })),
  );
}
