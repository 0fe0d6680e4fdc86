// The shape of GET /admin/api/staff-directory (server/staff/service.ts, staffDirectory).
import type { StaffRole } from '../staff-roles';

export interface StaffDirectoryEntry {
  id: number;
  name: string;
  role: StaffRole;
  /** false once disabled: history still names them. */
  active: boolean;
}
