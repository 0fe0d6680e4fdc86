import { useCallback, useEffect, useState } from 'react';
import { recovery, type CaseStatus } from '../api/endpoints';
import { caseTokens } from '../api/tokens';
import { useI18n } from '../i18n/i18n';
import { Link, navigate } from '../router';
import { EvidencePanel, evidenceKind } from '../reset/Evidence';
import { Alert, Button, CodeField, ErrorAlert, Form, Loading, Page, Steps, TextField, useAction, useCountdown } from '../ui/ui';

type Stage = 'loading' | 'intro' | 'password' | 'email' | 'evidence' | 'review';
const EMAIL_RESEND_SECONDS = 60;

/**
 * "All 2FA tools unavailable": read what a reset means, then the account
 * password and email, the code from that email, identity evidence, and a
 * review before submitting. A draft left in this tab is picked up again.
 */
export default function ResetPage() {
  const { t } = useI18n();
  const [stage, setStage] = useState<Stage>('loading');
  const [current, setCurrent] = useState<{ caseId: number; token: string } | null>(null);
  const [status, setStatus] = useState<CaseStatus | null>(null);
  const [emailSentTo, setEmailSentTo] = useState('');

  const refresh = useCallback(
    async (c = current) => {
      if (!c) return;
      setStatus(await recovery.status(c.token, c.caseId));
    },
    [current],
  );

  useEffect(() => {
    const saved = caseTokens.current();
    if (!saved) return setStage('intro');
    recovery.status(saved.token, saved.caseId).then(
      (s) => {
        if (s.status !== 'draft') return setStage('intro');
        setCurrent(saved);
        setStatus(s);
        setStage(s.emailVerified ? 'evidence' : 'email');
      },
      () => setStage('intro'),
    );
  }, []);

  const steps = [t('reset.step.password'), t('reset.step.email'), t('reset.step.evidence'), t('reset.step.review')];
  const index = { loading: -1, intro: -1, password: 0, email: 1, evidence: 2, review: 3 }[stage];
  if (stage === 'loading') return <Loading />;
  return (
    <Page title={t('reset.title')}>
      {index >= 0 && <Steps label={t('reset.steps')} steps={steps} current={index} />}
      {stage === 'intro' && <Intro onContinue={() => setStage('password')} />}
      {stage === 'password' && (
        <PasswordStep
          onFiled={(filed) => {
            caseTokens.set(filed.caseId, filed.caseToken);
            setCurrent({ caseId: filed.caseId, token: filed.caseToken });
            setEmailSentTo(filed.emailSentTo);
            setStage('email');
          }}
        />
      )}
      {stage === 'email' && current && (
        <CaseEmailStep
          caseId={current.caseId}
          token={current.token}
          sentTo={emailSentTo}
          onVerified={(s) => {
            setStatus(s);
            setStage('evidence');
          }}
        />
      )}
      {stage === 'evidence' && current && status && (
        <>
          <h2>{t('reset.step.evidence')}</h2>
          <p>{t('reset.evidenceIntro')}</p>
          <EvidencePanel token={current.token} status={status} onChange={() => void refresh()} />
          {!status.canSubmit && <p className="hint">{t('reset.needEvidence')}</p>}
          <div className="actions">
            <Button disabled={!status.canSubmit} onClick={() => setStage('review')}>
              {t('reset.toReview')}
            </Button>
          </div>
        </>
      )}
      {stage === 'review' && current && status && <Review token={current.token} status={status} onBack={() => setStage('evidence')} />}
    </Page>
  );
}

function Intro({ onContinue }: { onContinue(): void }) {
  const { t } = useI18n();
  const [read, setRead] = useState(false);
  const [missing, setMissing] = useState(false);
  return (
    <Form onSubmit={() => (read ? onContinue() : setMissing(true))}>
      <p>{t('reset.intro')}</p>
      <ul>
        <li>{t('reset.intro.proof')}</li>
        <li>{t('reset.intro.review')}</li>
        <li>{t('reset.intro.after')}</li>
        <li>{t('reset.intro.lock')}</li>
      </ul>
      <Alert tone="info">{t('reset.intro.haveTool')}</Alert>
      <label className="check">
        <input
          type="checkbox"
          checked={read}
          onChange={(e) => setRead((e.target as HTMLInputElement).checked)}
          aria-describedby={missing && !read ? 'read-error' : undefined}
        />
        {t('reset.intro.confirm')}
      </label>
      {missing && !read && (
        <div className="field-error" id="read-error">
          {t('reset.intro.confirmFirst')}
        </div>
      )}
      <div className="actions">
        <Button type="submit">{t('common.continue')}</Button>
        <Link to="/sign-in">{t('common.cancel')}</Link>
      </div>
    </Form>
  );
}

function PasswordStep({ onFiled }: { onFiled(filed: { caseId: number; caseToken: string; emailSentTo: string }): void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<{ email?: boolean; password?: boolean }>({});
  const { busy, error, run } = useAction();
  const submit = () => {
    const found = { email: !email.trim(), password: !password };
    setMissing(found);
    if (found.email || found.password) return;
    void run(async () => onFiled(await recovery.file(email.trim(), password)));
  };
  return (
    <Form onSubmit={submit}>
      <h2>{t('reset.step.password')}</h2>
      <p>{t('reset.passwordIntro')}</p>
      <TextField
        label={t('field.email')}
        type="email"
        name="email"
        autoComplete="username"
        value={email}
        onValue={(v) => {
          setEmail(v);
          setMissing((m) => ({ ...m, email: false }));
        }}
        required
        error={missing.email ? t('field.required') : null}
      />
      <TextField
        label={t('field.password')}
        type="password"
        name="password"
        autoComplete="current-password"
        value={password}
        onValue={(v) => {
          setPassword(v);
          setMissing((m) => ({ ...m, password: false }));
        }}
        required
        error={missing.password ? t('field.required') : null}
      />
      <ErrorAlert error={error} />
      <Button type="submit" busy={busy}>
        {t('common.continue')}
      </Button>
    </Form>
  );
}

function CaseEmailStep({ caseId, token, sentTo, onVerified }: { caseId: number; token: string; sentTo: string; onVerified(s: CaseStatus): void }) {
  const { t, duration } = useI18n();
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [to, setTo] = useState(sentTo);
  const [resendAt, setResendAt] = useState(() => Date.now() + EMAIL_RESEND_SECONDS * 1000);
  const wait = useCountdown(resendAt);
  const verifying = useAction();
  const resending = useAction();
  const submit = () => {
    if (!/^\d{6}$/.test(code)) return setInvalid(true);
    setInvalid(false);
    void verifying.run(async () => onVerified(await recovery.verifyEmail(token, caseId, code)));
  };
  return (
    <Form onSubmit={submit}>
      <h2>{t('reset.step.email')}</h2>
      <Alert tone="info">{to ? t('email.sent', { to }) : t('email.sentGeneric')}</Alert>
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
              setTo((await recovery.resendEmail(token, caseId)).emailSentTo);
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

function Review({ token, status, onBack }: { token: string; status: CaseStatus; onBack(): void }) {
  const { t, dateTime } = useI18n();
  const { busy, error, run } = useAction();
  const submit = () =>
    void run(async () => {
      await recovery.submit(token, status.caseId);
      navigate(`/case/${status.caseId}`);
    });
  return (
    <div>
      <h2>{t('reset.step.review')}</h2>
      <p>{t('reset.reviewIntro', { id: status.caseId })}</p>
      <ul className="received-list">
        {status.evidence.map((e) => (
          <li key={e.method}>
            {t(evidenceKind[e.method])}: {t('evidence.receivedAt', { time: dateTime(e.at) })}
          </li>
        ))}
      </ul>
      <Alert tone="info">{t('reset.reviewNotice')}</Alert>
      <ErrorAlert error={error} />
      <div className="actions">
        <Button busy={busy} onClick={submit}>
          {t('reset.submit')}
        </Button>
        <Button variant="secondary" onClick={onBack}>
          {t('reset.addMore')}
        </Button>
      </div>
    </div>
  );
}
