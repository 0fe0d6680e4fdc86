// The two-step staff sign-in form: email and password, then the TOTP code.
//
// Plain React and one small CSS file, no MUI: it is what a signed-out visitor
// downloads first. The same component serves as react-admin's loginPage
// (see AdminLoginPage), which hands it react-admin's translate and login.

import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, submitStaffPassword } from '../authProvider';
import type { Translate } from '../i18n/translate-message';
import { describeSignInError, isTotpCodeShape, type SignInProblem } from './sign-in-errors';
import { LOCALES, type Locale } from '../i18n/locales';
import './sign-in.css';

export interface SignInPageProps {
  translate: Translate;
  locale: Locale;
  onLocaleChange: (locale: Locale) => void;
  /** Step 2: react-admin's login() in the app, authProvider.login in the shell. */
  completeSignIn: (params: { challengeId: string; code: string }) => Promise<unknown>;
  /** Called when the code step shows: a good moment to fetch the app's code. */
  onCodeStep?: () => void;
}

type Step = { name: 'password' } | { name: 'code'; challengeId: string };

export const SignInPage = ({ translate, locale, onLocaleChange, completeSignIn, onCodeStep }: SignInPageProps) => {
  const [step, setStep] = useState<Step>({ name: 'password' });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<SignInProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);
  const ids = useId();
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  useEffect(() => {
    if (step.name === 'code') onCodeStep?.();
  }, [step.name, onCodeStep]);

  const submitPassword = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!email.trim() || !password) {
      setProblem({ key: 'rebind.sign_in.errors.required' });
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const { challengeId } = await submitStaffPassword({ email: email.trim(), password });
      // The password is no longer needed: do not keep it in the page.
      setPassword('');
      setCode('');
      setStep({ name: 'code', challengeId });
    } catch (error) {
      setProblem(describeSignInError(error));
      passwordInput.current?.select();
    } finally {
      setBusy(false);
    }
  };

  const submitCode = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || step.name !== 'code') return;
    if (!isTotpCodeShape(code)) {
      setProblem({ key: 'rebind.sign_in.errors.code_format' });
      codeInput.current?.focus();
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await completeSignIn({ challengeId: step.challengeId, code });
      // On success the app replaces this page; nothing more to do here.
    } catch (error) {
      if (!mounted.current) return;
      const described = describeSignInError(error);
      setProblem(described);
      setCode('');
      if (error instanceof ApiError && error.code === 'challenge_expired') {
        setStep({ name: 'password' });
      } else {
        codeInput.current?.focus();
      }
    } finally {
      if (mounted.current) setBusy(false);
    }
  };

  const startOver = () => {
    setStep({ name: 'password' });
    setCode('');
    setProblem(null);
  };

  return (
    <main className="rebind-sign-in">
      <div className="rebind-sign-in__card">
        <h1 className="rebind-sign-in__title">{translate('rebind.sign_in.title')}</h1>

        {step.name === 'password' ? (
          <form onSubmit={submitPassword} noValidate aria-busy={busy}>
            <p className="rebind-sign-in__lead">{translate('rebind.sign_in.password_step')}</p>
            <label className="rebind-sign-in__label" htmlFor={`${ids}-email`}>
              {translate('rebind.sign_in.email')}
            </label>
            <input
              id={`${ids}-email`}
              className="rebind-sign-in__input"
              type="email"
              name="email"
              autoComplete="username"
              autoFocus={!email}
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
            <label className="rebind-sign-in__label" htmlFor={`${ids}-password`}>
              {translate('rebind.sign_in.password')}
            </label>
            <input
              id={`${ids}-password`}
              ref={passwordInput}
              className="rebind-sign-in__input"
              type="password"
              name="password"
              autoComplete="current-password"
              // Back from an expired code step, the email is still there.
              autoFocus={!!email}
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
            <ProblemMessage problem={problem} translate={translate} />
            <button className="rebind-sign-in__submit" type="submit" disabled={busy}>
              {translate(busy ? 'rebind.sign_in.busy' : 'rebind.sign_in.continue')}
            </button>
          </form>
        ) : (
          <form onSubmit={submitCode} noValidate aria-busy={busy}>
            <p className="rebind-sign-in__lead">{translate('rebind.sign_in.code_step')}</p>
            <p className="rebind-sign-in__who">{translate('rebind.sign_in.signing_in_as', { email: email.trim() })}</p>
            <label className="rebind-sign-in__label" htmlFor={`${ids}-code`}>
              {translate('rebind.sign_in.code')}
            </label>
            <input
              id={`${ids}-code`}
              ref={codeInput}
              className="rebind-sign-in__input rebind-sign-in__input--code"
              type="text"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              autoFocus
              required
              aria-describedby={`${ids}-code-hint`}
              value={code}
              // People paste "123 456"; keep the digits only.
              onChange={(event) => setCode(event.target.value.replace(/\D/g, '').slice(0, 6))}
            />
            <p id={`${ids}-code-hint`} className="rebind-sign-in__hint">
              {translate('rebind.sign_in.code_hint')}
            </p>
            <ProblemMessage problem={problem} translate={translate} />
            <button className="rebind-sign-in__submit" type="submit" disabled={busy}>
              {translate(busy ? 'rebind.sign_in.busy' : 'rebind.sign_in.verify')}
            </button>
            <button className="rebind-sign-in__link" type="button" onClick={startOver} disabled={busy}>
              {translate('rebind.sign_in.start_over')}
            </button>
          </form>
        )}

        <LocalePicker locale={locale} onLocaleChange={onLocaleChange} label={translate('rebind.locale_switcher.label')} />
      </div>
    </main>
  );
};

const ProblemMessage = ({ problem, translate }: { problem: SignInProblem | null; translate: Translate }) => (
  // Always rendered so that screen readers announce changes to it.
  <p className="rebind-sign-in__error" role="alert">
    {problem ? translate(problem.key, problem.options) : null}
  </p>
);

const LocalePicker = ({ locale, onLocaleChange, label }: { locale: Locale; onLocaleChange: (locale: Locale) => void; label: string }) => {
  const id = useId();
  return (
    <div className="rebind-sign-in__locale">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={locale} onChange={(event) => onLocaleChange(event.target.value as Locale)}>
        {LOCALES.map((entry) => (
          <option key={entry.locale} value={entry.locale}>
            {entry.name}
          </option>
        ))}
      </select>
    </div>
  );
};
