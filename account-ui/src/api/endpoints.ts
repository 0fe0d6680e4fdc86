import { callApi } from './client';

/**
 * Every /api/v1 endpoint the pages call, as the OpenAPI document names it
 * (tests/account-ui/api-contract.test.ts checks each against /openapi.json).
 */
export const endpoints = {
  login: ['POST', '/auth/login'],
  login2fa: ['POST', '/auth/login/2fa'],
  logout: ['POST', '/auth/logout'],
  overview: ['GET', '/me/security'],
  stepUp: ['POST', '/me/security/verify'],
  setQuestions: ['PUT', '/me/security-questions'],
  startOperation: ['POST', '/me/security/operations'],
  operationResend: ['POST', '/me/security/operations/{id}/email/resend'],
  operationEmail: ['POST', '/me/security/operations/{id}/email'],
  operation2fa: ['POST', '/me/security/operations/{id}/2fa'],
  operationNewFactor: ['POST', '/me/security/operations/{id}/new-factor'],
  operationVerify: ['POST', '/me/security/operations/{id}/new-factor/verify'],
  operationCommit: ['POST', '/me/security/operations/{id}/commit'],
  fileCase: ['POST', '/recovery/cases'],
  caseStatus: ['GET', '/recovery/cases/{id}'],
  caseEmail: ['POST', '/recovery/cases/{id}/email'],
  caseResend: ['POST', '/recovery/cases/{id}/email/resend'],
  caseEvidence: ['POST', '/recovery/cases/{id}/evidence'],
  caseSubmit: ['POST', '/recovery/cases/{id}/submit'],
  caseCancel: ['POST', '/recovery/cases/{id}/cancel'],
  caseReply: ['POST', '/recovery/cases/{id}/reply'],
  rebindInfo: ['GET', '/recovery/rebind'],
  rebindNewFactor: ['POST', '/recovery/rebind/new-factor'],
  rebindVerify: ['POST', '/recovery/rebind/new-factor/verify'],
} as const satisfies Record<string, readonly ['GET' | 'POST' | 'PUT', string]>;

type EndpointName = keyof typeof endpoints;

function call<T>(name: EndpointName, options: { id?: string | number; body?: unknown; token?: string | null } = {}): Promise<T> {
  const [method, template] = endpoints[name];
  const path = options.id === undefined ? template : template.replace('{id}', encodeURIComponent(String(options.id)));
  return callApi<T>(method, path, { body: options.body, token: options.token });
}

export type FactorType = 'totp' | 'sms' | 'passkey';
export type Proof = { method: FactorType; code?: string; response?: unknown };

/** The challenge pattern's answer: a code was sent, passkey options, or verified. */
export interface ChallengeAnswer {
  status: 'challenge_sent' | 'challenge' | 'verified';
  method?: FactorType;
  sentTo?: string;
  passkeyOptions?: unknown;
  token?: string;
}

export type LoginAnswer = { token: string } | { status: '2fa_required'; challengeId: string; methods: FactorType[] };

export interface Factor {
  id: number;
  type: FactorType;
  name: string;
  status: string;
  phone?: string;
  boundAt: string;
  lastUsedAt: string | null;
}

export interface SecurityOverview {
  email: string;
  factors: Factor[];
  protectionLevel: 'none' | 'restricted' | 'strong';
  withdrawalLock: { locked: boolean; until: string | null; reason: string | null };
  frozen: boolean;
  securityQuestions: string[];
  reminders: { code: string; message: string }[];
}

export type OperationAction = 'bind' | 'change' | 'unbind';

export interface Operation {
  operationId: string;
  action: OperationAction;
  factorType: FactorType;
  factorId: number | null;
  state: string;
  expiresAt: string;
  steps?: string[];
  emailSentTo?: string;
}

/** What step 3a returns: the TOTP key (shown once), where the SMS code went, or passkey options. */
export interface NewFactorSetup {
  totp?: { secret: string; otpauthUri: string; qrDataUrl: string; advice: string };
  sms?: { sentTo: string };
  passkeyOptions?: unknown;
}

export interface NewFactorDone {
  factor?: Factor;
  withdrawalLockUntil?: string | null;
}

export type EvidenceMethod = 'security_questions' | 'biometric' | 'transfer_record';

export interface TransferRecord {
  email: string;
  platform: string;
  asset: string;
  network: string;
  amount: string;
  txid: string;
  time: string;
}

export type EvidenceInput = { method: 'security_questions'; answers: string[] } | { method: 'biometric' } | ({ method: 'transfer_record' } & TransferRecord);

export interface EvidenceReceived {
  received: boolean;
  method: EvidenceMethod;
  questionAttemptsLeft?: number;
  biometric?: { sessionId: string; url: string };
}

export interface CaseStatus {
  caseId: number;
  status: string;
  emailVerified: boolean;
  availableMethods: EvidenceMethod[];
  questions: string[];
  questionAttemptsLeft: number;
  evidence: { method: EvidenceMethod; received: boolean; at: string }[];
  requestedInformation: string | null;
  decision: { reasonCategory?: string; approved?: boolean } | null;
  notes: { from: 'you' | 'support'; body: string; at: string }[];
  canSubmit: boolean;
  canCancel: boolean;
  canReply: boolean;
  submittedAt: string | null;
  expectedDecision: { by: string | null; basis: 'queue_median' | 'sla' | 'overdue'; medianHours: number | null } | null;
}

export interface RebindLink {
  caseId: number;
  account: string;
  expiresAt: string;
  withdrawalLockUntil: string | null;
  factorTypes: FactorType[];
}

/** Sign-in. */
export const auth = {
  login: (email: string, password: string) => call<LoginAnswer>('login', { body: { email, password } }),
  secondFactor: (challengeId: string, proof: Proof) => call<ChallengeAnswer>('login2fa', { body: { challengeId, ...proof } }),
  logout: (token: string) => call<void>('logout', { token }),
};

/** The signed-in account: overview, step-up, security questions, bind / change / unbind. */
export const account = {
  overview: (token: string) => call<SecurityOverview>('overview', { token }),
  stepUp: (token: string, proof: Proof) => call<ChallengeAnswer>('stepUp', { token, body: proof }),
  setQuestions: (token: string, questions: { prompt: string; answer: string }[]) =>
    call<{ securityQuestions: string[] }>('setQuestions', { token, body: { questions } }),
  start: (token: string, body: { action: OperationAction; factorType: FactorType; factorId?: number }) => call<Operation>('startOperation', { token, body }),
  resendEmail: (token: string, id: string) => call<Operation>('operationResend', { token, id }),
  verifyEmail: (token: string, id: string, code: string) => call<Operation>('operationEmail', { token, id, body: { code } }),
  secondFactor: (token: string, id: string, proof: Proof) => call<ChallengeAnswer & Operation>('operation2fa', { token, id, body: proof }),
  newFactor: (token: string, id: string, body: { factorType: FactorType; phone?: string }) =>
    call<Operation & NewFactorSetup>('operationNewFactor', { token, id, body }),
  verifyNewFactor: (token: string, id: string, body: { code?: string; response?: unknown; name?: string }) =>
    call<Operation & NewFactorDone>('operationVerify', { token, id, body }),
  commit: (token: string, id: string) => call<Operation & { withdrawalLockUntil: string }>('operationCommit', { token, id }),
};

/** A reset case, with the case token from filing (or from the submission email's link). */
export const recovery = {
  file: (email: string, password: string) =>
    call<{ caseId: number; caseToken: string; status: string; emailSentTo: string }>('fileCase', { body: { email, password } }),
  status: (token: string, id: number) => call<CaseStatus>('caseStatus', { token, id }),
  verifyEmail: (token: string, id: number, code: string) => call<CaseStatus>('caseEmail', { token, id, body: { code } }),
  resendEmail: (token: string, id: number) => call<{ emailSentTo: string }>('caseResend', { token, id }),
  evidence: (token: string, id: number, body: EvidenceInput) => call<EvidenceReceived>('caseEvidence', { token, id, body }),
  submit: (token: string, id: number) => call<CaseStatus>('caseSubmit', { token, id }),
  cancel: (token: string, id: number) => call<CaseStatus>('caseCancel', { token, id }),
  reply: (token: string, id: number, message: string) => call<CaseStatus>('caseReply', { token, id, body: { message } }),
};

/** The approval email's link: bind a new tool with the rebind token. */
export const rebind = {
  info: (token: string) => call<RebindLink>('rebindInfo', { token }),
  newFactor: (token: string, body: { factorType: FactorType; phone?: string }) => call<NewFactorSetup & { state: string }>('rebindNewFactor', { token, body }),
  verify: (token: string, body: { code?: string; response?: unknown; name?: string }) =>
    call<NewFactorDone & { state: string }>('rebindVerify', { token, body }),
};
