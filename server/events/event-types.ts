/**
 * Every security event type, in the README's order. Plain data with no
 * imports: the desk's bundle reads it too (the endpoint form's type filter).
 */
export const securityEventTypes = [
  'factor.bound',
  'factor.changed',
  'factor.unbound',
  'account.frozen',
  'account.unfrozen',
  'withdrawal_lock.set',
  'case.submitted',
  'case.approved',
  'case.rejected',
  'case.completed',
  'staff.pii_revealed',
] as const;

export type SecurityEventType = (typeof securityEventTypes)[number];
