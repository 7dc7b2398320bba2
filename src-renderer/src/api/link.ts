/** The renderer's link to main: always up in Electron, a WebSocket that can drop in console mode. */
export type LinkState = 'connecting' | 'connected' | 'disconnected';

export interface LinkObserver {
  readonly state: LinkState;
  /** Called on every change; returns the unsubscribe function. */
  onChange(listener: (state: LinkState) => void): () => void;
}
