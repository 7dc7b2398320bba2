/** The screens of the app, in navigation order. Routing is by URL hash so both transports work unchanged. */
export const routes = [
  { id: 'dashboard', title: 'Dashboard' },
  { id: 'data-sources', title: 'Data sources' },
  { id: 'snapshot-location', title: 'Snapshot location' },
  { id: 'sessions', title: 'Sessions' },
  { id: 'troubleshooting', title: 'Troubleshooting' },
  { id: 'settings', title: 'Settings' },
  { id: 'restore', title: 'Restore' },
] as const;

export type RouteId = (typeof routes)[number]['id'];

/**
 * The screen of a hash: `#/troubleshooting`, and also `#/troubleshooting?check=free-space` or
 * `#/troubleshooting/free-space` (a deep link into one part of a screen; the screen reads the rest itself).
 */
export function routeFromHash(hash: string): RouteId {
  const id = hash.replace(/^#\/?/, '').split(/[?/]/)[0];
  return routes.find((route) => route.id === id)?.id ?? 'dashboard';
}
