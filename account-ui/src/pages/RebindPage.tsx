import { useEffect, useState } from 'react';
import { rebind, type FactorType, type NewFactorDone, type RebindLink } from '../api/endpoints';
import { rebindToken, takeTokenFromLocation } from '../api/tokens';
import { NewFactorSetup } from '../factors/NewFactorSetup';
import { factorTypeLabel } from '../factors/labels';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Link } from '../router';
import { isApiError } from '../ui/errors';
import { Alert, ErrorAlert, Loading, Page } from '../ui/ui';

const order: FactorType[] = ['totp', 'passkey', 'sms'];

/**
 * The approval email's link: the account has no tool now, so this page binds
 * one (an authenticator app, a passkey or a phone) with the single-use rebind
 * token, then sends the person to sign in with it.
 */
export default function RebindPage() {
  const { t, dateTime } = useI18n();
  const [token] = useState(() => {
    const fromLink = takeTokenFromLocation();
    if (fromLink) rebindToken.set(fromLink);
    return fromLink ?? rebindToken.get();
  });
  const [link, setLink] = useState<RebindLink | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [choice, setChoice] = useState<FactorType | null>(null);
  const [done, setDone] = useState<NewFactorDone | null>(null);

  useEffect(() => {
    if (token) rebind.info(token).then(setLink, setError);
  }, [token]);

  const title = t('rebind.title');
  if (done) {
    return (
      <Page title={t('rebind.doneTitle')}>
        <Alert tone="success" title={t('rebind.done', { tool: done.factor?.name ?? '' })}>
          {done.withdrawalLockUntil && <p>{t('rebind.lock', { time: dateTime(done.withdrawalLockUntil) })}</p>}
        </Alert>
        <p>
          <Link className="button button-primary" to="/sign-in">
            {t('rebind.signIn')}
          </Link>
        </p>
      </Page>
    );
  }
  if (!token || isApiError(error, 'unauthenticated')) {
    return (
      <Page title={title}>
        <Alert tone="warning" title={t('rebind.invalidTitle')}>
          <p>{t('rebind.invalid')}</p>
        </Alert>
        <p>
          <Link to="/sign-in">{t('rebind.signIn')}</Link> · <Link to="/reset">{t('case.fileNew')}</Link>
        </p>
      </Page>
    );
  }
  if (error)
    return (
      <Page title={title}>
        <ErrorAlert error={error} />
      </Page>
    );
  if (!link) return <Loading />;

  return (
    <Page title={title}>
      <p>{t('rebind.intro', { account: link.account })}</p>
      <Alert tone="warning">{t('rebind.reduced')}</Alert>
      <p className="muted">{t('rebind.validUntil', { time: dateTime(link.expiresAt) })}</p>
      {link.withdrawalLockUntil && <p className="muted">{t('rebind.lock', { time: dateTime(link.withdrawalLockUntil) })}</p>}
      <fieldset className="choice choice-cards">
        <legend>{t('rebind.choose')}</legend>
        {order
          .filter((type) => link.factorTypes.includes(type))
          .map((type) => (
            <label key={type} className="choice-card">
              <input type="radio" name="rebind-tool" value={type} checked={choice === type} onChange={() => setChoice(type)} />
              <span className="choice-title">
                {factorTypeLabel(t, type)} {type !== 'sms' && <span className="badge badge-strong">{t('security.recommended')}</span>}
              </span>
              <span className="hint">{t(`rebind.about.${type}` as MessageKey)}</span>
            </label>
          ))}
      </fieldset>
      {choice && (
        <section className="card" aria-label={factorTypeLabel(t, choice)}>
          <NewFactorSetup
            key={choice}
            factorType={choice}
            calls={{ start: (body) => rebind.newFactor(token, body), verify: (body) => rebind.verify(token, body) }}
            onDone={(result) => {
              rebindToken.clear();
              setDone(result);
            }}
          />
        </section>
      )}
    </Page>
  );
}
