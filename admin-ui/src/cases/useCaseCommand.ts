import { useMutation, useQueryClient } from '@tanstack/react-query';
import { HttpError, useDataProvider, useNotify, type Identifier } from 'react-admin';
import type { CaseActionBodies, CaseCommand, RebindDataProvider } from '../dataProvider';
import { errorCodeOf, isValidationError } from '../layout/http-errors';
import type { CaseDetail } from './case-types';

/** Answers that mean "the case moved on under you": explain, reload, never a bare failure. */
export const CONFLICT_CODES = ['stale_version', 'invalid_state', 'claim_expired'] as const;

export const isConflict = (error: unknown): boolean =>
  error instanceof HttpError && error.status === 409 && (CONFLICT_CODES as readonly string[]).includes(errorCodeOf(error) ?? '');

export interface CaseCommandVariables<A extends CaseCommand = CaseCommand> {
  action: A;
  body: CaseActionBodies[A];
}

/** Puts a fresh case detail in react-admin's cache and marks what it changes as stale. */
export const useStoreCaseDetail = () => {
  const queryClient = useQueryClient();
  return (detail: CaseDetail) => {
    queryClient.setQueryData(['cases', 'getOne', { id: String(detail.id) }], detail);
    void queryClient.invalidateQueries({ queryKey: ['cases', 'getList'] });
    void queryClient.invalidateQueries({ queryKey: ['stats'] });
  };
};

/** Reloads a case after a conflict (the server records the view, as it should). */
export const useReloadCase = () => {
  const queryClient = useQueryClient();
  return (id: Identifier) => {
    void queryClient.invalidateQueries({ queryKey: ['cases', 'getOne', { id: String(id) }] });
    void queryClient.invalidateQueries({ queryKey: ['cases', 'getList'] });
    void queryClient.invalidateQueries({ queryKey: ['stats'] });
  };
};

/**
 * One command on a case (claim, approve, reject…) with the version the reviewer
 * saw. Success: the answer (the case detail) replaces the cached case. A 409
 * (someone else decided, the claim lapsed) is explained and the case reloaded;
 * a 400 is left to the form that sent it (`isValidationError`); anything else
 * is notified. `onSettled` runs after success and after a handled failure,
 * for dialogs to close.
 */
export const useCaseCommand = (record: Pick<CaseDetail, 'id' | 'version'> | undefined, options: { onDone?: (detail: CaseDetail | null) => void } = {}) => {
  const dataProvider = useDataProvider<RebindDataProvider>();
  const notify = useNotify();
  const storeCaseDetail = useStoreCaseDetail();
  const reloadCase = useReloadCase();

  return useMutation<CaseDetail, unknown, CaseCommandVariables>({
    mutationFn: ({ action, body }) => {
      if (!record) throw new Error('no case');
      return dataProvider.caseAction(record.id, action, { ...body, version: record.version } as never);
    },
    onSuccess: (detail, { action }) => {
      storeCaseDetail(detail);
      notify(`resources.cases.notifications.${action}`, {
        type: 'success',
        messageArgs: { id: detail.id },
      });
      options.onDone?.(detail);
    },
    onError: (error) => {
      if (!record) return;
      if (isValidationError(error)) return; // the dialog shows it
      if (isConflict(error)) {
        notify(`resources.cases.conflict.${errorCodeOf(error)}`, {
          type: 'warning',
          messageArgs: { id: record.id },
          autoHideDuration: 10_000,
        });
      } else {
        notify(error instanceof Error ? error.message : 'ra.notification.http_error', { type: 'error' });
      }
      reloadCase(record.id);
      options.onDone?.(null);
    },
  });
};
