import type { StaffRole } from '../../db/schema/index.ts';

/**
 * The one permission table the code consults. Routes name a permission, never
 * a role, so changing who may do what is an edit here and nowhere else.
 */
export const permissions = {
  'session.self': ['agent', 'supervisor', 'auditor', 'admin'],
  'audit.read': ['auditor', 'admin'],
  'staff.read': ['admin'],
  'staff.manage': ['admin'],
  // Colleagues' display names and roles (no email, no 2FA data): every desk screen shows people by name.
  'staff.directory': ['agent', 'supervisor', 'auditor', 'admin'],
  'outbox.read': ['admin'],
  'cases.read': ['agent', 'supervisor', 'auditor', 'admin'],
  'cases.work': ['agent', 'supervisor'],
  // Running the team: assign and reassign cases, release an absent agent's claims, see who holds what.
  'cases.assign': ['supervisor'],
  'team.read': ['supervisor'],
  'users.read': ['agent', 'supervisor', 'auditor', 'admin'],
  'users.reveal': ['agent', 'supervisor'],
  'users.unfreeze': ['supervisor'],
  'stats.read': ['agent', 'supervisor', 'auditor', 'admin'],
  'reason-codes.read': ['agent', 'supervisor', 'auditor', 'admin'],
  'reason-codes.manage': ['admin'],
  'insider.read': ['supervisor', 'admin'],
  // Machine callers of /service/v1: their keys open withdrawals, sessions, the ledger and user records.
  'service-accounts.read': ['admin'],
  'service-accounts.manage': ['admin'],
  // Webhook endpoints (URLs, secrets) and their delivery log: integration settings, admins only.
  'webhooks.read': ['admin'],
  'webhooks.manage': ['admin'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof permissions;

export function roleHasPermission(role: StaffRole, permission: Permission): boolean {
  return (permissions[permission] as readonly StaffRole[]).includes(role);
}
