// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { WebhookDeliveryRecord, WebhookEndpointRecord } from '../../admin-ui/src/webhooks/webhook-types';
import { ROOT } from './fixtures/desk-fixtures';
import { callsTo, deskHandlers, renderDesk, server, setupDeskTests } from './desk-kit';

setupDeskTests({ width: 1280 });

const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

const endpoint: WebhookEndpointRecord = {
  id: 3,
  url: 'https://risk.exchange.example/hooks/rebind',
  description: 'Risk engine',
  eventTypes: ['factor.changed', 'account.frozen'],
  enabled: true,
  disabledAt: null,
  disabledReason: null,
  failingSince: '2026-11-26T08:00:00.000Z',
  consecutiveFailures: 4,
  previousSecretValidUntil: null,
  version: 2,
  createdAt: '2026-11-20T08:00:00.000Z',
  updatedAt: '2026-11-26T08:00:00.000Z',
};

const delivery: WebhookDeliveryRecord = {
  id: 41,
  endpointId: 3,
  eventId: 'evt_q2Jm7nW0cX3kT9aLbE4r',
  eventCursor: '42',
  eventType: 'factor.changed',
  userId: 17,
  status: 'failed',
  attempts: 8,
  nextAttemptAt: null,
  lastAttemptAt: '2026-11-26T08:00:00.000Z',
  lastStatusCode: 503,
  lastErrorClass: 'http_status',
  deliveredAt: null,
  createdAt: '2026-11-25T04:00:00.000Z',
};

const webhookHandlers = () => [
  http.get('*/admin/api/webhook-endpoints', () => HttpResponse.json([endpoint], { headers: { 'Content-Range': 'webhook-endpoints 0-0/1' } })),
  http.get('*/admin/api/webhook-endpoints/:id', () => HttpResponse.json(endpoint)),
  http.get('*/admin/api/webhook-deliveries', () => HttpResponse.json([delivery], { headers: { 'Content-Range': 'webhook-deliveries 0-0/1' } })),
  http.post('*/admin/api/webhook-endpoints', () => HttpResponse.json({ ...endpoint, id: 4, secret: SECRET }, { status: 201 })),
  http.post('*/admin/api/webhook-deliveries/:id/redeliver', ({ params }) => HttpResponse.json({ id: Number(params.id), status: 'pending' })),
  http.post('*/admin/api/webhook-endpoints/:id/rotate-secret', () => HttpResponse.json({ ...endpoint, secret: SECRET })),
];

describe('the Webhooks page (admins)', () => {
  it('lists endpoints with their health, and creates one showing its secret once', async () => {
    server.use(...webhookHandlers(), ...deskHandlers({ staff: ROOT }));
    await renderDesk('/webhook-endpoints');
    const row = (await screen.findByText(endpoint.url)).closest('tr')!;
    expect(within(row).getByText('factor.changed, account.frozen')).toBeTruthy();
    expect(within(row).getByText('Failing (4 failed attempts)')).toBeTruthy();

    await userEvent.click(screen.getByRole('link', { name: 'Create' }));
    await userEvent.type(await screen.findByRole('textbox', { name: 'URL' }), 'https://ops.exchange.example/hook');
    await userEvent.click(screen.getByRole('checkbox', { name: 'case.approved' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    const dialog = await screen.findByRole('dialog');
    expect((within(dialog).getByRole('textbox', { name: 'Signing secret' }) as HTMLInputElement).value).toBe(SECRET);
    expect(callsTo('POST', '/admin/api/webhook-endpoints')[0]!.body).toEqual({
      url: 'https://ops.exchange.example/hook',
      description: '',
      eventTypes: ['case.approved'],
      enabled: true,
    });
    await userEvent.click(within(dialog).getByRole('button', { name: 'I have stored it' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.body.textContent).not.toContain(SECRET);
  });

  it('shows the delivery log of an endpoint and redelivers a row', async () => {
    server.use(...webhookHandlers(), ...deskHandlers({ staff: ROOT }));
    await renderDesk('/webhook-endpoints/3');
    const row = (await screen.findByText(delivery.eventId)).closest('tr')!;
    expect(within(row).getByText('Given up')).toBeTruthy();
    expect(within(row).getByText('503')).toBeTruthy();
    expect(JSON.parse(callsTo('GET', '/admin/api/webhook-deliveries')[0]!.search.get('filter')!)).toEqual({ endpointId: 3 });
    await userEvent.click(within(row).getByRole('button', { name: 'Redeliver' }));
    await waitFor(() => expect(callsTo('POST', '/admin/api/webhook-deliveries/41/redeliver')).toHaveLength(1));
    expect(await screen.findByText('Queued: it is sent again within a few seconds.')).toBeTruthy();
    // The log sits inside the endpoint's form: redelivering does not submit it.
    expect(callsTo('PUT', /\/admin\/api\/webhook-endpoints\//)).toHaveLength(0);
  });
});
