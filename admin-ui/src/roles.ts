// Staff roles and what each may see in the desk. The server enforces the same
// rules on every route; the desk reads the server's own permission table
// (server/staff-auth/permissions.ts, plain data with a type-only import) and
// uses it only to decide which menus, pages and buttons to offer.
// Only the lazy desk imports this module; the sign-in page uses ./staff-roles.

import { permissions, type Permission } from '../../server/staff-auth/permissions.ts';
import { STAFF_ROLES, type StaffRole } from './staff-roles';

export { STAFF_ROLES, isStaffRole, type StaffRole } from './staff-roles';
export type { Permission };

export const can = (role: StaffRole | undefined, permission: Permission): boolean =>
  role !== undefined && (permissions[permission] as readonly StaffRole[]).includes(role);

export const canReadAuditEvents = (role: StaffRole | undefined): boolean => can(role, 'audit.read');

export const canManageStaff = (role: StaffRole | undefined): boolean => can(role, 'staff.manage');

/** Choices for a SelectInput / SelectField; names are translation keys. */
export const staffRoleChoices = STAFF_ROLES.map((role) => ({
  id: role,
  name: `rebind.roles.${role}`,
}));
