/** @jsxRuntime automatic */
import type { ReactNode } from 'react';
import type { UiError } from '../state/store';

/** A centred message for "nothing here yet". */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state" role="status">
      <div className="empty-title">{title}</div>
      {children ? <div className="empty-body">{children}</div> : null}
    </div>
  );
}

export function LoadingState({ what }: { what: string }) {
  return (
    <div className="loading-state" role="status" aria-busy="true">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

/** An error with its stable code, as the engine sent it. */
export function ErrorState({ error, onRetry }: { error: UiError; onRetry?: () => void }) {
  return (
    <div className="error-state" role="alert">
      <code className="error-code">{error.code}</code>
      <span className="error-message">{error.during ? `${error.during}: ` : ''}{error.message}</span>
      {onRetry ? <button type="button" onClick={onRetry}>Retry</button> : null}
    </div>
  );
}
