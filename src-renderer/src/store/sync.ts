/**
 * Wires the API client to the store: every contract event to its action, the link state, and a (re)hydration
 * from `state.get` each time the link comes up (events missed while disconnected are covered by the snapshot).
 */
import type { ApiClient } from '../api/api-client';
import type { LinkState } from '../api/link';
import { type AppStoreApi, eventActions, type SliceEvent } from './app-store';

export function startSync(client: ApiClient, store: AppStoreApi): () => void {
  const actions = eventActions(store);
  const unsubscribers = (Object.keys(actions) as SliceEvent[]).map((event) =>
    client.subscribe(event, actions[event] as (payload: unknown) => void),
  );

  const hydrate = async () => {
    const result = await client.invoke('state.get', {});
    if (result.ok) store.getState().hydrate(result.value);
    else if (result.code !== 'DISCONNECTED')
      store.getState().hydrationFailed(`${result.code}: ${result.message}`);
  };

  const onLink = (link: LinkState) => {
    store.getState().setLink(link);
    if (link === 'connected') void hydrate();
  };
  unsubscribers.push(client.link.onChange(onLink));
  onLink(client.link.state);

  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
