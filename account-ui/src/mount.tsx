import { createRoot } from 'react-dom/client';
import { App } from './App';
import { I18nProvider, loadCatalog, preferredLocale, type Catalog, type Locale } from './i18n/i18n';

/** Renders the pages into `container` in `locale` (the reader's preference unless told); returns an unmount. */
export async function mountAccountPages(container: Element, locale: Locale = preferredLocale()): Promise<() => void> {
  const catalog: Catalog = await loadCatalog(locale);
  const root = createRoot(container);
  root.render(
    <I18nProvider initialLocale={locale} initialCatalog={catalog}>
      <App />
    </I18nProvider>,
  );
  return () => root.unmount();
}
