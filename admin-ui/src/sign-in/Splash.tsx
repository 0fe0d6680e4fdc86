// Shown while the session is checked or the app's code loads. No text: the
// translations may not be loaded yet.
export const Splash = () => (
  <div className="rebind-splash" aria-busy="true">
    <div className="rebind-splash__spinner" />
  </div>
);
