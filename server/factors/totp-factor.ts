import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { prepareNamed, preparedQuery, setPlaceholder } from '../../db/prepared.ts';
import QRCode from 'qrcode';
import type { Deps } from '../deps.ts';
import type { DbOrTx } from '../../db/client.ts';
import { userFactors } from '../../db/schema/index.ts';
import { checkTotpCode, generateTotpSecret, totpUri } from '../crypto/totp.ts';
import { openTotpSecret, type FactorRow } from './factor-store.ts';

export const TOTP_ADVICE =
  'Store your 32-character key offline (paper or a password manager). Rebind does not back up keys and will never show this key again.';

/** A new key with what an authenticator app needs; shown once. */
export async function createTotpSetup(deps: Deps, email: string) {
  const secret = generateTotpSecret(deps.random);
  const otpauthUri = totpUri(secret, email);
  const qrDataUrl = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 1, width: 240 });
  return { secret, otpauthUri, qrDataUrl, advice: TOTP_ADVICE };
}

// Every TOTP sign-in step runs this compare-and-swap: prepared once per tx (db/prepared.ts).
const saveTimeStep = preparedQuery('totp_time_step_swap', (tx: DbOrTx, name) =>
  prepareNamed(
    tx
      .update(userFactors)
      .set({ totpLastTimeStep: setPlaceholder<number>('timeStep'), lastUsedAt: setPlaceholder<Date>('now') })
      .where(
        and(
          eq(userFactors.id, sql.placeholder('id')),
          eq(userFactors.status, 'active'),
          or(isNull(userFactors.totpLastTimeStep), lt(userFactors.totpLastTimeStep, sql.placeholder('timeStep'))),
        ),
      )
      .returning({ id: userFactors.id }),
    name,
  ),
);

export type FactorCheck = { ok: true } | { ok: false; reason: string };

/**
 * Verifies a code against a bound TOTP factor and saves the accepted time
 * step with a compare-and-swap, so a code is accepted once per factor even
 * under concurrent requests.
 */
export async function verifyTotpFactor(tx: DbOrTx, deps: Deps, factor: FactorRow, code: string): Promise<FactorCheck> {
  const now = deps.clock();
  const check = checkTotpCode(openTotpSecret(deps, factor), code, now, factor.totpLastTimeStep);
  if (!check.ok) return check;
  const swapped = await saveTimeStep(tx).execute({ id: factor.id, timeStep: check.timeStep, now });
  return swapped.length === 1 ? { ok: true } : { ok: false, reason: 'replayed' };
}
