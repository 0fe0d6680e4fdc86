// The entry point's component: decides between the plain sign-in page and the
// full react-admin app, which is loaded lazily. A signed-out visitor downloads
// React, this shell and the sign-in page, not react-admin and MUI.

import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { TranslationMessages } from 'react-admin';
import { authProvider, loadStaffSession } from './authProvider';
import { loadCatalogOrDefault } from './i18n/catalogs';
import { readLocalePreference, writeLocalePreference } from './i18n/locale-preference';
import { htmlLangFor, type Locale } from './i18n/locales';
import { makeTranslate } from './i18n/translate-message';
import { AppLoadBoundary } from './sign-in/AppLoadBoundary';
import { SignInPage } from './sign-in/SignInPage';
import { Splash } from './sign-in/Splash';

const importApp = () => import('./App');
const App = lazy(importApp);

type Phase = 'checking' | 'signed_out' | 'signed_in';

export const Shell = () => {
  const [phase, setPhase] = useState<Phase>('checking');
  const [locale, setLocale] = useState<Locale>(readLocalePreference);
  const [catalog, setCatalog] = useState<{ locale: Locale; messages: TranslationMessages }>();

  useEffect(() => {
    // A session error (server down) lands on the sign-in page, whose
    // submit then reports it.
    loadStaffSession()
      .then((session) => setPhase(session ? 'signed_in' : 'signed_out'))
      .catch(() => setPhase('signed_out'));
  }, []);

  useEffect(() => {
    let current = true;
    loadCatalogOrDefault(locale).then((loaded) => {
      if (!current) return;
      setCatalog(loaded);
      if (loaded.locale !== locale) setLocale(loaded.locale);
    });
    return () => {
      current = false;
    };
  }, [locale]);

  useEffect(() => {
    document.documentElement.lang = htmlLangFor(locale);
  }, [locale]);

  const translate = useMemo(() => (catalog ? makeTranslate(catalog.messages, catalog.locale) : undefined), [catalog]);

  const changeLocale = useCallback((next: Locale) => {
    writeLocalePreference(next);
    setLocale(next);
  }, []);

  const completeSignIn = useCallback(async (params: { challengeId: string; code: string }) => {
    await authProvider.login(params);
    // react-admin would show its login route again; land on the home page.
    if (window.location.pathname === '/login') window.history.replaceState(null, '', '/');
    setPhase('signed_in');
  }, []);

  // The code step takes the user a few seconds: fetch the app meanwhile.
  const prefetchApp = useCallback(() => {
    importApp().catch(() => {
      // fetched again, with its error shown, when rendered
    });
  }, []);

  // The app needs the catalog of its first locale before it renders.
  if (phase === 'checking' || !catalog || catalog.locale !== locale || !translate) {
    return <Splash />;
  }
  if (phase === 'signed_in') {
    return (
      <AppLoadBoundary translate={translate}>
        <Suspense fallback={<Splash />}>
          <App initialLocale={locale} />
        </Suspense>
      </AppLoadBoundary>
    );
  }
  return <SignInPage translate={translate} locale={locale} onLocaleChange={changeLocale} completeSignIn={completeSignIn} onCodeStep={prefetchApp} />;
};
