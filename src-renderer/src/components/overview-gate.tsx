import type { SystemOverview } from '@contract';
import type { ReactNode } from 'react';
import { useAppStore } from '../store/store-context';

/** Renders its children with the overview once it is ready; the loading and failure states otherwise. */
export function OverviewGate({ children }: { children: (overview: SystemOverview) => ReactNode }) {
  const slice = useAppStore((state) => state.overview);
  if (slice.status === 'loading') {
    return (
      <p className="muted" role="status">
        Reading this machine's configuration…
      </p>
    );
  }
  if (slice.status === 'error') {
    return (
      <div className="card alert-error" role="alert">
        <strong>{slice.code}</strong> {slice.message}
      </div>
    );
  }
  return <>{children(slice.overview)}</>;
}
