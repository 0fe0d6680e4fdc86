import { Component, type ReactNode } from 'react';
import type { Translate } from '../i18n/translate-message';

interface AppLoadBoundaryProps {
  translate: Translate;
  children: ReactNode;
}

/**
 * Catches a failure to load the app's chunk (offline, or a deploy replaced the
 * hashed files this page refers to) and offers a reload instead of a blank page.
 */
export class AppLoadBoundary extends Component<AppLoadBoundaryProps, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  render() {
    if (!this.state.failed) return this.props.children;
    const { translate } = this.props;
    return (
      <main className="rebind-sign-in">
        <div className="rebind-sign-in__card" role="alert">
          <h1 className="rebind-sign-in__title">{translate('rebind.app.title')}</h1>
          <p className="rebind-sign-in__lead">{translate('rebind.app.load_failed')}</p>
          <button className="rebind-sign-in__submit" type="button" onClick={() => window.location.reload()}>
            {translate('rebind.app.reload')}
          </button>
        </div>
      </main>
    );
  }
}
