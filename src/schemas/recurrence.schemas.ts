import { Type } from 'typebox';
import { FREQUENCIES, MAX_COUNT, MAX_INTERVAL, WEEKDAYS } from '../domain/recurrence-rule.js';

/*
 * `recurrence_pattern` as clients send it (two forms, validated by domain/recurrence-pattern.ts)
 * and as the API returns it. Enums and ranges come from the domain's own constants.
 */

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T, description?: string) =>
  Type.Union([t, Type.Null()], description ? { description } : {});

// Input is case-insensitive: upper and lower case are documented, responses use upper case.
const anyCase = <T extends string>(values: readonly T[]) => values.flatMap((v) => [v, v.toLowerCase() as Lowercase<T>]);
const Frequency = Type.Enum(anyCase(FREQUENCIES), { description: 'case-insensitive' });
const Weekday = Type.String({ pattern: '^[+-]?([1-9]|[1-4][0-9]|5[0-3])?([Mm][Oo]|[Tt][Uu]|[Ww][Ee]|[Tt][Hh]|[Ff][Rr]|[Ss][Aa]|[Ss][Uu])$', description: 'MO…SU, optionally with an ordinal (2TU, -1FR); case-insensitive' });
const IntList = (min: number, max: number, maxItems: number) => Type.Array(Type.Integer({ minimum: min, maximum: max, not: { enum: [0] } }), { maxItems });
const Instants = (description: string) => Type.Array(Type.String({ maxLength: 40, description }), { maxItems: 1000 });
const MonthDay = Type.Integer({ minimum: -31, maximum: 31, not: { enum: [0] }, description: '1..31, or -31..-1 counted from the month end' });
const Interval = Type.Integer({ minimum: 1, maximum: MAX_INTERVAL });
const Count = Type.Integer({ minimum: 1, maximum: MAX_COUNT });

/** The structured keys; null (or an empty list) means "not set". */
const structured = {
  interval: Type.Optional(nullable(Interval, 'default 1')),
  by_weekday: Type.Optional(nullable(Type.Array(Weekday, { maxItems: 7, uniqueItems: true }))),
  by_month_day: Type.Optional(nullable(Type.Array(MonthDay, { maxItems: 31, uniqueItems: true }))),
  count: Type.Optional(nullable(Count, 'number of occurrences; not with until')),
  until: Type.Optional(nullable(Type.String({ format: 'date-time' }), 'last possible start (RFC 3339); not with count')),
  by_month: Type.Optional(nullable(IntList(1, 12, 12))),
  by_year_day: Type.Optional(nullable(IntList(-366, 366, 366))),
  by_week_no: Type.Optional(nullable(IntList(-53, 53, 53))),
  by_set_pos: Type.Optional(nullable(IntList(-366, 366, 366))),
  wkst: Type.Optional(nullable(Type.Enum(anyCase(WEEKDAYS)))),
  rdate: Type.Optional(Instants('extra occurrence start (RFC 3339, or local time in the event zone)')),
  exdate: Type.Optional(Instants('a cancelled occurrence start (RFC 3339, or local time in the event zone)')),
};

/** `{rrule}`: an RFC 5545 RRULE; structured keys may accompany it and must then agree with it (so a returned pattern can be sent back). */
export const RecurrenceRuleInput = Type.Object(
  {
    rrule: Type.String({ minLength: 1, description: 'RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10 (an RRULE: prefix is allowed); DAILY or coarser; every RFC 5545 part of such a rule' }),
    frequency: Type.Optional(Frequency),
    ...structured,
  },
  { additionalProperties: false, title: 'RecurrenceRuleInput' },
);

/** The structured form: frequency plus optional interval, weekdays, month days, and count or until. */
export const RecurrenceStructuredInput = Type.Object(
  { rrule: Type.Optional(Type.Null()), frequency: Frequency, ...structured },
  { additionalProperties: false, title: 'RecurrenceStructuredInput' },
);

export const RecurrencePatternInput = Type.Union([RecurrenceRuleInput, RecurrenceStructuredInput], {
  description: 'Either {rrule} or the structured form {frequency, interval, by_weekday, by_month_day, count, until}; both together must agree',
});

/** As returned: the canonical rule plus every part, unset parts null. */
export const PatternSchema = Type.Object({
  rrule: Type.String({ description: 'canonical RRULE' }),
  frequency: Type.Enum(FREQUENCIES),
  interval: Interval,
  by_weekday: nullable(Type.Array(Type.String({ description: 'MO…SU with an optional ordinal' }))),
  by_month_day: nullable(Type.Array(MonthDay)),
  count: nullable(Count),
  until: nullable(Type.String({ format: 'date-time' })),
  by_month: nullable(Type.Array(Type.Integer())),
  by_year_day: nullable(Type.Array(Type.Integer())),
  by_week_no: nullable(Type.Array(Type.Integer())),
  by_set_pos: nullable(Type.Array(Type.Integer())),
  wkst: Type.Enum(WEEKDAYS),
  rdate: Type.Array(Type.String({ format: 'date-time' }), { description: 'extra occurrence starts (UTC)' }),
  exdate: Type.Array(Type.String({ format: 'date-time' }), { description: 'cancelled occurrence starts (UTC)' }),
});
