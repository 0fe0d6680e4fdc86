import { useEffect, useState } from 'react';
import { account, type FactorType, type NewFactorDone, type Operation, type OperationAction, type SecurityOverview } from '../api/endpoints';
import { NewFactorSetup } from '../factors/NewFactorSetup';
import { SecondFactorStep } from '../factors/SecondFactorStep';
import { factorTypeLabel } from '../factors/labels';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Link } from '../router';
import { useSessionExpiry } from '../session-expiry';
import { Alert, Button, CodeField, ErrorAlert, Form, Loading, Page, Steps, useAction, useCountdown } from '../ui/ui';

type Stage = 'intro' | 'email' | '2fa' | 'new' | 'commit' | 'done';
const EMAIL_RESEND_SECONDS = 60;

/**
 * Bind, change or unbind one tool, in the article's three steps: a code from
 * the account email, a check with a tool the account already has (skipped
 * for a first tool), then the new tool — or, for an unbind, a confirmation.
 * The last tool cannot be unbound: the page says so before anything starts.
 */
export default function OperationPage({
  token,
  action,
  factorType,
  factorId,
}: {
  token: string;
  action: OperationAction;
  factorType?: FactorType;
  factorId?: number;
}) {
  const { t, dateTime } = useI18n();
  const expired = useSessionExpiry();
  const [overview, setOverview] = useState<SecurityOverview | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [stage, setStage] = useState<Stage>('intro');
  const [op, setOp] = useState<Operation | null>(null);
  const [done, setDone] = useState<NewFactorDone | null>(null);
  const action$ = useAction();
  const { run } = action$;
  const guarded = <T,>(work: () => Promise<T>) =>
    run(async () => {
      try {
        return await work();
      } catch (err) {
        if (!expired(err)) throw err;
        return undefined;
      }
    });

  useEffect(() => {
    account.overview(token).then(setOverview, (err) => expired(err) || setLoadError(err));
  }, [token, expired]);

  if (loadError)
    return (
      <Page title={t('operation.title.bind')}>
        <ErrorAlert error={loadError} />
      </Page>
    );
  if (!overview) return <Loading />;

  const target = factorId === undefined ? null : (overview.factors.find((f) => f.id === factorId) ?? null);
  const type: FactorType = target?.type ?? factorType ?? 'totp';
  const typeLabel = factorTypeLabel(t, type);
  const title = t(`operation.title.${action}` as MessageKey, { tool: target?.name ?? typeLabel });
  const hasTools = overview.factors.length > 0;
  const methods = [...new Set(overview.factors.map((f) => f.type))];
  const steps = [
    t('operation.step.email'),
    ...(hasTools ? [t('operation.step.2fa')] : []),
    action === 'unbind' ? t('operation.step.confirm') : t('operation.step.new'),
  ];
  const stepIndex = { intro: -1, email: 0, '2fa': 1, new: hasTools ? 2 : 1, commit: 2, done: steps.length }[stage];

  if (factorId !== undefined && !target) {
    return (
      <Page title={title}>
        <Alert tone="error">{t('operation.noSuchTool')}</Alert>
        <Link to="/security">{t('common.backToSecurity')}</Link>
      </Page>
    );
  }
  if (action === 'unbind' && overview.factors.length === 1) {
    return (
      <Page title={title}>
        <Alert tone="warning" title={t('operation.lastToolTitle')}>
          <p>{t('operation.lastTool')}</p>
        </Alert>
        <p>
          <Link to={`/security/change/${target!.id}`}>{t('operation.changeInstead')}</Link> ·{' '}
          <Link to="/security/bind/passkey">{t('security.addPasskey')}</Link>
        </p>
        <Link to="/security">{t('common.backToSecurity')}</Link>
      </Page>
    );
  }
  if (action === 'bind' && type !== 'passkey' && overview.factors.some((f) => f.type === type)) {
    return (
      <Page title={title}>
        <Alert tone="info">{t('operation.alreadyBound', { tool: typeLabel })}</Alert>
        <Link to="/security">{t('common.backToSecurity')}</Link>
      </Page>
    );
  }

  const start = () =>
    void guarded(async () => {
      const started = await account.start(token, { action, factorType: type, ...(target ? { factorId: target.id } : {}) });
      setOp(started);
      setStage('email');
    });
  const afterEmail = (state: string) => setStage(state === 'twofa_pending' ? '2fa' : 'new');

  return (
    <Page title={title}>
      {stage !== 'intro' && <Steps label={t('operation.steps')} steps={steps} current={stepIndex} />}
      {stage === 'intro' && (
        <>
          <p>{t(`operation.intro.${action}` as MessageKey, { tool: target?.name ?? typeLabel })}</p>
          {action !== 'bind' && <Alert tone="info">{t('operation.lockNotice')}</Alert>}
          <ol className="instructions">
            {steps.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ol>
          <ErrorAlert error={action$.error} />
          <div className="actions">
            <Button busy={action$.busy} onClick={start}>
              {t('operation.sendEmail')}
            </Button>
            <Link to="/security">{t('common.cancel')}</Link>
          </div>
        </>
      )}
      {stage === 'email' && op && <EmailStep token={token} op={op} onVerified={afterEmail} />}
      {stage === '2fa' && op && (
        <>
          <h2>{t('operation.step.2fa')}</h2>
          <SecondFactorStep
            methods={methods}
            prove={(proof) => account.secondFactor(token, op.operationId, proof)}
            onVerified={() => setStage(action === 'unbind' ? 'commit' : 'new')}
          />
        </>
      )}
      {stage === 'new' && op && (
        <>
          <h2>{t('operation.newTool', { tool: typeLabel })}</h2>
          <NewFactorSetup
            factorType={type}
            calls={{ start: (body) => account.newFactor(token, op.operationId, body), verify: (body) => account.verifyNewFactor(token, op.operationId, body) }}
            onDone={(result) => {
              setDone(result);
              setStage('done');
            }}
          />
        </>
      )}
      {stage === 'commit' && op && target && (
        <>
          <h2>{t('operation.step.confirm')}</h2>
          <p>{t('operation.confirmUnbind', { tool: target.name })}</p>
          <ErrorAlert error={action$.error} />
          <div className="actions">
            <Button
              variant="danger"
              busy={action$.busy}
              onClick={() =>
                void guarded(async () => {
                  const result = await account.commit(token, op.operationId);
                  setDone({ withdrawalLockUntil: result.withdrawalLockUntil });
                  setStage('done');
                })
              }
            >
              {t('operation.unbindNow', { tool: target.name })}
            </Button>
            <Link to="/security">{t('common.cancel')}</Link>
          </div>
        </>
      )}
      {stage === 'done' && (
        <>
          <Alert tone="success" title={t(`operation.done.${action}` as MessageKey, { tool: done?.factor?.name ?? target?.name ?? typeLabel })}>
            {done?.withdrawalLockUntil && action !== 'bind' && <p>{t('operation.lockedUntil', { time: dateTime(done.withdrawalLockUntil) })}</p>}
            <p>{t('operation.notified')}</p>
          </Alert>
          <Link to="/security">{t('common.backToSecurity')}</Link>
        </>
      )}
    </Page>
  );
}

/** Step 1: the code mailed to the account; a new one after a minute (the failure count carries over). */
function EmailStep({ token, op, onVerified }: { token: string; op: Operation; onVerified(state: string): void }) {
  const { t, duration } = useI18n();
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [resendAt, setResendAt] = useState(() => Date.now() + EMAIL_RESEND_SECONDS * 1000);
  const [resent, setResent] = useState(false);
  const wait = useCountdown(resendAt);
  const verifying = useAction();
  const resending = useAction();
  const submit = () => {
    if (!/^\d{6}$/.test(code)) return setInvalid(true);
    setInvalid(false);
    void verifying.run(async () => onVerified((await account.verifyEmail(token, op.operationId, code)).state));
  };
  return (
    <Form onSubmit={submit}>
      <h2>{t('operation.step.email')}</h2>
      <Alert tone="info">{resent ? t('email.resent', { to: op.emailSentTo ?? '' }) : t('email.sent', { to: op.emailSentTo ?? '' })}</Alert>
      <CodeField
        label={t('email.code')}
        value={code}
        onValue={(v) => {
          setCode(v);
          setInvalid(false);
        }}
        error={invalid ? t('field.sixDigits') : null}
      />
      <ErrorAlert error={verifying.error ?? resending.error} />
      <div className="actions">
        <Button type="submit" busy={verifying.busy}>
          {t('common.continue')}
        </Button>
        <Button
          variant="secondary"
          disabled={wait > 0}
          busy={resending.busy}
          onClick={() =>
            void resending.run(async () => {
              await account.resendEmail(token, op.operationId);
              setResent(true);
              setResendAt(Date.now() + EMAIL_RESEND_SECONDS * 1000);
            })
          }
        >
          {wait > 0 ? t('email.resendIn', { time: duration(wait) }) : t('email.resend')}
        </Button>
      </div>
    </Form>
  );
}
