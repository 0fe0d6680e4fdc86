import type { SortPayload } from 'react-admin';
import { ADMIN_API_URL } from '../dataProvider';

/** The server-side CSV export of the audit log, with the list's filter and order. */
export const getAuditEventsCsvUrl = (filter: Record<string, unknown> | undefined, sort?: SortPayload): string => {
  const query = new URLSearchParams({ filter: JSON.stringify(filter ?? {}) });
  if (sort?.field) query.set('sort', JSON.stringify([sort.field, sort.order]));
  return `${ADMIN_API_URL}/audit-events.csv?${query}`;
};
