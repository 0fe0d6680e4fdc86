// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ADA, ANA, makeCaseDetail, queueRows } from './fixtures/desk-fixtures';
import { callsTo, deskHandlers, renderDesk, server, setupDeskTests } from './desk-kit';

setupDeskTests();

const LONG = { timeout: 10_000 };
const selection = () => screen.getByRole('status', { name: '' });
const selectedText = async (text: string) => waitFor(() => expect(selection().textContent).toBe(text), LONG);

/** A queue worked from the keyboard: j / k, Enter, c, ?; never while typing. */
describe('the queue by keyboard', () => {
  it('j and k move the selection, Enter opens the selected case', async () => {
    server.use(...deskHandlers({ staff: ANA, rows: queueRows, details: queueRows.map((row) => makeCaseDetail({ id: row.id })) }));
    const user = userEvent.setup();
    await renderDesk('/cases');
    await screen.findByRole('link', { name: `#${queueRows[0].id}` }, LONG);

    await user.keyboard('j');
    await selectedText(`Case #${queueRows[0].id} selected`);
    await user.keyboard('jjk');
    await selectedText(`Case #${queueRows[1].id} selected`);
    await user.keyboard('k');
    await user.keyboard('k'); // stays on the first row
    await selectedText(`Case #${queueRows[0].id} selected`);
    await user.keyboard('{Enter}');
    await screen.findByRole('heading', { name: `Case #${queueRows[0].id}`, level: 1 }, LONG);
  });

  it('c claims the selected case when the viewer may claim it, and opens it', async () => {
    const claimable = queueRows[3]; // submitted, not Ana's own account
    server.use(
      http.post(`*/admin/api/cases/${claimable.id}/claim`, () =>
        HttpResponse.json(makeCaseDetail({ id: claimable.id, status: 'in_review', assigneeId: ANA.id })),
      ),
      ...deskHandlers({ staff: ANA, rows: queueRows, details: queueRows.map((row) => makeCaseDetail({ id: row.id })) }),
    );
    const user = userEvent.setup();
    await renderDesk('/cases');
    await screen.findByRole('link', { name: `#${claimable.id}` }, LONG);
    // Row 2 awaits a second approval: c does nothing there.
    await user.keyboard('jj');
    await selectedText(`Case #${queueRows[1].id} selected`);
    await user.keyboard('c');
    await user.keyboard('jj');
    await selectedText(`Case #${claimable.id} selected`);
    expect(callsTo('POST', /\/claim$/)).toHaveLength(0);
    await user.keyboard('c');
    await waitFor(() => expect(callsTo('POST', `/admin/api/cases/${claimable.id}/claim`)).toHaveLength(1), LONG);
    expect(callsTo('POST', `/admin/api/cases/${claimable.id}/claim`)[0].body).toEqual({ version: claimable.version });
    await screen.findByRole('heading', { name: `Case #${claimable.id}`, level: 1 }, LONG);
  });

  it('an auditor cannot claim by keyboard either', async () => {
    server.use(...deskHandlers({ staff: ADA, rows: queueRows }));
    const user = userEvent.setup();
    await renderDesk('/cases');
    await screen.findByRole('link', { name: `#${queueRows[3].id}` }, LONG);
    await user.keyboard('jjjjc');
    await selectedText(`Case #${queueRows[3].id} selected`);
    expect(callsTo('POST', /\/claim$/)).toHaveLength(0);
  });

  it('? lists the shortcuts; keys typed into the search box do not move the queue', async () => {
    server.use(...deskHandlers({ staff: ANA, rows: queueRows }));
    const user = userEvent.setup();
    await renderDesk('/cases');
    await screen.findByRole('link', { name: `#${queueRows[0].id}` }, LONG);

    await user.keyboard('?');
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(dialog.textContent).toContain('Select the next case');
    expect(dialog.textContent).toContain('Claim the selected case');
    await user.click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    await user.type(screen.getByPlaceholderText(/Case #|email/i), 'jjk');
    expect(selection().textContent).toBe('');
  });
});
