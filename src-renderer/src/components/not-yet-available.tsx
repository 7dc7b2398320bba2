import type { ReactNode } from 'react';

/** The honest state of a feature this build does not have yet: what it will do, and that it is not here. */
export function NotYetAvailable({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card not-yet" aria-label={title}>
      <h3>{title}</h3>
      <p className="muted">{children}</p>
      <p className="badge badge-neutral">Not yet available in this version</p>
    </section>
  );
}
