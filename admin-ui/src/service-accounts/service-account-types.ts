// GET/POST /admin/api/service-accounts: server/service-api/admin-routes.ts.

/** The scopes a service key may hold (server: db/schema/service.ts; a test keeps the two lists equal). */
export const SERVICE_SCOPES = ['withdrawals:read', 'tokens:introspect', 'events:read', 'ledger:write', 'users:write'] as const;

export type ServiceScope = (typeof SERVICE_SCOPES)[number];

/** Choices for a CheckboxGroupInput; names are translation keys. */
export const serviceScopeChoices = SERVICE_SCOPES.map((scope) => ({
  id: scope,
  name: `resources.service-accounts.scopes.${scope.replace(':', '_')}`,
}));

export interface ServiceKeyRecord {
  id: number;
  /** rbk_live_ab12cd34…: enough to recognise a key, useless to use one. */
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  status: 'active' | 'expiring' | 'expired' | 'revoked';
}

export interface ServiceAccountRecord {
  id: number;
  name: string;
  scopes: ServiceScope[];
  status: 'active' | 'revoked';
  createdAt: string;
  revokedAt: string | null;
  keys: ServiceKeyRecord[];
}

/** A create or rotate answer: the key is in it this once. */
export type ServiceAccountWithKey = ServiceAccountRecord & { key: string; oldKeysExpireAt?: string };
