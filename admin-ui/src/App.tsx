// The full desk: react-admin and MUI. Loaded lazily by the shell once someone
// is signed in, so the sign-in page never downloads it.

import { QueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Admin, Resource, type AuthProvider, type I18nProvider } from 'react-admin';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import auditEvents from './audit-events';
import { authProvider } from './authProvider';
import { dataProvider } from './dataProvider';
import { createI18nProvider } from './i18n/i18nProvider';
import type { Locale } from './i18n/locales';
import { AppTitle } from './layout/AppTitle';
import { Dashboard } from './layout/Dashboard';
import { canManageStaff, canReadAuditEvents, type StaffRole } from './roles';
import { AdminLoginPage } from './sign-in/AdminLoginPage';
import staff from './staff';
import { darkTheme, lightTheme } from './theme';

// The app bar shows identity.fullName: "name (role)", with the role in the
// current language.
const withTranslatedRole = (provider: AuthProvider, i18nProvider: I18nProvider): AuthProvider => ({
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
        const queryClient = new QueryClient();
        const i18nProvider = createI18nProvider(initialLocale, () => {
            void queryClient.invalidateQueries({ queryKey: ['auth', 'getIdentity'] });
        });
        const appAuthProvider = withTranslatedRole(authProvider, i18nProvider);
        // Real paths (/audit-events), not react-admin's default /#/ ones: the
        // server answers index.html for every client-side route. A data router
        // keeps useBlocker (unsaved-changes warnings) working.
        return createBrowserRouter([
            {
                path: '*',
                element: (
                    <Admin
                        disableTelemetry
                        requireAuth
                        title={<AppTitle />}
                        authProvider={appAuthProvider}
                        dataProvider={dataProvider}
                        i18nProvider={i18nProvider}
                        queryClient={queryClient}
                        loginPage={AdminLoginPage}
                        dashboard={Dashboard}
                        theme={lightTheme}
                        darkTheme={darkTheme}
                    >
                        {(role: StaffRole | undefined) => (
                            <>
                                {canReadAuditEvents(role) ? (
                                    <Resource name="audit-events" {...auditEvents} />
                                ) : null}
                                {canManageStaff(role) ? <Resource name="staff" {...staff} /> : null}
                            </>
                        )}
                    </Admin>
                ),
            },
        ]);
    });

    return <RouterProvider router={router} />;
};

export default App;
