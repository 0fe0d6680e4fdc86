import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { authProvider, forgetStaffSession } from '../../admin-ui/src/authProvider';
import { dataProvider } from '../../admin-ui/src/dataProvider';
import { getAuditEventsCsvUrl } from '../../admin-ui/src/audit-events/audit-events-csv';
import { json, signedInBody, stubFetch } from './fetch-stub';

const signIn = async () => {
  stubFetch(() => json(200, signedInBody));
  await authProvider.login({ challengeId: 'c', code: '123456' });
};

beforeEach(() => forgetStaffSession());
afterEach(() => vi.unstubAllGlobals());

describe('dataProvider over /admin/api', () => {
  it('lists in the simple-rest dialect, same-origin, with no CSRF header on GET', async () => {
    await signIn();
    const requests = stubFetch(() => json(200, [{ id: 3 }], { 'Content-Range': 'audit-events 0-0/319' }));
    const result = await dataProvider.getList('audit-events', {
      pagination: { page: 1, perPage: 25 },
      sort: { field: 'id', order: 'DESC' },
      filter: { actorType: 'staff' },
    });
    expect(result.total).toBe(319);
    const url = new URL(requests[0].url, 'http://desk.test');
    expect(url.pathname).toBe('/admin/api/audit-events');
    expect(url.searchParams.get('sort')).toBe('["id","DESC"]');
    expect(url.searchParams.get('range')).toBe('[0,24]');
    expect(url.searchParams.get('filter')).toBe('{"actorType":"staff"}');
    expect(requests[0].credentials).toBe('same-origin');
    expect(requests[0].headers.has('X-CSRF-Token')).toBe(false);
  });

  it('sends the CSRF token on unsafe methods', async () => {
    await signIn();
    const requests = stubFetch((request) => json(200, { id: 7, ...(request.body as object) }));
    await dataProvider.create('staff', { data: { email: 'n@x.example', name: 'N', role: 'agent' } });
    await dataProvider.update('staff', { id: 7, data: { name: 'M' }, previousData: { id: 7 } });
    expect(requests.map((r) => `${r.method} ${r.url} ${r.headers.get('X-CSRF-Token')}`)).toEqual([
      'POST /admin/api/staff csrf-token-1',
      'PUT /admin/api/staff/7 csrf-token-1',
    ]);
  });

  it('turns codes the catalogs translate into message keys, keeping the body', async () => {
    await signIn();
    stubFetch(() => json(409, { code: 'stale_version', message: 'Someone else…', requestId: 'r' }));
    const error = await dataProvider.getOne('staff', { id: 1 }).catch((e) => e);
    expect(error).toMatchObject({ message: 'rebind.errors.stale_version', status: 409, body: { code: 'stale_version' } });

    stubFetch(() => json(400, { code: 'validation_failed', message: 'name: too long' }));
    const specific = await dataProvider.getOne('staff', { id: 1 }).catch((e) => e);
    expect(specific.message).toBe('name: too long');
  });

  it('verifies the audit chain', async () => {
    await signIn();
    const requests = stubFetch(() => json(200, { ok: true, count: 20, headHash: 'ab' }));
    await expect(dataProvider.verifyAuditChain()).resolves.toEqual({ ok: true, count: 20, headHash: 'ab' });
    expect(requests[0].url).toBe('/admin/api/audit-events/verify');
  });
});

describe('getAuditEventsCsvUrl', () => {
  it('carries the list filter and sort as JSON', () => {
    const url = new URL(getAuditEventsCsvUrl({ action: 'staff.*', ts_gte: '2026-11-01T00:00:00.000Z' }, { field: 'id', order: 'DESC' }), 'http://desk.test');
    expect(url.pathname).toBe('/admin/api/audit-events.csv');
    expect(JSON.parse(url.searchParams.get('filter')!)).toEqual({
      action: 'staff.*',
      ts_gte: '2026-11-01T00:00:00.000Z',
    });
    expect(url.searchParams.get('sort')).toBe('["id","DESC"]');
  });
});
