// Staff roles and what each may see in the desk. The server enforces the same
// rules on every route (server/staff-auth/permissions.ts is the source of
// truth); these only decide which menus, pages and buttons to offer.

export const STAFF_ROLES = ['agent', 'supervisor', 'auditor', 'admin'] as const;

export type StaffRole = (typeof STAFF_ROLES)[number];

export const isStaffRole = (value: unknown): value is StaffRole =>
    typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);

/** A copy of the server's permission table, for the permissions the desk shows. */
export const PERMISSIONS = {
    'audit.read': ['auditor', 'admin'],
    'staff.manage': ['admin'],
    'outbox.read': ['admin'],
    'cases.read': ['agent', 'supervisor', 'auditor', 'admin'],
    'cases.work': ['agent', 'supervisor'],
    'users.read': ['agent', 'supervisor', 'auditor', 'admin'],
    'users.reveal': ['agent', 'supervisor'],
    'users.unfreeze': ['supervisor'],
    'stats.read': ['agent', 'supervisor', 'auditor', 'admin'],
    'reason-codes.read': ['agent', 'supervisor', 'auditor', 'admin'],
    'reason-codes.manage': ['admin'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export const can = (role: StaffRole | undefined, permission: Permission): boolean =>
    role !== undefined && (PERMISSIONS[permission] as readonly StaffRole[]).includes(role);

export const canReadAuditEvents = (role: StaffRole | undefined): boolean => can(role, 'audit.read');

export const canManageStaff = (role: StaffRole | undefined): boolean => can(role, 'staff.manage');

/** Choices for a SelectInput / SelectField; names are translation keys. */
export const staffRoleChoices = STAFF_ROLES.map(role => ({
    id: role,
    name: `rebind.roles.${role}`,
}));
