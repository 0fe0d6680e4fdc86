// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ANA, frozenUser, makeCaseDetail, makeCaseSummary, reasonCodes, ROOT } from './fixtures/desk-fixtures';
import { deskHandlers, renderDesk, server, setupDeskTests } from './desk-kit';

setupDeskTests();

/**
 * react-admin copies every list row into the detail cache, so a view opened by
 * clicking a row first renders with the row — a summary — until the detail
 * answers. Every show and edit view must render from that row, while loading,
 * and from the detail, without its error page. (Opening by URL never shows the
 * row, which is why the first wave's tests did not see the crash.)
 */
const noErrorPage = () => {
  expect(screen.queryByText(/Something went wrong/)).toBeNull();
  expect(screen.queryByText(/A client error occurred/)).toBeNull();
};

/** Clicks the first data row on a cell that holds no link or button. */
const clickFirstRow = async (user: ReturnType<typeof userEvent.setup>) => {
  const rows = await screen.findAllByRole('row', {}, { timeout: 10_000 });
  const row = rows.find((candidate) => candidate.closest('tbody'))!;
  const cell = within(row)
    .getAllByRole('cell')
    .find((candidate) => !candidate.querySelector('a, button, input'))!;
  await user.click(cell);
};

describe('a view opened from its list', () => {
  it('a case: the row header at once, then the evidence, never the error page', async () => {
    const detail = makeCaseDetail();
    let answerDetail!: () => void;
    const detailAnswered = new Promise<void>((resolve) => (answerDetail = resolve));
    server.use(
      // Before deskHandlers: the first handler that matches answers.
      http.get('*/admin/api/cases/:id', async () => {
        await detailAnswered;
        return HttpResponse.json(detail);
      }),
      ...deskHandlers({ staff: ANA, rows: [makeCaseSummary({ id: detail.id, maskedEmail: detail.maskedEmail })] }),
    );
    const user = userEvent.setup();
    await renderDesk('/cases');
    await clickFirstRow(user);

    // The row's facts, while the detail is on its way.
    await screen.findByRole('heading', { name: `Case #${detail.id}`, level: 1 }, { timeout: 10_000 });
    expect(screen.getByLabelText('Loading')).toBeTruthy();
    noErrorPage();

    answerDetail();
    await screen.findByRole('toolbar', { name: 'Case actions' }, { timeout: 10_000 });
    await screen.findByText('Risk signals');
    noErrorPage();
  });

  it('a user: the row, then factors, history and cases', async () => {
    const row = {
      id: frozenUser.id,
      maskedEmail: frozenUser.maskedEmail,
      status: frozenUser.status,
      valueTier: frozenUser.valueTier,
      country: frozenUser.country,
      createdAt: frozenUser.createdAt,
      activeFactors: frozenUser.activeFactors,
      withdrawalLockUntil: frozenUser.withdrawalLockUntil,
    };
    server.use(
      ...deskHandlers({ staff: ANA }),
      http.get('*/admin/api/users', () => HttpResponse.json([row], { headers: { 'Content-Range': 'users 0-0/1' } })),
      http.get('*/admin/api/users/:id', async () => {
        await delay(200);
        return HttpResponse.json(frozenUser);
      }),
    );
    const user = userEvent.setup();
    await renderDesk('/users');
    await clickFirstRow(user);
    await screen.findByRole('heading', { name: `User #${frozenUser.id}`, level: 1 }, { timeout: 10_000 });
    noErrorPage();
    await screen.findByRole('table', { name: '2FA tools, current and past' }, { timeout: 10_000 });
    noErrorPage();
  });

  it('a staff member and a reason code: the edit form from the row', async () => {
    const member = { id: 1, email: ANA.email, name: ANA.name, role: 'agent', disabled: false, createdAt: '2026-10-01T09:00:00.000Z', lastLoginAt: null };
    server.use(
      ...deskHandlers({ staff: ROOT }),
      http.get('*/admin/api/staff', () => HttpResponse.json([member], { headers: { 'Content-Range': 'staff 0-0/1' } })),
      http.get('*/admin/api/staff/:id', async () => {
        await delay(200);
        return HttpResponse.json(member);
      }),
      http.get('*/admin/api/reason-codes/:id', async ({ params }) => {
        await delay(200);
        return HttpResponse.json(reasonCodes.find((code) => code.id === params.id));
      }),
    );
    const user = userEvent.setup();
    await renderDesk('/staff');
    await clickFirstRow(user);
    await waitFor(() => expect((screen.getByLabelText(/^Name/) as HTMLInputElement).value).toBe(ANA.name), { timeout: 10_000 });
    noErrorPage();

    await renderDesk('/reason-codes');
    await clickFirstRow(user);
    await waitFor(() => expect((screen.getAllByLabelText(/^Label/)[0] as HTMLInputElement).value).toBe(reasonCodes[0].label), { timeout: 10_000 });
    noErrorPage();
  });
});
