import { useEffect, useState } from 'react';
import { account, type Factor, type SecurityOverview } from '../api/endpoints';
import { factorTypeLabel } from '../factors/labels';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Link } from '../router';
import { useSessionExpiry } from '../session-expiry';
import { isApiError } from '../ui/errors';
import { Alert, ErrorAlert, Loading, Page } from '../ui/ui';

const reminderText: Record<string, MessageKey> = {
  no_2fa: 'reminder.no2fa',
  sms_only: 'reminder.smsOnly',
  no_security_questions: 'reminder.questions',
};

/**
 * The Security page of the article: the account's tools (name, type, when
 * bound) with Change / Unbind, the protection level, reminders, the
 * withdrawal lock with its end, and a frozen banner that says what to do.
 */
export default function SecurityPage({ token }: { token: string }) {
  const i18n = useI18n();
  const { t, dateTime, duration } = i18n;
  const [overview, setOverview] = useState<SecurityOverview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const expired = useSessionExpiry();
  useEffect(() => {
    account.overview(token).then(setOverview, (err) => expired(err) || setError(err));
  }, [token, expired]);

  if (error) {
    return (
      <Page title={t('security.title')}>
        {isApiError(error, 'account_frozen') ? (
          <Alert tone="error" title={t('frozen.title')}>
            <p>{t('frozen.body')}</p>
          </Alert>
        ) : (
          <ErrorAlert error={error} />
        )}
      </Page>
    );
  }
  if (!overview) return <Loading />;
  const { factors, withdrawalLock } = overview;
  const lockLeft = withdrawalLock.until ? (new Date(withdrawalLock.until).getTime() - Date.now()) / 1000 : 0;
  const has = (type: Factor['type']) => factors.some((f) => f.type === type);
  const last = factors.length === 1;
  return (
    <Page title={t('security.title')} wide>
      <p className="muted">{t('security.account', { email: overview.email })}</p>
      {overview.frozen && (
        <Alert tone="error" title={t('frozen.title')}>
          <p>{t('frozen.body')}</p>
        </Alert>
      )}
      {withdrawalLock.locked && withdrawalLock.until && (
        <Alert tone="warning" title={t('security.lockTitle')}>
          <p>{t('security.lockUntil', { time: dateTime(withdrawalLock.until), left: duration(lockLeft) })}</p>
          <p>{t('security.lockWhy')}</p>
        </Alert>
      )}

      <section aria-labelledby="protection-heading" className="card">
        <h2 id="protection-heading">{t('security.protection')}</h2>
        <p>
          <span className={`badge badge-${overview.protectionLevel}`}>{t(`level.${overview.protectionLevel}` as MessageKey)}</span>{' '}
          {t(`level.${overview.protectionLevel}.explain` as MessageKey)}
        </p>
        {overview.reminders.length > 0 && (
          <ul className="reminders">
            {overview.reminders.map((r) => (
              <li key={r.code}>
                {reminderText[r.code] ? t(reminderText[r.code]!) : r.message}{' '}
                {r.code === 'no_security_questions' ? (
                  <Link to="/security/questions">{t('security.setQuestions')}</Link>
                ) : (
                  <>
                    {!has('totp') && <Link to="/security/bind/totp">{t('security.bindTotp')}</Link>}
                    {!has('totp') && ' · '}
                    <Link to="/security/bind/passkey">{t('security.addPasskey')}</Link>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="tools-heading" className="card">
        <h2 id="tools-heading">{t('security.tools')}</h2>
        {factors.length === 0 ? (
          <p>{t('security.noTools')}</p>
        ) : (
          <ul className="tool-list">
            {factors.map((f) => (
              <li key={f.id} className="tool">
                <div className="tool-main">
                  <span className="tool-name">{f.name}</span>
                  <span className="tool-type">
                    {factorTypeLabel(t, f.type)}
                    {f.phone ? ` · ${f.phone}` : ''}
                  </span>
                  <span className="tool-meta">
                    {t('security.boundAt', { time: dateTime(f.boundAt) })}
                    {f.lastUsedAt ? ` · ${t('security.lastUsed', { time: dateTime(f.lastUsedAt) })}` : ''}
                  </span>
                </div>
                <div className="tool-actions">
                  <Link
                    className="button button-secondary button-small"
                    to={`/security/change/${f.id}`}
                    aria-label={t('security.changeNamed', { name: f.name })}
                  >
                    {t('security.change')}
                  </Link>
                  {last ? (
                    <span className="unbind-blocked">
                      <button type="button" className="button button-secondary button-small" disabled aria-describedby={`last-${f.id}`}>
                        {t('security.unbind')}
                      </button>
                      <span id={`last-${f.id}`} className="hint">
                        {t('security.lastTool')}
                      </span>
                    </span>
                  ) : (
                    <Link
                      className="button button-secondary button-small"
                      to={`/security/unbind/${f.id}`}
                      aria-label={t('security.unbindNamed', { name: f.name })}
                    >
                      {t('security.unbind')}
                    </Link>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
        <h3>{t('security.addTool')}</h3>
        <ul className="add-tools">
          {!has('totp') && (
            <li>
              <Link to="/security/bind/totp">{t('security.bindTotp')}</Link> <span className="badge badge-strong">{t('security.recommended')}</span>
            </li>
          )}
          <li>
            <Link to="/security/bind/passkey">{t('security.addPasskey')}</Link> <span className="badge badge-strong">{t('security.recommended')}</span>
          </li>
          {!has('sms') && (
            <li>
              <Link to="/security/bind/sms">{t('security.bindSms')}</Link> <span className="hint">{t('security.smsRestricted')}</span>
            </li>
          )}
        </ul>
      </section>

      <section aria-labelledby="questions-heading" className="card">
        <h2 id="questions-heading">{t('security.questions')}</h2>
        {overview.securityQuestions.length ? (
          <>
            <p>{t('security.questionsSet')}</p>
            <ul>
              {overview.securityQuestions.map((q) => (
                <li key={q}>{q}</li>
              ))}
            </ul>
            <Link to="/security/questions">{t('security.replaceQuestions')}</Link>
          </>
        ) : (
          <>
            <p>{t('security.questionsNone')}</p>
            <Link to="/security/questions">{t('security.setQuestions')}</Link>
          </>
        )}
      </section>
    </Page>
  );
}
