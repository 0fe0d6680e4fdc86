// The shapes of GET /admin/api/cases (list rows) and /cases/:id (the detail),
// as server/cases/queue.ts and server/cases/detail.ts write them.

export const CASE_STATUSES = [
  'draft',
  'submitted',
  'in_review',
  'info_requested',
  'escalated',
  'awaiting_second_approval',
  'approved',
  'rejected',
  'completed',
  'expired',
  'abandoned',
  'cancelled',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** The statuses of the review queue: filed and not decided yet. */
export const OPEN_STATUSES = ['submitted', 'in_review', 'info_requested', 'escalated', 'awaiting_second_approval'] as const satisfies readonly CaseStatus[];

export const RISK_BANDS = ['low', 'medium', 'high'] as const;
export type RiskBand = (typeof RISK_BANDS)[number];

export const EVIDENCE_METHODS = ['security_questions', 'biometric', 'transfer_record'] as const;
export type EvidenceMethod = (typeof EVIDENCE_METHODS)[number];

export const CASE_ACTIONS = ['claim', 'release', 'approve', 'reject', 'request-info', 'escalate', 'note', 'assign'] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export interface CaseSummary {
  id: number;
  status: CaseStatus;
  version: number;
  userId: number;
  maskedEmail: string;
  methods: EvidenceMethod[];
  riskScore: number | null;
  riskBand: RiskBand | null;
  slaDueAt: string | null;
  slaBreached: boolean;
  assigneeId: number | null;
  firstApproverId: number | null;
  /** The case is about the signed-in staff member's own account (nobody may act on it). */
  ownAccount?: boolean;
  createdAt: string;
  submittedAt: string | null;
  decidedAt: string | null;
}

export interface RiskSignal {
  signal: string;
  weight: number;
  detail: string;
}

export interface AccountFactor {
  id: number;
  type: 'totp' | 'sms' | 'passkey';
  name: string | null;
  status: string;
  phone: string | null;
  boundAt: string;
  revokedAt: string | null;
}

export interface KycSummary {
  level: string;
  provider: string;
  documentCountry: string | null;
  verifiedAt: string;
}

export interface CaseAccount {
  id: number;
  /** The exchange's id for the user (PUT /service/v1/users/{externalId}), if it sent one. */
  externalId: string | null;
  maskedEmail: string;
  status: string;
  frozenAt: string | null;
  ageDays: number;
  createdAt: string;
  valueTier: string;
  country: string | null;
  /** The exchange's KYC level (0 = none), if it sent one. */
  kycLevel: number | null;
  passwordChangedAt: string | null;
  emailChangedAt: string | null;
  withdrawalLockUntil: string | null;
  kyc: KycSummary | null;
  factors: AccountFactor[];
}

export interface CaseRequestFacts {
  ip: string | null;
  ipSeenBefore: boolean | null;
  deviceId: string | null;
  deviceSeenBefore: boolean | null;
  userAgent: string | null;
  emailVerifiedAt: string | null;
}

export interface SecurityQuestionsChecked {
  total: number;
  bestMatched: number;
  lastMatched: number;
  attempts: { matched: boolean[]; at: string }[];
  prompts: string[];
}

export interface BiometricChecked {
  provider: string;
  sessionId: string;
  providerRef?: string;
  status: 'pending' | 'completed';
  liveness?: number | null;
  faceMatch?: number | null;
  decision?: string | null;
  kycSelfieRef?: string | null;
  completedAt?: string;
}

export interface TransferSubmitted {
  email: string;
  platform: string;
  asset: string;
  network: string;
  amount: string;
  txid: string;
  time: string;
}

export interface LedgerRowView {
  id: number;
  asset: string;
  network: string;
  amount: string;
  txid: string;
  platform: string;
  creditedAt: string;
}

export interface TransferChecked {
  result: 'exact' | 'partial' | 'none';
  differs: string[];
  ledgerRow: LedgerRowView | null;
  ledgerRowId?: number | null;
  txidOnOtherAccount: boolean;
  emailMatches: boolean;
}

interface EvidenceBase {
  id: number;
  status: 'pending' | 'received' | 'failed';
  createdAt: string;
  updatedAt: string;
}

export type CaseEvidence =
  | (EvidenceBase & { method: 'security_questions'; submitted: null; checked: SecurityQuestionsChecked | null })
  | (EvidenceBase & {
      method: 'biometric';
      submitted: null;
      checked: BiometricChecked | null;
      thresholds?: { liveness: number; faceMatch: number };
    })
  | (EvidenceBase & { method: 'transfer_record'; submitted: TransferSubmitted | null; checked: TransferChecked | null });

export interface TimelineEntry {
  id: number;
  ts: string;
  action: string;
  actorType: 'staff' | 'user' | 'system' | 'service';
  actorId: string | number | null;
  actorLabel: string | null;
  details: Record<string, unknown>;
}

export interface CaseNote {
  id: number;
  authorType: 'staff' | 'user' | 'system';
  staffId: number | null;
  staffName: string | null;
  visibility: 'internal' | 'user';
  body: string;
  createdAt: string;
}

export interface RelatedCase {
  id: number;
  status: CaseStatus;
  createdAt: string;
  maskedEmail: string;
  sameAccount: boolean;
  sameIp: boolean;
  sameDevice: boolean;
}

export interface CaseDetail extends CaseSummary {
  assigneeName: string | null;
  claimExpiresAt: string | null;
  firstApproverName: string | null;
  firstApprovedAt: string | null;
  decidedById: number | null;
  decidedByName: string | null;
  reasonCode: string | null;
  riskSignals: RiskSignal[];
  ownAccount: boolean;
  account: CaseAccount;
  request: CaseRequestFacts;
  evidence: CaseEvidence[];
  relatedCases: RelatedCase[];
  txidOnOtherCases: { caseId: number; txid: string }[];
  notes: CaseNote[];
  timeline: TimelineEntry[];
  availableActions: CaseAction[];
  /** Who a supervisor may assign the case to now (empty unless `assign` is available). */
  assignees: { id: number; name: string; role: 'agent' | 'supervisor' | 'auditor' | 'admin' }[];
}

export const isOpenStatus = (status: string): boolean => (OPEN_STATUSES as readonly string[]).includes(status);

/** Choices for SelectInput / SelectArrayInput; names are translation keys. */
export const caseStatusChoices = CASE_STATUSES.map((status) => ({
  id: status,
  name: `resources.cases.statuses.${status}`,
}));
export const riskBandChoices = RISK_BANDS.map((band) => ({ id: band, name: `resources.cases.bands.${band}` }));
export const methodChoices = EVIDENCE_METHODS.map((method) => ({
  id: method,
  name: `resources.cases.methods.${method}`,
}));
