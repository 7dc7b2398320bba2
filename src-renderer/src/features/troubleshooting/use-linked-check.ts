import { useEffect, useRef, useState } from 'react';
import { checkAnchor, linkedCheckFromHash } from './check-guide';

/** The check the URL links to (`#/troubleshooting?check=<id>`), kept current as the hash changes. */
export function useLinkedCheck(): string | null {
  const [linked, setLinked] = useState(() => linkedCheckFromHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setLinked(linkedCheckFromHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return linked;
}

/** Brings a check's card into view and gives it the keyboard focus. */
export function showCheck(id: string): void {
  const card = document.getElementById(checkAnchor(id));
  if (!card) return;
  card.scrollIntoView({ block: 'start' });
  card.focus({ preventScroll: true });
}

/**
 * Once the checks are on screen, moves to the linked check, once per link: re-running the checks does not
 * steal the focus again.
 */
export function useFocusLinkedCheck(linked: string | null, available: readonly string[] | null): void {
  const done = useRef<string | null>(null);
  useEffect(() => {
    if (linked === null || available === null || done.current === linked) return;
    if (!available.includes(linked)) return;
    done.current = linked;
    showCheck(linked);
  }, [linked, available]);
}
