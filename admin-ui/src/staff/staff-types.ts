import type { StaffRole } from '../roles';

export interface StaffRecord {
  id: string | number;
  email: string;
  name: string;
  role: StaffRole;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

/** What POST /staff returns once, besides the record. */
export interface OneTimeStaffCredentials {
  password: string;
  totpSecret: string;
  otpauthUri: string;
  /** The otpauth URI as a PNG data: URL, when the server draws it (it has the encoder anyway). */
  qrDataUrl?: string;
}
