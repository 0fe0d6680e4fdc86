import { useGetList } from 'react-admin';

export interface ReasonCode {
  id: string;
  code: string;
  kind: 'reject' | 'request_info';
  label: string;
  userMessage: string;
  active: boolean;
}

/** The active reason codes of one kind (the server lists them all in one page). */
export const useReasonCodes = (kind: ReasonCode['kind'], enabled = true) => {
  const { data, isPending } = useGetList<ReasonCode>(
    'reason-codes',
    { pagination: { page: 1, perPage: 200 }, sort: { field: 'code', order: 'ASC' } },
    { enabled, staleTime: 5 * 60_000 },
  );
  return { codes: (data ?? []).filter((code) => code.active && code.kind === kind), isPending };
};
