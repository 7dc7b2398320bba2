/**
 * Main-side typed event bus derived from the contract's event map. The app service emits; each transport
 * subscribes once and forwards every event to its renderers. Payloads are checked against the contract before
 * they leave, so a bug in main cannot push malformed state into the UI.
 */
import { type EventChannel, type EventPayload, events } from './contract';

export type AnyEventListener = <E extends EventChannel>(event: E, payload: EventPayload<E>) => void;

export class EventBus {
  private readonly listeners = new Set<AnyEventListener>();

  emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].parse(payload) as EventPayload<E>;
    for (const listener of this.listeners) listener(event, checked);
  }

  /** Listen to every event; returns the unsubscribe function. */
  onAny(listener: AnyEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
