import type { Deps } from '../deps.ts';
import type { DbOrTx } from '../../db/client.ts';
import { freezeTokens } from '../../db/schema/index.ts';
import { generateToken, sha256Hex } from '../crypto/tokens.ts';
import { enqueueMessage } from '../messaging/outbox.ts';
import { templates } from '../messaging/templates.ts';
import { maskEmail, maskPhone } from '../platform/masking.ts';
import { openPhone, type FactorRow } from '../factors/factor-store.ts';

export const FREEZE_LINK_TTL_MS = 14 * 24 * 3_600_000;

export interface ChannelsBefore {
  email: string;
  phones: { e164: string; callingCode: string | null; last: string | null }[];
}

/** The account's channels now: its email and the phones of its active SMS tools. */
export function channelsBefore(deps: Deps, email: string, activeFactors: FactorRow[]): ChannelsBefore {
  return {
    email,
    phones: activeFactors.filter((f) => f.type === 'sms').map((f) => ({ e164: openPhone(deps, f), callingCode: f.phoneCountry, last: f.phoneLast })),
  };
}

/**
 * Tells every channel the account had before a change what happened, each
 * message with its own one-click "this wasn't me" link that freezes the
 * account. Runs inside the change's transaction.
 */
export async function notifySecurityChange(
  tx: DbOrTx,
  deps: Deps,
  userId: number,
  before: ChannelsBefore,
  what: string,
  reason: string,
  emailExtra?: string,
): Promise<void> {
  const now = deps.clock();
  const link = async () => {
    const token = generateToken(deps.random);
    await tx.insert(freezeTokens).values({ id: sha256Hex(token), userId, reason, createdAt: now, expiresAt: new Date(now.getTime() + FREEZE_LINK_TTL_MS) });
    return `${deps.config.origin}/api/v1/freeze/${token}`;
  };
  const email = templates.securityChange(what, now, await link(), emailExtra);
  await enqueueMessage(tx, deps, {
    channel: 'email',
    to: before.email,
    recipientMasked: maskEmail(before.email),
    subject: email.subject,
    body: email.body,
    template: 'security_change',
    userId,
  });
  for (const phone of before.phones) {
    const sms = templates.securityChangeSms(what, await link());
    await enqueueMessage(tx, deps, {
      channel: 'sms',
      to: phone.e164,
      recipientMasked: maskPhone(phone.callingCode, phone.last),
      subject: sms.subject,
      body: sms.body,
      template: 'security_change',
      userId,
    });
  }
}
