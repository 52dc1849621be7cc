import { Type } from 'typebox';
import { PermissionSchema } from './events.schemas.js';

const UserId = Type.Integer({ minimum: 1, maximum: 2147483647 });
const RoleName = Type.String({ minLength: 1, maxLength: 16, description: 'OWNER, EDITOR or VIEWER (any case)' });
export const ShareEntry = Type.Object({ user_id: UserId, role: RoleName }, { additionalProperties: false });

/** `{users: [{user_id, role}]}` or a single `{user_id, role}`. */
export const ShareBody = Type.Union([
  Type.Object({ users: Type.Array(ShareEntry, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false }),
  ShareEntry,
]);

export const RoleBody = Type.Object({ role: RoleName }, { additionalProperties: false });
export const PermissionParams = Type.Object({ id: UserId, userId: UserId }, { additionalProperties: false });
export const PermissionList = Type.Array(PermissionSchema);
