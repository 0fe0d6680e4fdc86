// The desk's react-admin tree, without a router: App.tsx puts it under the
// browser's router, the component tests under a memory router.

import type { QueryClient } from '@tanstack/react-query';
import { AdminContext, AdminUI, Resource, type AuthProvider, type I18nProvider, type Store } from 'react-admin';
import auditEvents from './audit-events';
import cases from './cases';
import insiderSignals from './insider';
import { Dashboard } from './dashboard/Dashboard';
import type { RebindDataProvider } from './dataProvider';
import { AppTitle } from './layout/AppTitle';
import { DeskLayout } from './layout/DeskLayout';
import outbox from './outbox';
import reasonCodes from './reason-codes';
import serviceAccounts from './service-accounts';
import { can, type StaffRole } from './roles';
import { AdminLoginPage } from './sign-in/AdminLoginPage';
import staff from './staff';
import team from './team';
import users from './users';
import webhookEndpoints from './webhooks';
import { darkTheme, lightTheme } from './theme';

/** Menus follow the server's permissions (roles.ts reads the server's table). */
export const deskResources = (role: StaffRole | undefined) => (
  <>
    {can(role, 'cases.read') ? <Resource name="cases" {...cases} /> : null}
    {can(role, 'team.read') ? <Resource name="team" {...team} /> : null}
    {can(role, 'users.read') ? <Resource name="users" {...users} /> : null}
    {can(role, 'audit.read') ? <Resource name="audit-events" {...auditEvents} /> : null}
    {can(role, 'insider.read') ? <Resource name="insider-signals" {...insiderSignals} /> : null}
    {can(role, 'reason-codes.manage') ? <Resource name="reason-codes" {...reasonCodes} /> : null}
    {can(role, 'staff.manage') ? <Resource name="staff" {...staff} /> : null}
    {can(role, 'service-accounts.manage') ? <Resource name="service-accounts" {...serviceAccounts} /> : null}
    {can(role, 'webhooks.read') ? <Resource name="webhook-endpoints" {...webhookEndpoints} /> : null}
    {can(role, 'webhooks.read') ? <Resource name="webhook-deliveries" /> : null}
    {can(role, 'outbox.read') ? <Resource name="outbox" {...outbox} /> : null}
  </>
);

export interface DeskProps {
  authProvider: AuthProvider;
  dataProvider: RebindDataProvider;
  i18nProvider: I18nProvider;
  queryClient: QueryClient;
  store: Store;
}

/**
 * <Admin> is AdminContext + AdminUI, but its default i18nProvider (node-polyglot
 * and the es-shims it pulls in) would ship even though ours replaces it.
 */
export const Desk = ({ authProvider, dataProvider, i18nProvider, queryClient, store }: DeskProps) => (
  <AdminContext
    authProvider={authProvider}
    dataProvider={dataProvider}
    i18nProvider={i18nProvider}
    queryClient={queryClient}
    store={store}
    theme={lightTheme}
    darkTheme={darkTheme}
  >
    <AdminUI disableTelemetry requireAuth title={<AppTitle />} loginPage={AdminLoginPage} layout={DeskLayout} dashboard={Dashboard}>
      {deskResources}
    </AdminUI>
  </AdminContext>
);
