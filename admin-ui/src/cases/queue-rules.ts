import { can, type StaffRole } from '../roles';
import type { CaseSummary } from './case-types';

/** Whether the queue offers "Claim" on a row (button and the `c` shortcut). */
export const canClaimFromQueue = (record: CaseSummary, role: StaffRole | undefined) =>
  can(role, 'cases.work') && !record.ownAccount && (record.status === 'submitted' || (record.status === 'escalated' && role === 'supervisor'));
