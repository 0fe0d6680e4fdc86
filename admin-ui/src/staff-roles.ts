// The staff roles, and nothing else: the sign-in page's chunk (via authProvider)
// needs these, and must not carry the permission table in roles.ts with them.

export const STAFF_ROLES = ['agent', 'supervisor', 'auditor', 'admin'] as const;

export type StaffRole = (typeof STAFF_ROLES)[number];

export const isStaffRole = (value: unknown): value is StaffRole => typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
