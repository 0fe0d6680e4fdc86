// react-admin's loginPage: the same two-step form, wired to react-admin's
// login(), translate and locale store. Shown after a logout or an expired
// session, when the full app is already loaded.

import { useEffect } from 'react';
import { useCheckAuth, useLocaleState, useLogin, useNavigate, useTranslate } from 'react-admin';
import { DEFAULT_LOCALE, isLocale } from '../i18n/locales';
import { SignInPage } from './SignInPage';

export const AdminLoginPage = () => {
  const translate = useTranslate();
  const [locale, setLocale] = useLocaleState();
  const login = useLogin();
  const checkAuth = useCheckAuth();
  const navigate = useNavigate();

  // Already signed in (a bookmarked /login, say): go home.
  useEffect(() => {
    checkAuth({}, false)
      .then(() => navigate('/'))
      .catch(() => {
        // not signed in: stay here
      });
  }, [checkAuth, navigate]);

  return (
    <SignInPage
      translate={translate}
      locale={isLocale(locale) ? locale : DEFAULT_LOCALE}
      onLocaleChange={setLocale}
      completeSignIn={(params) => login(params)}
    />
  );
};
