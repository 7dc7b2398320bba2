import { useState } from 'react';

type CopyState = 'idle' | 'copied' | 'manual';

const words: Record<CopyState, string> = {
  idle: '\u00a0',
  copied: 'Copied.',
  manual: 'This window may not use the clipboard: select the text and press Ctrl+C (⌘C on a Mac).',
};

/** Copies `text` to the clipboard and says whether it worked, in a live region next to the button. */
export function CopyButton({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const [state, setState] = useState<CopyState>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      // Denied (no secure context, no permission): the text stays on screen to be copied by hand.
      setState('manual');
    }
  };
  return (
    <span className="toolbar">
      <button type="button" className="button" onClick={() => void copy()} data-testid={testId}>
        {label}
      </button>
      <span className="small muted" role="status">
        {words[state]}
      </span>
    </span>
  );
}
