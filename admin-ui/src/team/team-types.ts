// The shapes of GET /admin/api/team and POST /team/:staffId/release-claims (server/team/service.ts).
import type { StaffRole } from '../staff-roles';

export interface TeamMember {
  id: number;
  name: string;
  role: StaffRole;
  active: boolean;
  openCases: number;
  oldestSlaDueAt: string | null;
  lastActivityAt: string | null;
}

export interface ReleaseClaimsResult {
  staffId: number;
  released: number[];
  skipped: { caseId: number; code: string }[];
}
