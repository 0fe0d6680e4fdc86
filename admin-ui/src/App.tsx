// The full desk: react-admin and MUI. Loaded lazily by the shell once someone
// is signed in, so the sign-in page never downloads it.

import { QueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { localStorageStore, type AuthProvider, type I18nProvider } from 'react-admin';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { authProvider } from './authProvider';
import { dataProvider } from './dataProvider';
import { Desk } from './Desk';
import { createI18nProvider } from './i18n/i18nProvider';
import type { Locale } from './i18n/locales';

// The app bar shows identity.fullName: "name (role)", with the role in the
// current language.
export const withTranslatedRole = (provider: AuthProvider, i18nProvider: I18nProvider): AuthProvider => ({
  ...provider,
  getIdentity: async () => {
    const identity = await provider.getIdentity!();
    const role = i18nProvider.translate(`rebind.roles.${identity.role}`, { _: identity.role });
    return { ...identity, fullName: `${identity.name} (${role})` };
  },
});

export interface AppProps {
  /** The shell has loaded this locale's catalog already. */
  initialLocale: Locale;
}

const App = ({ initialLocale }: AppProps) => {
  const [router] = useState(() => {
    // Lists refetch when the window regains focus (the queue moves); a
    // case does not (each load is an audited view, see CaseShow).
    const queryClient = new QueryClient();
    const i18nProvider = createI18nProvider(initialLocale, () => {
      void queryClient.invalidateQueries({ queryKey: ['auth', 'getIdentity'] });
    });
    const desk = (
      <Desk
        authProvider={withTranslatedRole(authProvider, i18nProvider)}
        dataProvider={dataProvider}
        i18nProvider={i18nProvider}
        queryClient={queryClient}
        store={localStorageStore()}
      />
    );
    // Real paths (/audit-events), not react-admin's default /#/ ones: the
    // server answers index.html for every client-side route. A data router
    // keeps useBlocker (unsaved-changes warnings) working.
    return createBrowserRouter([{ path: '*', element: desk }]);
  });

  return <RouterProvider router={router} />;
};

export default App;
