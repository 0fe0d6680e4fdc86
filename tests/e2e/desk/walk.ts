import type { Locator, Page, Request, Response } from 'playwright-core';

/**
 * A walk of the desk the way people use it: by clicking. It is generic on
 * purpose — it follows the menu it is given, clicks the rows and links it
 * finds, and opens whatever dialogs, tabs and panels a screen offers — so a
 * screen added later is walked without anyone remembering to add it here.
 *
 * Everything that goes wrong on the way is collected as a problem: text of
 * react-admin's error boundary, an uncaught page error, a console error, a
 * failed request (other than an expected 401/403), or a state-changing call
 * that a click made without a confirmation dialog.
 */
export interface WalkProblem {
  where: string;
  what: string;
}

export interface WalkOptions {
  /** Buttons that act at once, by design (one-click claim): never clicked by the walk. */
  directActions: RegExp;
  /** How many rows of each list to open. */
  rowsPerList: number;
  /** Called after a screen settled, e.g. for screenshots. */
  onScreen?: (page: Page, name: string) => Promise<void>;
}

const ERROR_BOUNDARY = /Something went wrong|A client error occurred|Une erreur|出错了/;

export class DeskWalker {
  readonly problems: WalkProblem[] = [];
  /** Every screen (path) the walk reached, for the test to assert coverage. */
  readonly visited = new Set<string>();
  private where = 'start';
  private allowMutation = false;

  constructor(
    private readonly page: Page,
    private readonly origin: string,
    private readonly options: WalkOptions,
  ) {
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => this.problem(`uncaught page error: ${error.message}`));
    page.on('console', (message) => {
      // Chromium logs every 4xx as a console error; an expected 401/403 is not a problem.
      if (message.type() !== 'error' || /status of 40[13] /.test(message.text())) return;
      this.problem(`console error: ${message.text()}`);
    });
    page.on('requestfailed', (request: Request) => {
      const failure = request.failure()?.errorText ?? 'failed';
      // A navigation away cancels requests still in flight: not a failure of the desk.
      if (failure.includes('ERR_ABORTED')) return;
      this.problem(`request failed: ${request.method()} ${this.path(request.url())} (${failure})`);
    });
    page.on('response', (response: Response) => {
      const status = response.status();
      const request = response.request();
      if (status >= 400 && status !== 401 && status !== 403) {
        this.problem(`HTTP ${status}: ${request.method()} ${this.path(response.url())}`);
      }
      const url = this.path(response.url());
      if (request.method() !== 'GET' && url.startsWith('/admin/api/') && !url.startsWith('/admin/api/auth/') && !this.allowMutation) {
        this.problem(`a click changed something without a confirmation: ${request.method()} ${url}`);
      }
    });
  }

  private path(url: string): string {
    return url.startsWith(this.origin) ? url.slice(this.origin.length) : url;
  }

  problem(what: string): void {
    this.problems.push({ where: this.where, what });
  }

  /** Runs a step that may legitimately change data (signing in, switching language). */
  async mutating<T>(step: () => Promise<T>): Promise<T> {
    this.allowMutation = true;
    try {
      return await step();
    } finally {
      this.allowMutation = false;
    }
  }

  /** Waits until react-admin has nothing in flight, then checks for its error page. */
  async settle(label: string): Promise<void> {
    this.where = label;
    await this.page.waitForLoadState('networkidle').catch(() => undefined);
    await this.page
      .locator('.RaLoadingIndicator-loader, [role=progressbar]')
      .first()
      .waitFor({ state: 'hidden', timeout: 5_000 })
      .catch(() => undefined);
    await this.page.waitForTimeout(150);
    const body =
      (await this.page
        .locator('body')
        .innerText()
        .catch(() => '')) ?? '';
    if (ERROR_BOUNDARY.test(body)) this.problem(`error page shown: ${body.match(ERROR_BOUNDARY)![0]}`);
    this.visited.add(new URL(this.page.url()).pathname.replace(/\/\d+(?=\/|$)/g, '/:id'));
  }

  /** Names of the sidebar's menu entries. */
  async menuEntries(): Promise<string[]> {
    const items = this.page.getByRole('menuitem');
    await items.first().waitFor();
    return (await items.allInnerTexts()).map((text) => text.trim()).filter(Boolean);
  }

  async openMenuEntry(name: string): Promise<void> {
    await this.page.getByRole('menuitem', { name, exact: true }).click();
    await this.settle(`menu ${name}`);
    await this.options.onScreen?.(this.page, `menu-${name}`);
  }

  /** The main content's data rows (react-admin DataTable), not the rows an expanded row shows. */
  private rows(): Locator {
    return this.page.locator('#main-content tbody tr.RaDataTable-row');
  }

  /**
   * Opens the first rows of the list on screen by clicking the row itself and,
   * separately, its first link; walks each screen reached and comes back.
   */
  async walkList(name: string): Promise<void> {
    const rows = this.rows();
    const count = Math.min(await rows.count(), this.options.rowsPerList);
    for (let index = 0; index < count; index++) {
      const listUrl = this.page.url();
      // The row itself, on a cell with nothing clickable in it.
      const plainCell = rows
        .nth(index)
        .locator('td')
        .filter({ hasNot: this.page.locator('a, button, input') })
        .first();
      if ((await plainCell.count()) > 0) {
        await this.click(plainCell, `${name}: row ${index + 1}`);
        await this.settle(`${name}: row ${index + 1}`);
        if (this.page.url() !== listUrl) {
          await this.walkScreen(`${name} row ${index + 1}`);
          await this.back(listUrl, `${name}: back from row ${index + 1}`);
        } else {
          // A row that expands in place (the audit trail's details): walk what opened.
          await this.openDialogsAndPanels(`${name} row ${index + 1} expanded`);
        }
      }
      // Any link in the row (an id link, a user's cases), the keyboard way in.
      const link = rows.nth(index).locator('a[href]').first();
      if ((await link.count()) > 0) {
        await this.click(link, `${name}: link in row ${index + 1}`);
        await this.settle(`${name}: link in row ${index + 1}`);
        if (this.page.url() !== listUrl) {
          await this.walkScreen(`${name} link ${index + 1}`);
          await this.back(listUrl, `${name}: back from link ${index + 1}`);
        }
      }
    }
  }

  /**
   * Clicks with the element in the middle of the window (the app bar is fixed
   * and would otherwise cover it); a click that cannot happen is a problem.
   */
  private async click(target: Locator, label: string): Promise<boolean> {
    try {
      await target.evaluate((element) => element.scrollIntoView({ block: 'center' }));
      await target.click({ timeout: 5_000 });
      return true;
    } catch (error) {
      this.problem(`could not click ${label}: ${(error as Error).message.split('\n')[0]}`);
      return false;
    }
  }

  /** The list screen's own dialogs and menus (filters, saved views). */
  async walkListScreen(name: string): Promise<void> {
    await this.openDialogsAndPanels(`${name} (list)`);
  }

  private async back(expectedUrl: string, label: string): Promise<void> {
    await this.page.goBack();
    await this.settle(label);
    if (this.page.url() !== expectedUrl) {
      await this.page.goto(expectedUrl);
      await this.settle(`${label} (reloaded)`);
    }
  }

  /** A detail screen: its tabs, collapsed panels, and every dialog it offers. */
  async walkScreen(name: string): Promise<void> {
    await this.options.onScreen?.(this.page, name);
    await this.openDialogsAndPanels(name);
  }

  private async openDialogsAndPanels(name: string): Promise<void> {
    const main = this.page.locator('#main-content');
    // Tabs.
    const tabs = main.getByRole('tab');
    for (let i = 0; i < (await tabs.count()); i++) {
      await this.click(tabs.nth(i), `${name}: tab ${i + 1}`);
      await this.settle(`${name}: tab ${i + 1}`);
    }
    // Collapsed panels.
    const collapsed = main.locator('[aria-expanded=false]:not([aria-haspopup])');
    for (let i = 0; i < Math.min(await collapsed.count(), 10); i++) {
      const panel = collapsed.first();
      if (!(await panel.isVisible())) break;
      if (!(await this.click(panel, `${name}: panel ${i + 1}`))) break;
      await this.settle(`${name}: panel ${i + 1}`);
    }
    // Buttons that open a dialog or a menu: open, look, cancel.
    const startUrl = this.page.url();
    // Sort headers and pagination only reorder the list: not dialogs.
    const buttons = main.locator('button:visible:not([disabled]):not(thead button):not(.MuiTablePagination-root button)');
    const labels = new Set<string>();
    for (let i = 0; i < (await buttons.count()); i++) {
      const button = buttons.nth(i);
      const label = ((await button.getAttribute('aria-label')) ?? (await button.innerText())).trim();
      if (!label || labels.has(label) || this.options.directActions.test(label)) continue;
      if ((await button.getAttribute('type')) === 'submit') continue;
      labels.add(label);
      if (!(await this.click(button, `${name}: button "${label}"`))) continue;
      await this.settle(`${name}: button "${label}"`);
      await this.closeOverlay(`${name}: button "${label}"`);
      if (this.page.url() !== startUrl) await this.back(startUrl, `${name}: back after "${label}"`);
    }
  }

  /** Cancels a dialog (its Cancel button, else Escape) or closes a menu/popover. */
  private async closeOverlay(label: string): Promise<void> {
    const dialog = this.page.getByRole('dialog');
    if ((await dialog.count()) > 0 && (await dialog.first().isVisible())) {
      await this.options.onScreen?.(this.page, label);
      const cancel = dialog.first().getByRole('button', { name: /^(Cancel|Close|取消|关闭)$/ });
      if ((await cancel.count()) > 0) await cancel.first().click();
      else await this.page.keyboard.press('Escape');
      await dialog
        .first()
        .waitFor({ state: 'hidden', timeout: 5_000 })
        .catch(() => this.problem(`dialog would not close (${label})`));
      await this.settle(`${label}: cancelled`);
      return;
    }
    const popup = this.page.locator('[role=menu]:visible, [role=listbox]:visible, .MuiPopover-root:visible');
    if ((await popup.count()) > 0) {
      await this.page.keyboard.press('Escape');
      await this.settle(`${label}: closed`);
    }
  }

  /** The app bar's language menu (to the other language and back) and the theme toggle. */
  async switchLanguageAndTheme(): Promise<void> {
    const appBar = this.page.locator('header');
    await this.mutating(async () => {
      for (const [current, next] of [
        ['English', '简体中文'],
        ['简体中文', 'English'],
      ] as const) {
        // react-admin's locale button is named by the current language.
        await appBar.getByRole('button', { name: current, exact: true }).click();
        await this.page.getByRole('menuitem', { name: next }).click();
        await appBar.getByRole('button', { name: next, exact: true }).waitFor();
        await this.settle(`language ${current} → ${next}`);
      }
    });
    const theme = appBar.getByRole('button', { name: /light\/dark|明暗|主题/ });
    await theme.click();
    await this.settle('theme toggled');
    await this.options.onScreen?.(this.page, 'theme-toggled');
    await theme.click();
    await this.settle('theme toggled back');
  }

  /** Every menu entry and its first row again, in the dark theme, for the screenshots. */
  async darkPass(entries: string[]): Promise<void> {
    // The theme was toggled by hand before, so the stored choice wins over the system's: toggle.
    const theme = this.page.locator('header').getByRole('button', { name: /light\/dark|明暗|主题/ });
    await theme.click();
    for (const entry of entries) {
      await this.page.getByRole('menuitem', { name: entry, exact: true }).click();
      await this.settle(`dark: ${entry}`);
      await this.options.onScreen?.(this.page, `dark-menu-${entry}`);
      const row = this.rows().first();
      const plainCell = row
        .locator('td')
        .filter({ hasNot: this.page.locator('a, button, input') })
        .first();
      if ((await plainCell.count()) === 0) continue;
      const listUrl = this.page.url();
      await this.click(plainCell, `dark: ${entry} row 1`);
      await this.settle(`dark: ${entry} row 1`);
      if (this.page.url() !== listUrl) {
        await this.options.onScreen?.(this.page, `dark-${entry}-row-1`);
        await this.back(listUrl, `dark: back to ${entry}`);
      }
    }
    await theme.click();
  }

  report(): string {
    return this.problems.map((p) => `- [${p.where}] ${p.what}`).join('\n');
  }
}
