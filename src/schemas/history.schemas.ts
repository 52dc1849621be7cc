import { Type } from 'typebox';
import { Pagination, Timestamp } from './common.schemas.js';
import { snapshotFields } from './events.schemas.js';

const VersionNumber = Type.Integer({ minimum: 1, maximum: 2147483647, description: 'the per-event version number (1, 2, …)' });
const EventId = Type.Integer({ minimum: 1, maximum: 2147483647 });

export const VersionParams = Type.Object({ id: EventId, versionId: VersionNumber }, { additionalProperties: false });

export const DiffParams = Type.Object({ id: EventId, versionId1: VersionNumber, versionId2: VersionNumber }, { additionalProperties: false });

export const PageQuery = Type.Object(Pagination, { additionalProperties: false });

const UserRef = Type.Object({ id: Type.Integer(), username: Type.String() });

/** The event's own fields as one version stored them (no ids, version number or timestamps). */
export const SnapshotSchema = Type.Object(snapshotFields);

export const HistoryEntrySchema = Type.Object({
  event_id: Type.Integer(),
  version: Type.Integer(),
  data: SnapshotSchema,
  created_at: Timestamp,
  created_by: UserRef,
});

export const HistoryList = Type.Object({ total: Type.Integer(), items: Type.Array(HistoryEntrySchema) });

export const ChangelogItem = Type.Object({
  version: Type.Integer({ description: 'the version this change created, or the version current when it happened (permission changes, delete)' }),
  action: Type.String({ description: 'created, updated, rolled_back, restored, deleted, shared, permission_changed, permission_removed, occurrence_cancelled, occurrence_changed, series_split' }),
  created_at: Timestamp,
  actor: UserRef,
  target_user: Type.Union([UserRef, Type.Null()], { description: 'the user a permission change was about; null otherwise' }),
  summary: Type.String(),
  changed_fields: Type.Array(Type.String()),
  diff: Type.Union([Type.Object({ from_version: Type.Integer(), to_version: Type.Integer() }), Type.Null()], {
    description: 'the versions to pass to the diff endpoint; null for changes that appended no version',
  }),
});

export const ChangelogList = Type.Object({ total: Type.Integer(), items: Type.Array(ChangelogItem) });

export const SegmentSchema = Type.Object({
  op: Type.Union([Type.Literal('equal'), Type.Literal('insert'), Type.Literal('delete')]),
  text: Type.String(),
});

export const FieldChangeSchema = Type.Object({
  field: Type.String(),
  from: Type.Unknown(),
  to: Type.Unknown(),
  segments: Type.Optional(Type.Array(SegmentSchema, { description: 'word-level diff of title and description: equal+delete rebuild `from`, equal+insert rebuild `to`' })),
});

export const DiffResponse = Type.Object({
  event_id: Type.Integer(),
  from_version: Type.Integer(),
  to_version: Type.Integer(),
  changes: Type.Array(FieldChangeSchema),
});
