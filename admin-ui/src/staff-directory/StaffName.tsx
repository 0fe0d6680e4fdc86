import type { Identifier } from 'react-admin';
import { useStaffName } from './useStaffDirectory';

/** A staff member by display name (see useStaffName for what shows before the directory answers). */
export const StaffName = ({ id, fallback }: { id: Identifier | null | undefined; fallback?: string | null }) => {
  const staffName = useStaffName();
  return <>{staffName(id, fallback)}</>;
};
