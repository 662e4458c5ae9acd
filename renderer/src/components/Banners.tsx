/** @jsxRuntime automatic */
import { dismissError, reopen } from '../state/actions';
import { useWorkbench } from '../state/store';
import { ErrorState } from './EmptyState';

/** Engine crash: says what happened and offers to reopen the model (nothing the user staged is sent anywhere). */
export function HostCrashBanner({ message, canReopen, onReopen, onDismiss }: { message: string; canReopen: boolean; onReopen: () => void; onDismiss: () => void }) {
  return (
    <div className="banner banner-crash" role="alert">
      <span>{message}</span>
      {canReopen ? <button type="button" className="primary" onClick={onReopen}>Reopen</button> : null}
      <button type="button" onClick={onDismiss} aria-label="Dismiss">✕</button>
    </div>
  );
}

export function Banners() {
  const hostKind = useWorkbench((s) => s.hostKind);
  const hostCrash = useWorkbench((s) => s.hostCrash);
  const disconnected = useWorkbench((s) => s.disconnected);
  const errors = useWorkbench((s) => s.errors);
  const canReopen = useWorkbench((s) => s.openRequest !== null);
  return (
    <div className="banners">
      {hostKind === 'demo' ? (
        <div className="banner banner-demo">DEMO DATA — canned results from a JSON file (no engine). Not a real analysis.</div>
      ) : null}
      {hostCrash ? (
        <HostCrashBanner message={hostCrash.message} canReopen={canReopen} onReopen={() => void reopen()} onDismiss={() => useWorkbench.setState({ hostCrash: null })} />
      ) : null}
      {disconnected ? <div className="banner banner-crash" role="alert">{disconnected}</div> : null}
      {errors.map((error, i) => (
        <div className="banner banner-error" key={i}>
          <ErrorState error={error} />
          <button type="button" onClick={() => dismissError(i)} aria-label="Dismiss">✕</button>
        </div>
      ))}
    </div>
  );
}
