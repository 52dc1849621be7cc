import { Defaulted } from './common.schemas.js';
import { Type } from 'typebox';
import { Timestamp } from './common.schemas.js';

/** A text/calendar response body (one VCALENDAR). */
export const CalendarBody = {
  description: 'iCalendar (RFC 5545): one VCALENDAR',
  content: { 'text/calendar': { schema: Type.String({ description: 'VCALENDAR text, CRLF line ends' }) } },
};

/** A text/calendar request body. */
export const CalendarRequestBody = {
  content: { 'text/calendar': { schema: Type.String({ description: 'VCALENDAR text as Google Calendar, Outlook or Apple Calendar export it' }) } },
};

export const CalendarQuery = Type.Object(
  {
    start_time: Type.Optional(Type.String({ maxLength: 40, description: 'only events touching [start_time, end_time)' })),
    end_time: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

export const ImportQuery = Type.Object(
  {
    check_conflicts: Defaulted(Type.Boolean({ default: false, description: 'true: events that overlap your calendar fail instead of being written' })),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'zone for floating times and all-day dates when the file names none (default: X-WR-TIMEZONE, else UTC)' })),
  },
  { additionalProperties: false },
);

const ImportConflict = Type.Object({
  index: Type.Integer(),
  uid: Type.String(),
  event_id: Type.Union([Type.Integer(), Type.Null()]),
  title: Type.String(),
  start_time: Type.String(),
  end_time: Type.String(),
});

export const ImportResponse = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  items: Type.Array(Type.Object({
    index: Type.Integer({ description: '0-based position of the VEVENT in the file' }),
    uid: Type.String(),
    id: Type.Integer(),
    action: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('unchanged')]),
  })),
  failed: Type.Array(Type.Object({ index: Type.Integer(), uid: Type.Union([Type.String(), Type.Null()]), reason: Type.String() })),
  conflicts: Type.Array(ImportConflict, { description: 'clashes of written events with your calendar' }),
});

export const FeedCreateBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

const feedFields = { id: Type.String({ format: 'uuid' }), name: Type.String(), created_at: Timestamp };

export const FeedCreated = Type.Object({
  ...feedFields,
  url: Type.String({ description: 'secret subscription address; shown only now' }),
});

export const FeedList = Type.Object({ items: Type.Array(Type.Object(feedFields)) });

export const FeedIdParam = Type.Object({ id: Type.String({ maxLength: 64 }) }, { additionalProperties: false });

export const FeedFileParam = Type.Object({ file: Type.String({ maxLength: 100 }) }, { additionalProperties: false });
