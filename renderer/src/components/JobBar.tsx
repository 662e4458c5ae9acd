/** @jsxRuntime automatic */
import { cancelJob } from '../state/actions';
import { useWorkbench, type Job } from '../state/store';

export function jobFraction(job: Job): number | null {
  if (!job.progress || job.progress.total <= 0) return null;
  return Math.max(0, Math.min(1, job.progress.done / job.progress.total));
}

/** One running job: label, phase, a determinate bar when the host sends totals, and Cancel. */
export function JobRow({ job, onCancel }: { job: Job; onCancel: (callId: number) => void }) {
  const fraction = jobFraction(job);
  return (
    <div className="job" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)} aria-label={job.label}>
      <span className="job-label">{job.label}</span>
      <span className="job-phase">{job.progress ? `${job.progress.phase} ${job.progress.done}/${job.progress.total}` : 'starting…'}</span>
      <span className="bar"><span className={fraction === null ? 'bar-fill indeterminate' : 'bar-fill'} style={fraction === null ? undefined : { width: `${(fraction * 100).toFixed(1)}%` }} /></span>
      {job.cancellable ? <button type="button" onClick={() => onCancel(job.callId)}>Cancel</button> : null}
    </div>
  );
}

export function JobBar() {
  const jobs = useWorkbench((s) => s.jobs);
  if (jobs.length === 0) return null;
  return (
    <div className="job-bar">
      {jobs.map((job) => <JobRow key={job.callId} job={job} onCancel={cancelJob} />)}
    </div>
  );
}
