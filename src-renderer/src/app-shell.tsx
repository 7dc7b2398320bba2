import { type ComponentType, useEffect, useRef } from 'react';
import { StatusIndicators } from './components/status-indicators';
import { DashboardScreen } from './features/dashboard/dashboard-screen';
import { DataSourcesScreen } from './features/data-sources/data-sources-screen';
import { RestoreScreen } from './features/restore/restore-screen';
import { SessionsScreen } from './features/sessions/sessions-screen';
import { SettingsScreen } from './features/settings/settings-screen';
import { SnapshotLocationScreen } from './features/snapshot-location/snapshot-location-screen';
import { TroubleshootingScreen } from './features/troubleshooting/troubleshooting-screen';
import { type RouteId, routes } from './routes';
import { useAppStore } from './store/store-context';
import { useHashRoute } from './use-hash-route';

const screens: Record<RouteId, ComponentType> = {
  dashboard: DashboardScreen,
  'data-sources': DataSourcesScreen,
  'snapshot-location': SnapshotLocationScreen,
  sessions: SessionsScreen,
  troubleshooting: TroubleshootingScreen,
  settings: SettingsScreen,
  restore: RestoreScreen,
};

export function AppShell() {
  const route = useHashRoute();
  const hydrated = useAppStore((state) => state.hydrated);
  const hydrationError = useAppStore((state) => state.hydrationError);
  const app = useAppStore((state) => state.app);
  const mainRef = useRef<HTMLElement>(null);
  const Screen = screens[route];

  // Move focus to the new screen's content so keyboard and screen-reader users land where they navigated.
  useEffect(() => {
    if (route) mainRef.current?.focus({ preventScroll: true });
  }, [route]);

  return (
    <div className="app">
      {/* A button, not a #main link: the URL hash is the router here. */}
      <button type="button" className="skip-link" onClick={() => mainRef.current?.focus()}>
        Skip to content
      </button>
      <aside className="sidebar">
        <h1 className="brand">Backup Manager</h1>
        <nav aria-label="Screens">
          <ul>
            {routes.map((r) => (
              <li key={r.id}>
                <a href={`#/${r.id}`} aria-current={r.id === route ? 'page' : undefined} data-route={r.id}>
                  {r.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {app && (
          <p className="muted small version">
            Version {app.version} · {app.mode === 'console' ? 'console' : 'desktop'}
          </p>
        )}
      </aside>
      <div className="content">
        <header className="topbar">
          <StatusIndicators />
        </header>
        <main id="main" ref={mainRef} tabIndex={-1} data-screen={route}>
          {hydrationError ? (
            <div className="card alert-error" role="alert">
              Backup Manager could not load its state: {hydrationError}
            </div>
          ) : hydrated ? (
            <Screen />
          ) : (
            <p className="muted" role="status">
              Connecting to Backup Manager…
            </p>
          )}
        </main>
      </div>
    </div>
  );
}
