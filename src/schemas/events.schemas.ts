import { Type } from 'typebox';
import { Defaulted } from './common.schemas.js';
import { documentedAs } from './documented.js';
import { PatternSchema, RecurrencePatternInput } from './recurrence.schemas.js';

const nullableString = (max: number) => Type.Union([Type.String({ maxLength: max }), Type.Null()]);

/** RFC 3339 date-time, the offset optional (wall-clock time in the event's zone; SPEC §12). */
const DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})?$';

/** The writable fields of an event; unknown and server-owned fields are rejected. */
const writable = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(nullableString(10_000)),
  location: Type.Optional(nullableString(500)),
  start_time: Type.String({ maxLength: 40, pattern: DATE_TIME, description: 'RFC 3339 with offset, or local time without one (read in `timezone`)' }),
  end_time: Type.String({ maxLength: 40, pattern: DATE_TIME, description: 'RFC 3339 with offset, or local time without one (read in `timezone`); after start_time' }),
  timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone (default UTC)' })),
  is_recurring: Type.Optional(Type.Boolean()),
  // Validated by the domain (parsePattern names each bad key), documented exactly.
  recurrence_pattern: Type.Optional(
    documentedAs(
      Type.Union([Type.Object({}, { additionalProperties: true, description: '{rrule} or {frequency, interval, by_weekday, by_month_day, count, until}' }), Type.Null()]),
      Type.Union([RecurrencePatternInput, Type.Null()], { description: 'null (or absent) for a single event' }),
    ),
  ),
  all_day: Type.Optional(Type.Boolean({ description: 'start_time/end_time are local midnights in timezone; free time (no conflict checks)' })),
};

export const EventCreateBody = Type.Object(
  { ...writable, uid: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'RFC 5545 UID, unique per owner (generated when absent)' })) },
  { additionalProperties: false },
);

export const EventUpdateBody = Type.Object(
  {
    title: Type.Optional(writable.title),
    description: writable.description,
    location: writable.location,
    start_time: Type.Optional(writable.start_time),
    end_time: Type.Optional(writable.end_time),
    timezone: writable.timezone,
    is_recurring: writable.is_recurring,
    recurrence_pattern: writable.recurrence_pattern,
    all_day: writable.all_day,
    base_version: Type.Optional(Type.Integer({ minimum: 1, description: 'the version this edit was based on: enables a three-way merge' })),
  },
  { additionalProperties: false },
);

export const BatchBody = Type.Object(
  { events: Type.Array(EventCreateBody, { minItems: 1, maxItems: 100 }) },
  { additionalProperties: false },
);

export const OccurrenceBody = Type.Object(
  {
    title: Type.Optional(writable.title),
    description: writable.description,
    location: writable.location,
    start_time: Type.Optional(writable.start_time),
    end_time: Type.Optional(writable.end_time),
  },
  { additionalProperties: false },
);

export { PatternSchema };

export const PermissionSchema = Type.Object({ user_id: Type.Integer(), username: Type.String(), role: Type.String() });

export const ConflictSchema = Type.Object({
  event_id: Type.Union([Type.Integer(), Type.Null()]),
  index: Type.Optional(Type.Integer()),
  title: Type.String(),
  start_time: Type.String(),
  end_time: Type.String(),
});

/** The event's own fields, as events carry them and as versions snapshot them. */
export const snapshotFields = {
  title: Type.String(),
  description: Type.String(),
  location: Type.String(),
  start_time: Type.String({ format: 'date-time' }),
  end_time: Type.String({ format: 'date-time' }),
  timezone: Type.String(),
  is_recurring: Type.Boolean(),
  recurrence_pattern: Type.Union([PatternSchema, Type.Null()]),
  exceptions: Type.Array(Type.Object({ original_start: Type.String(), status: Type.String() }, { additionalProperties: true })),
  uid: Type.String({ description: 'RFC 5545 UID' }),
  all_day: Type.Boolean(),
};

const eventFields = {
  id: Type.Integer(),
  ...snapshotFields,
  created_by: Type.Integer(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  version: Type.Integer(),
  role: Type.String(),
  permissions: Type.Optional(Type.Array(PermissionSchema)),
};

export const EventSchema = Type.Object(eventFields, { $id: 'Event' });
export const EventWriteResponse = Type.Object({ ...eventFields, conflicts: Type.Array(ConflictSchema) });

export const OccurrenceItem = Type.Object({
  ...eventFields,
  original_start: Type.String({ format: 'date-time' }),
  occurrence_start: Type.String({ format: 'date-time' }),
  occurrence_end: Type.String({ format: 'date-time' }),
  is_exception: Type.Boolean(),
});

export const EventListQuery = Type.Object(
  {
    skip: Defaulted(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: 'items to skip' })),
    limit: Defaulted(Type.Integer({ minimum: 1, maximum: 100, default: 50, description: 'page size' })),
    start_time: Type.Optional(Type.String({ maxLength: 40 })),
    end_time: Type.Optional(Type.String({ maxLength: 40 })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    role: Type.Optional(Type.String({ maxLength: 16 })),
    is_recurring: Type.Optional(Type.Boolean()),
    sort: Defaulted(Type.Union([Type.Literal('start_time'), Type.Literal('-start_time'), Type.Literal('updated_at'), Type.Literal('-updated_at')], { default: 'start_time' })),
    expand: Defaulted(Type.Boolean({ default: false, description: 'one item per occurrence inside the window (start_time and end_time required, ≤ 366 days)' })),
  },
  { additionalProperties: false },
);

export const EventListResponse = Type.Object({
  total: Type.Integer(),
  skip: Type.Integer(),
  limit: Type.Integer(),
  // One item shape (occurrence fields present with expand=true): serialising a union would make
  // the serializer test every item against each branch.
  items: Type.Array(
    Type.Object({
      ...eventFields,
      original_start: Type.Optional(Type.String({ format: 'date-time' })),
      occurrence_start: Type.Optional(Type.String({ format: 'date-time' })),
      occurrence_end: Type.Optional(Type.String({ format: 'date-time' })),
      is_exception: Type.Optional(Type.Boolean()),
    }),
  ),
});

export const WindowQuery = Type.Object(
  { start_time: Type.String({ maxLength: 40 }), end_time: Type.String({ maxLength: 40 }) },
  { additionalProperties: false },
);

export const CheckConflictsQuery = Type.Object(
  { check_conflicts: Defaulted(Type.Boolean({ default: true, description: 'false: write even when the event overlaps others (the overlaps are still returned)' })) },
  { additionalProperties: false },
);

export const GetEventQuery = Type.Object({ as_of: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false });

export const OccurrenceParams = Type.Object(
  { id: Type.Integer({ minimum: 1, maximum: 2147483647 }), occurrence_start: Type.String({ maxLength: 40 }) },
  { additionalProperties: false },
);

export const OccurrenceScopeQuery = Type.Object(
  {
    scope: Defaulted(Type.Union([Type.Literal('this'), Type.Literal('following')], { default: 'this', description: 'this: change one occurrence; following: split the series here' })),
    check_conflicts: Defaulted(Type.Boolean({ default: true, description: 'false: write even when it overlaps other events' })),
  },
  { additionalProperties: false },
);

export const ConflictPairs = Type.Object({ items: Type.Array(Type.Object({ first: ConflictSchema, second: ConflictSchema })) });
