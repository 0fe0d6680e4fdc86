import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import type { Deps } from '../deps.ts';
import type { DbOrTx } from '../../db/client.ts';
import type { RequestContext } from '../http.ts';
import { AppError } from '../errors.ts';
import { takeToken } from '../platform/rate-limit.ts';
import { issueCode, destinationHash, type CodePurpose } from '../codes/one-time-codes.ts';
import { enqueueMessage } from '../messaging/outbox.ts';
import { maskPhone } from '../platform/masking.ts';

export interface NormalisedPhone {
  e164: string;
  hash: string;
  callingCode: string;
  last: string;
}

/** E.164 validation with libphonenumber's full metadata; anything else is a 400. */
export function normalisePhone(deps: Deps, input: string): NormalisedPhone {
  try {
    const parsed = parsePhoneNumberWithError(input.trim());
    if (!parsed.isValid()) throw new Error('invalid');
    const e164 = parsed.number;
    return { e164, hash: destinationHash(deps, e164), callingCode: parsed.countryCallingCode, last: e164.slice(-3) };
  } catch {
    throw new AppError('validation_failed', 'Enter the phone number in international format, e.g. +44 7700 900123.', {
      fields: { phone: 'not a valid international (E.164) number' },
    });
  }
}

const HOUR = 3_600_000;
export const SMS_LIMITS = { perUser: 5, perPhone: 5, perIp: 20, windowMs: HOUR };

/**
 * Sends an SMS code, within the send budgets per user, per phone and per IP
 * (counted in the database). Returns the masked number it went to.
 */
export async function sendSmsCode(
  tx: DbOrTx,
  deps: Deps,
  input: { purpose: CodePurpose; subjectId: string; userId: number; phone: NormalisedPhone; text: (code: string) => { subject: string; body: string } },
  ctx: RequestContext,
): Promise<string> {
  const now = deps.clock();
  for (const [key, limit] of [
    [`sms-send:user:${input.userId}`, SMS_LIMITS.perUser],
    [`sms-send:phone:${input.phone.hash}`, SMS_LIMITS.perPhone],
    [`sms-send:ip:${ctx.ip ?? 'unknown'}`, SMS_LIMITS.perIp],
  ] as const) {
    const taken = await takeToken(tx, key, now, limit, SMS_LIMITS.windowMs);
    if (!taken.ok)
      throw new AppError('rate_limited', 'Too many text messages; try again later.', { retryAfterSeconds: taken.retryAfterSeconds }, taken.retryAfterSeconds);
  }
  const code = await issueCode(tx, deps, {
    purpose: input.purpose,
    subjectId: input.subjectId,
    userId: input.userId,
    channel: 'sms',
    destination: input.phone.e164,
  });
  const masked = maskPhone(input.phone.callingCode, input.phone.last);
  const message = input.text(code);
  await enqueueMessage(tx, deps, {
    channel: 'sms',
    to: input.phone.e164,
    recipientMasked: masked,
    subject: message.subject,
    body: message.body,
    template: input.purpose,
    userId: input.userId,
  });
  return masked;
}
