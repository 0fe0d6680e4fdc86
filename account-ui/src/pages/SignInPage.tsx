import { useMemo, useState } from 'react';
import { auth, type FactorType } from '../api/endpoints';
import { ApiError } from '../api/client';
import { SecondFactorStep } from '../factors/SecondFactorStep';
import { useI18n } from '../i18n/i18n';
import { Link, navigate } from '../router';
import { signedIn } from '../session';
import { isApiError } from '../ui/errors';
import { Alert, Button, ErrorAlert, Form, Page, TextField, useAction, useCountdown } from '../ui/ui';

/**
 * Sign in: the password, then — when the account has tools — one of them.
 * A lock says how long it lasts (and counts down); a frozen account says
 * what to do. "Security verification unavailable?" starts the reset.
 */
export default function SignInPage() {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<{ email?: boolean; password?: boolean }>({});
  const [challenge, setChallenge] = useState<{ challengeId: string; methods: FactorType[] } | null>(null);
  const [notice, setNotice] = useState<string | null>(() => (new URLSearchParams(location.search).get('expired') ? t('signIn.expired') : null));
  const { busy, error, setError, run } = useAction();

  const done = (token: string) => {
    signedIn(token);
    navigate('/security', { replace: true });
  };
  const submitPassword = () => {
    const problems = { email: !email.trim(), password: !password };
    setMissing(problems);
    if (problems.email || problems.password) return;
    setNotice(null);
    void run(async () => {
      const answer = await auth.login(email.trim(), password);
      if ('token' in answer) return done(answer.token);
      setPassword('');
      setChallenge({ challengeId: answer.challengeId, methods: answer.methods });
    });
  };
  const prove: Parameters<typeof SecondFactorStep>[0]['prove'] = async (proof) => {
    try {
      return await auth.secondFactor(challenge!.challengeId, proof);
    } catch (err) {
      // Five minutes are up, or the account was frozen meanwhile: back to the password.
      if (isApiError(err, 'challenge_expired') || isApiError(err, 'account_frozen')) {
        setChallenge(null);
        setError(err);
      }
      throw err;
    }
  };

  if (challenge) {
    return (
      <Page title={t('signIn.twofaTitle')}>
        <p>{t('signIn.twofaIntro')}</p>
        <SecondFactorStep
          methods={challenge.methods}
          prove={prove}
          onVerified={(answer) => answer.token && done(answer.token)}
          footer={
            <p className="aside">
              <Link to="/reset">{t('signIn.unavailable')}</Link>
            </p>
          }
        />
      </Page>
    );
  }
  return (
    <Page title={t('signIn.title')}>
      {notice && <Alert tone="info">{notice}</Alert>}
      <Form onSubmit={submitPassword}>
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
        <SignInError error={error} />
        <Button type="submit" busy={busy}>
          {t('signIn.continue')}
        </Button>
      </Form>
      <p className="aside">
        {t('signIn.lostAll')} <Link to="/reset">{t('signIn.resetLink')}</Link>
      </p>
    </Page>
  );
}

/** A lock counts down to when the next try is possible; a frozen account gets what to do. */
function SignInError({ error }: { error: unknown }) {
  const { t, duration } = useI18n();
  const lockedUntil = useMemo(
    () => (error instanceof ApiError && error.code === 'locked' && error.retryAfterSeconds ? Date.now() + error.retryAfterSeconds * 1000 : null),
    [error],
  );
  const left = useCountdown(lockedUntil);
  if (!error) return null;
  if (isApiError(error, 'locked') && lockedUntil) {
    return (
      <Alert tone="error" title={t('signIn.lockedTitle')}>
        {left > 0 ? t('error.lockedFor', { time: duration(left) }) : t('signIn.lockOver')}
      </Alert>
    );
  }
  if (isApiError(error, 'account_frozen')) {
    return (
      <Alert tone="error" title={t('frozen.title')}>
        <p>{t('frozen.signIn')}</p>
      </Alert>
    );
  }
  return <ErrorAlert error={error} />;
}
