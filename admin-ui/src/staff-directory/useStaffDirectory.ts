import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { useDataProvider, type Identifier } from 'react-admin';
import type { RebindDataProvider } from '../dataProvider';
import type { StaffDirectoryEntry } from './staff-directory-types';

// Names change rarely: one fetch serves every screen for a while.
const STALE_MS = 5 * 60_000;

/** Every colleague by id, from GET /staff-directory (readable by every staff role). */
export const useStaffDirectory = () => {
  const dataProvider = useDataProvider<RebindDataProvider>();
  const { data, isPending } = useQuery({
    queryKey: ['staff-directory'],
    queryFn: () => dataProvider.getStaffDirectory(),
    staleTime: STALE_MS,
  });
  const byId = useMemo(() => new Map((data ?? []).map((entry) => [String(entry.id), entry])), [data]);
  return { entries: data ?? [], byId, isPending };
};

/**
 * A function from a staff id to a display name: the directory's name, else
 * the name the response carried (`fallback`), else "#id" (while loading, or
 * for an id the directory does not know).
 */
export const useStaffName = () => {
  const { byId } = useStaffDirectory();
  return useCallback(
    (id: Identifier | null | undefined, fallback?: string | null): string => {
      if (id === null || id === undefined || id === '') return fallback ?? '–';
      return byId.get(String(id))?.name ?? fallback ?? `#${id}`;
    },
    [byId],
  );
};

export type { StaffDirectoryEntry };
