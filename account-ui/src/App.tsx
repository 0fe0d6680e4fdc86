import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { locales, useI18n, type Locale } from './i18n/i18n';
import { Link, matchPath, navigate, usePath } from './router';
import { signOut, useSessionToken } from './session';
import { Loading, Page } from './ui/ui';

// One chunk per page: a phone on a slow network loads the page it opens, nothing more.
const SignInPage = lazy(() => import('./pages/SignInPage'));
const SecurityPage = lazy(() => import('./pages/SecurityPage'));
const OperationPage = lazy(() => import('./pages/OperationPage'));
const SecurityQuestionsPage = lazy(() => import('./pages/SecurityQuestionsPage'));
const ResetPage = lazy(() => import('./pages/ResetPage'));
const CasePage = lazy(() => import('./pages/CasePage'));
const RebindPage = lazy(() => import('./pages/RebindPage'));

/** The page for a path below /account. */
function route(path: string, token: string | null): ReactNode {
  if (path === '/') return <Redirect to={token ? '/security' : '/sign-in'} />;
  if (path === '/sign-in') return <SignInPage />;
  if (path === '/reset') return <ResetPage />;
  if (path === '/rebind') return <RebindPage />;
  const caseMatch = matchPath('/case/:id', path);
  if (caseMatch && /^\d+$/.test(caseMatch.id!)) return <CasePage caseId={Number(caseMatch.id)} />;
  // Below: the signed-in pages.
  const signedInPage = (page: ReactNode) => (token ? page : <Redirect to="/sign-in" />);
  if (path === '/security') return signedInPage(<SecurityPage token={token!} />);
  if (path === '/security/questions') return signedInPage(<SecurityQuestionsPage token={token!} />);
  const bind = matchPath('/security/bind/:type', path);
  if (bind && ['totp', 'sms', 'passkey'].includes(bind.type!))
    return signedInPage(<OperationPage token={token!} action="bind" factorType={bind.type as 'totp'} />);
  const other = matchPath('/security/:action/:id', path);
  if (other && (other.action === 'change' || other.action === 'unbind') && /^\d+$/.test(other.id!)) {
    return signedInPage(<OperationPage token={token!} action={other.action} factorId={Number(other.id)} />);
  }
  return <NotFound />;
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <Page title={t('notFound.title')}>
      <p>{t('notFound.body')}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </Page>
  );
}

export function App() {
  const path = usePath();
  const token = useSessionToken();
  const { t, locale, setLocale } = useI18n();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('layout.skip')}
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <svg aria-hidden="true" viewBox="0 0 32 32" width="24" height="24">
            <path d="M16 2 4 7v8c0 7.5 5.1 13.4 12 15 6.9-1.6 12-7.5 12-15V7z" fill="currentColor" />
            <path d="m10 16 4 4 8-8" stroke="var(--surface)" strokeWidth="3" fill="none" />
          </svg>
          <span>Rebind</span>
          <span className="brand-sub">{t('layout.brand')}</span>
        </Link>
        <div className="topbar-tools">
          <label className="visually-hidden" htmlFor="language">
            {t('layout.language')}
          </label>
          <select id="language" value={locale} onChange={(e) => setLocale((e.target as HTMLSelectElement).value as Locale)}>
            {locales.map((l) => (
              <option key={l.code} value={l.code} lang={l.htmlLang}>
                {l.label}
              </option>
            ))}
          </select>
          {token && (
            <button type="button" className="button button-secondary button-small" onClick={() => void signOut()}>
              {t('layout.signOut')}
            </button>
          )}
        </div>
      </header>
      <main id="main">
        <Suspense fallback={<Loading />}>{route(path, token)}</Suspense>
      </main>
      <footer className="footer">
        <p>{t('layout.footer')}</p>
      </footer>
    </>
  );
}
