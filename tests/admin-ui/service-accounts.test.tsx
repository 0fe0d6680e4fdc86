// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { serviceScopes } from '../../db/schema/service.ts';
import { SERVICE_SCOPES, type ServiceAccountRecord } from '../../admin-ui/src/service-accounts/service-account-types';
import { ANA, ROOT } from './fixtures/desk-fixtures';
import { callsTo, deskHandlers, renderDesk, server, setupDeskTests } from './desk-kit';

setupDeskTests({ width: 1280 });

const KEY = `rbk_live_${'A'.repeat(43)}`;
const NEW_KEY = `rbk_live_${'B'.repeat(43)}`;

const wallet: ServiceAccountRecord = {
  id: 1,
  name: 'wallet',
  scopes: ['withdrawals:read'],
  status: 'active',
  createdAt: '2026-11-20T09:00:00.000Z',
  revokedAt: null,
  keys: [{ id: 1, prefix: 'rbk_live_AAAAAAAA…', createdAt: '2026-11-20T09:00:00.000Z', expiresAt: null, revokedAt: null, status: 'active' }],
};

const listHandler = (rows: ServiceAccountRecord[]) =>
  http.get('*/admin/api/service-accounts', () =>
    HttpResponse.json(rows, { headers: { 'Content-Range': `service-accounts 0-${Math.max(0, rows.length - 1)}/${rows.length}` } }),
  );

describe('the Service accounts page (admins)', () => {
  it('offers the same scopes as the server', () => {
    expect([...SERVICE_SCOPES]).toEqual([...serviceScopes]);
  });

  it('lists accounts with their key prefixes, and shows a new key once after creating one', async () => {
    server.use(
      listHandler([wallet]),
      http.post('*/admin/api/service-accounts', async ({ request }) => {
        const body = (await request.json()) as { name: string; scopes: string[] };
        return HttpResponse.json({ ...wallet, id: 2, name: body.name, scopes: body.scopes, key: KEY }, { status: 201 });
      }),
      ...deskHandlers({ staff: ROOT }),
    );
    await renderDesk('/service-accounts');
    expect(await screen.findByText('wallet')).toBeTruthy();
    expect(screen.getByText('rbk_live_AAAAAAAA…')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Rotate key' })).toBeTruthy();
    expect(screen.getByRole('menuitem', { name: /Service accounts/ })).toBeTruthy();

    await userEvent.click(screen.getByRole('link', { name: 'Create' }));
    await userEvent.type(await screen.findByLabelText(/Name/), 'login-service');
    await userEvent.click(screen.getByLabelText(/tokens:introspect/));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    const dialog = await screen.findByRole('dialog', { name: 'API key for login-service' });
    expect((within(dialog).getByLabelText('API key') as HTMLInputElement).value).toBe(KEY);
    expect(callsTo('POST', '/admin/api/service-accounts').at(-1)!.body).toEqual({ name: 'login-service', scopes: ['tokens:introspect'] });
    await userEvent.click(within(dialog).getByRole('button', { name: 'I have saved it' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('rotates a key with the chosen overlap and shows the new key once', async () => {
    server.use(
      listHandler([wallet]),
      http.post('*/admin/api/service-accounts/:id/rotate', () => HttpResponse.json({ ...wallet, key: NEW_KEY, oldKeysExpireAt: '2026-11-27T11:00:00.000Z' })),
      ...deskHandlers({ staff: ROOT }),
    );
    await renderDesk('/service-accounts');
    await userEvent.click(await screen.findByRole('button', { name: 'Rotate key' }));
    const hours = await screen.findByLabelText(/Overlap \(hours\)/);
    await userEvent.clear(hours);
    await userEvent.type(hours, '2');
    await userEvent.click(screen.getByRole('button', { name: 'Issue new key' }));
    const dialog = await screen.findByRole('dialog', { name: 'API key for wallet' });
    expect((within(dialog).getByLabelText('API key') as HTMLInputElement).value).toBe(NEW_KEY);
    expect(within(dialog).getByText(/previous key keeps working until/)).toBeTruthy();
    expect(callsTo('POST', '/admin/api/service-accounts/1/rotate').at(-1)!.body).toEqual({ overlapHours: 2 });
  });

  it('is not in the menu of other roles', async () => {
    server.use(...deskHandlers({ staff: ANA }));
    await renderDesk('/');
    await screen.findByRole('menuitem', { name: /Queue/ });
    expect(screen.queryByRole('menuitem', { name: /Service accounts/ })).toBeNull();
  });
});
