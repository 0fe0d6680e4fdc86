// Staff roles and what each may see in the desk. The server enforces the same
// rules on every route; these only decide which menus and pages to offer.

export const STAFF_ROLES = ['agent', 'supervisor', 'auditor', 'admin'] as const;

export type StaffRole = (typeof STAFF_ROLES)[number];

export const isStaffRole = (value: unknown): value is StaffRole =>
    typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);

export const canReadAuditEvents = (role: StaffRole | undefined): boolean =>
    role === 'admin' || role === 'auditor' || role === 'supervisor';

export const canManageStaff = (role: StaffRole | undefined): boolean => role === 'admin';

/** Choices for a SelectInput / SelectField; names are translation keys. */
export const staffRoleChoices = STAFF_ROLES.map(role => ({
    id: role,
    name: `rebind.roles.${role}`,
}));
