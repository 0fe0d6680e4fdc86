// GET /admin/api/users (rows) and /users/:id (detail): server/users/admin.ts.
import type { KycSummary } from '../cases/case-types';

export interface UserSummary {
  id: number;
  /** The exchange's id for the user, if it sent one. */
  externalId: string | null;
  maskedEmail: string;
  status: 'active' | 'frozen' | string;
  valueTier: string;
  /** The exchange's KYC level (0 = none), if it sent one. */
  kycLevel: number | null;
  country: string | null;
  createdAt: string;
  activeFactors: number;
  withdrawalLockUntil: string | null;
}

export interface UserFactorDetail {
  id: number;
  type: 'totp' | 'sms' | 'passkey';
  name: string | null;
  status: string;
  phone: string | null;
  boundAt: string;
  boundIp: string | null;
  boundUserAgent: string | null;
  revokedAt: string | null;
  revokedIp: string | null;
  revokedUserAgent: string | null;
  revokedReason: string | null;
  lastUsedAt: string | null;
}

export interface FactorHistoryEntry {
  id: number;
  factorId: number | null;
  event: string;
  at: string;
  ip: string | null;
  userAgent: string | null;
  operationId: string | null;
  caseId: number | null;
}

export interface UserDetail extends UserSummary {
  frozenAt: string | null;
  frozenReason: string | null;
  passwordChangedAt: string | null;
  emailChangedAt: string | null;
  kyc: KycSummary | null;
  factors: UserFactorDetail[];
  factorHistory: FactorHistoryEntry[];
  cases: { id: number; status: string; riskBand: string | null; createdAt: string; decidedAt: string | null }[];
}

export type RevealableField = 'email' | 'phone';

export interface RevealRequest {
  field: RevealableField;
  justification: string;
  factorId?: number;
}
