import { type ReactNode, useEffect, useId, useRef } from 'react';

/**
 * A modal confirmation (the native <dialog>: focus is kept inside, Escape dismisses it). Nothing happens until the
 * confirm button is pressed; while `busy`, it cannot be dismissed.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  confirmDisabled = false,
  busy = false,
  onConfirm,
  onDismiss,
  testId,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  confirmDisabled?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onDismiss(): void;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    return () => dialog?.close?.();
  }, []);
  const blocked = confirmDisabled || busy;
  return (
    <dialog
      ref={ref}
      className="restore-dialog"
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onDismiss();
      }}
    >
      <h3 id={titleId}>{title}</h3>
      {children}
      <div className="toolbar restore-actions">
        <button
          type="button"
          className="button button-primary"
          aria-disabled={blocked}
          onClick={() => {
            if (!blocked) onConfirm();
          }}
          data-testid={testId ? `${testId}-confirm` : undefined}
        >
          {confirmLabel}
        </button>
        <button type="button" className="button" disabled={busy} onClick={onDismiss}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
