/**
 * The bind / change / unbind operation as a state machine (pure). The three
 * steps of the help-center process cannot be skipped or reordered: each step
 * is accepted in exactly one state (step 3a may be repeated to start over).
 */
export type OperationAction = 'bind' | 'change' | 'unbind';
export type OperationState =
  | 'email_pending'
  | 'twofa_pending'
  | 'new_factor_pending'
  | 'new_factor_verify'
  | 'ready_to_commit'
  | 'completed'
  | 'expired'
  | 'cancelled';
export type OperationStep = 'email' | '2fa' | 'new_factor' | 'new_factor_verify' | 'commit';

export const OPERATION_TTL_MS = 15 * 60_000;
export const terminalStates: readonly OperationState[] = ['completed', 'expired', 'cancelled'];

const acceptedIn: Record<OperationStep, readonly OperationState[]> = {
  email: ['email_pending'],
  '2fa': ['twofa_pending'],
  new_factor: ['new_factor_pending', 'new_factor_verify'],
  new_factor_verify: ['new_factor_verify'],
  commit: ['ready_to_commit'],
};

export function stepAllowed(action: OperationAction, state: OperationState, step: OperationStep): boolean {
  if (action === 'unbind' && (step === 'new_factor' || step === 'new_factor_verify')) return false;
  if (action !== 'unbind' && step === 'commit') return false;
  return acceptedIn[step].includes(state);
}

/** The state after a step succeeds. Binding a first tool needs no existing-2FA step. */
export function stateAfter(action: OperationAction, step: OperationStep, hasActiveTools: boolean): OperationState {
  switch (step) {
    case 'email':
      return hasActiveTools ? 'twofa_pending' : 'new_factor_pending';
    case '2fa':
      return action === 'unbind' ? 'ready_to_commit' : 'new_factor_pending';
    case 'new_factor':
      return 'new_factor_verify';
    case 'new_factor_verify':
    case 'commit':
      return 'completed';
  }
}

/** The steps a client will walk, for the response of POST /operations. */
export function plannedSteps(action: OperationAction, hasActiveTools: boolean): string[] {
  const steps = ['email'];
  if (hasActiveTools) steps.push('2fa');
  if (action === 'unbind') steps.push('commit');
  else steps.push('new_factor', 'new_factor_verify');
  return steps;
}
