import { Chip, Stack, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { FactList, Panel } from '../../layout/Panel';
import { useFormatDateTime } from '../../layout/useFormatDateTime';
import { RevealableValue } from '../../users/RevealButton';
import type { CaseAccount } from '../case-types';

/** The account the case is about, masked, with "reveal" for the email and phone numbers. */
export const AccountPanel = ({ account }: { account: CaseAccount }) => {
  const translate = useTranslate();
  const formatDateTime = useFormatDateTime();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.cases.account.${key}`, options);
  const frozen = account.status === 'frozen';
  const lockActive = account.withdrawalLockUntil && Date.parse(account.withdrawalLockUntil) > Date.now();
  return (
    <Panel title={t('title')} action={<Link to={`/users/${account.id}/show`}>{t('open_user', { id: account.id })}</Link>}>
      <FactList
        facts={[
          [t('email'), <RevealableValue key="email" userId={account.id} field="email" masked={account.maskedEmail} />],
          [t('external_id'), account.externalId ?? '–'],
          [
            t('status'),
            frozen ? (
              <Chip key="frozen" size="small" color="error" label={t('frozen_since', { date: formatDateTime(account.frozenAt) })} />
            ) : (
              translate(`resources.users.statuses.${account.status}`, { _: account.status })
            ),
          ],
          [t('age'), t('age_days', { smart_count: account.ageDays })],
          [t('value_tier'), translate(`resources.users.tiers.${account.valueTier}`, { _: account.valueTier })],
          [t('country'), account.country ?? '–'],
          [
            t('kyc'),
            account.kyc
              ? t('kyc_summary', {
                  level: account.kyc.level,
                  provider: account.kyc.provider,
                  date: formatDateTime(account.kyc.verifiedAt, { dateStyle: 'medium' }),
                })
              : t('kyc_none'),
          ],
          [t('exchange_kyc_level'), account.kycLevel ?? '–'],
          [t('password_changed'), formatDateTime(account.passwordChangedAt)],
          [t('email_changed'), formatDateTime(account.emailChangedAt)],
          [t('withdrawal_lock'), lockActive ? t('locked_until', { date: formatDateTime(account.withdrawalLockUntil) }) : t('no_lock')],
        ]}
      />
      <Typography variant="subtitle2" component="h3" sx={{ mt: 2, mb: 0.5 }}>
        {t('factors')}
      </Typography>
      {account.factors.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          {t('no_factors')}
        </Typography>
      ) : (
        <Stack component="ul" spacing={0.75} sx={{ m: 0, pl: 0, listStyle: 'none' }}>
          {account.factors.map((factor) => (
            <Stack component="li" key={factor.id} direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap', fontSize: '0.875rem' }}>
              <strong>{translate(`resources.users.factor_types.${factor.type}`, { _: factor.type })}</strong>
              {factor.name ? <span>{factor.name}</span> : null}
              {factor.phone ? <RevealableValue userId={account.id} field="phone" factorId={factor.id} masked={factor.phone} /> : null}
              <Chip
                size="small"
                variant="outlined"
                color={factor.status === 'active' ? 'success' : 'default'}
                label={translate(`resources.users.factor_statuses.${factor.status}`, { _: factor.status })}
              />
              <Typography variant="caption" color="text.secondary">
                {factor.revokedAt
                  ? t('factor_revoked', { date: formatDateTime(factor.revokedAt) })
                  : t('factor_bound', { date: formatDateTime(factor.boundAt) })}
              </Typography>
            </Stack>
          ))}
        </Stack>
      )}
    </Panel>
  );
};
