import { Type } from 'typebox';

export const SyncQuery = Type.Object(
  { cursor: Type.Optional(Type.String({ description: 'The cursor of the previous sync; omit for a full load. Malformed or expired → 410' })) },
  { additionalProperties: false },
);

export const TombstoneSchema = Type.Object({
  id: Type.Integer({ description: 'Event id' }),
  reason: Type.Union([Type.Literal('deleted'), Type.Literal('access_removed')]),
  at: Type.String({ format: 'date-time' }),
});

export const SyncResponse = Type.Object({
  changes: Type.Array(Type.Ref('Event'), { description: 'Events changed since the cursor, as GET /api/events/{id} returns them (without permissions)' }),
  tombstones: Type.Array(TombstoneSchema),
  cursor: Type.String({ description: 'Opaque; pass it to the next sync' }),
  has_more: Type.Boolean({ description: 'The page was capped: sync again with the new cursor at once' }),
});
