// The shared styles before anything else: each screen's own file (imported by its screen) comes after them in
// the bundle, so it can build on them and override them.
import './styles/theme.css';
import './styles/base.css';
import './styles/components.css';
import './styles/controls.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/api-client';
import { ApiProvider } from './api/api-context';
import { AppShell } from './app-shell';
import { createAppStore } from './store/app-store';
import { StoreProvider } from './store/store-context';
import { startSync } from './store/sync';

const store = createAppStore();
const api = createApiClient();
startSync(api, store);

const container = document.getElementById('root');
if (!container) throw new Error('The page has no #root element.');
createRoot(container).render(
  <StrictMode>
    <StoreProvider store={store}>
      <ApiProvider api={api}>
        <AppShell />
      </ApiProvider>
    </StoreProvider>
  </StrictMode>,
);
