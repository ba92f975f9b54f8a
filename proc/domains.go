package proc

import (
	"context"
	"time"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

// Services manages services: reusable run templates, kept by the daemon
// across its restarts.
type Services struct{ api *heroproc.Client }

// Put creates or replaces the service spec.Name. A running service keeps
// its current run until it is restarted.
func (s *Services) Put(ctx context.Context, spec ServiceSpec) (ServiceStatus, error) {
	return s.api.ServicePut(ctx, heroproc.ServicePutInput{Spec: spec})
}

// Get returns the spec of the service name.
func (s *Services) Get(ctx context.Context, name string) (ServiceSpec, error) {
	return s.api.ServiceGet(ctx, heroproc.ServiceGetInput{Name: name})
}

// List returns every service with its state, by name.
func (s *Services) List(ctx context.Context) ([]ServiceStatus, error) {
	return s.api.ServiceList(ctx)
}

// Delete stops the service name (within its grace periods) and forgets it.
func (s *Services) Delete(ctx context.Context, name string) error {
	return s.api.ServiceDelete(ctx, heroproc.ServiceDeleteInput{Name: name})
}

// Start wants the service started: the services it depends on, then a run
// of its actions, which it returns. A running service's current run is
// returned as is.
func (s *Services) Start(ctx context.Context, name string) (Run, error) {
	return s.api.ServiceStart(ctx, heroproc.ServiceStartInput{Name: name})
}

// Stop wants the service stopped and returns once its jobs have stopped.
func (s *Services) Stop(ctx context.Context, name string) (ServiceStatus, error) {
	return s.api.ServiceStop(ctx, heroproc.ServiceStopInput{Name: name})
}

// Restart stops the service's current run, deletes its jobs unless
// keepJobs, and starts a new run, which it returns.
func (s *Services) Restart(ctx context.Context, name string, keepJobs bool) (Run, error) {
	return s.api.ServiceRestart(ctx, heroproc.ServiceRestartInput{Name: name, KeepJobs: &keepJobs})
}

// Status returns the service's state, current run and jobs.
func (s *Services) Status(ctx context.Context, name string) (ServiceStatus, error) {
	return s.api.ServiceStatus(ctx, heroproc.ServiceStatusInput{Name: name})
}

// Runs manages runs: sets of jobs, started from a service or ad hoc.
type Runs struct{ api *heroproc.Client }

// RunFilter selects runs for Runs.List; a zero field selects every run.
type RunFilter struct {
	// Service selects the runs of this service.
	Service string
	// Phase selects the runs in this phase.
	Phase RunPhase
	// Limit is the most runs returned (the daemon's default is 100).
	Limit uint32
}

// Start starts an ad-hoc run called name of actions, which start in
// depends_on order; context is the namespace of the secrets its jobs may
// use ("" is the daemon's default). Nothing starts if the actions are
// invalid (ErrInvalidSpec).
func (r *Runs) Start(ctx context.Context, name string, actions []ActionSpec, context string) (Run, error) {
	return r.api.RunStart(ctx, heroproc.RunStartInput{Name: name, Actions: actions, Context: optString(context)})
}

// Get returns the run id with its jobs.
func (r *Runs) Get(ctx context.Context, id string) (Run, error) {
	return r.api.RunGet(ctx, heroproc.RunGetInput{ID: id})
}

// List returns the runs f selects, newest first.
func (r *Runs) List(ctx context.Context, f RunFilter) ([]Run, error) {
	in := heroproc.RunListInput{Service: optString(f.Service), Limit: optUint32(f.Limit)}
	if f.Phase != "" {
		in.Phase = &f.Phase
	}
	return r.api.RunList(ctx, in)
}

// Status returns the run's phase and job counts.
func (r *Runs) Status(ctx context.Context, id string) (RunStatus, error) {
	return r.api.RunStatus(ctx, heroproc.RunStatusInput{ID: id})
}

// maxWaitPoll is the longest run_wait (and logs_follow) long-poll asked for.
const maxWaitPoll = 60 * time.Second

// minPollGap is the shortest time between two long-polls that came back
// early, so that a daemon that does not wait cannot make a loop spin.
const minPollGap = 50 * time.Millisecond

// pollTimeout returns how long one long-poll may wait: at most max, and
// short enough that the reply can arrive before ctx's deadline.
func pollTimeout(ctx context.Context, max time.Duration) time.Duration {
	d := max
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		left -= left / 10
		if left < d {
			d = left
		}
	}
	if d < time.Millisecond {
		d = time.Millisecond
	}
	return d
}

// sleep waits d or until ctx ends, reporting whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Wait waits until the run id has finished (success, failed or cancelled)
// and returns it. It repeats run_wait long-polls, each as long as ctx's
// deadline allows and at most 60 s, so a Wait is bounded by ctx only. When
// ctx ends first it returns the run as last seen and a Timeout kind error
// (errors.Is(err, ErrTimeout) and context.DeadlineExceeded) for a deadline,
// an error matching context.Canceled for a cancellation. Any other error
// ends the wait at once; Wait is a read, so calling it again is safe.
func (r *Runs) Wait(ctx context.Context, id string) (Run, error) {
	var last Run
	for {
		if err := contextError(heroproc.MethodRunWait, ctx); err != nil {
			return last, err
		}
		poll := pollTimeout(ctx, maxWaitPoll)
		ms := uint64(poll / time.Millisecond)
		start := time.Now()
		run, err := r.api.RunWait(ctx, heroproc.RunWaitInput{ID: id, TimeoutMs: &ms})
		if err != nil {
			return last, err
		}
		last = run
		if runDone(run.Phase) {
			return run, nil
		}
		if gap := minPollGap - time.Since(start); gap > 0 {
			sleep(ctx, gap)
		}
	}
}

// Cancel stops the run's jobs, marks those not started cancelled and
// returns the run.
func (r *Runs) Cancel(ctx context.Context, id string) (Run, error) {
	return r.api.RunCancel(ctx, heroproc.RunCancelInput{ID: id})
}

// Logs returns a page of the run's log lines, oldest first, after the
// cursor after (0: from the start), at most limit (0: the daemon's
// default). Pass the page's Next as after to continue.
func (r *Runs) Logs(ctx context.Context, id string, after int64, limit uint32) (LogPage, error) {
	return r.api.RunLogs(ctx, heroproc.RunLogsInput{ID: id, After: optInt64(after), Limit: optUint32(limit)})
}

// Jobs reads and stops jobs, the executions of actions inside runs.
type Jobs struct{ api *heroproc.Client }

// JobFilter selects jobs for Jobs.List; a zero field selects every job.
type JobFilter struct {
	// RunID selects the jobs of this run.
	RunID string
	// Service selects the jobs of this service's runs.
	Service string
	// Phase selects the jobs in this phase.
	Phase JobPhase
	// Limit is the most jobs returned (the daemon's default is 100).
	Limit uint32
}

// Get returns the job id.
func (j *Jobs) Get(ctx context.Context, id string) (Job, error) {
	return j.api.JobGet(ctx, heroproc.JobGetInput{ID: id})
}

// List returns the jobs f selects, newest first.
func (j *Jobs) List(ctx context.Context, f JobFilter) ([]Job, error) {
	in := heroproc.JobListInput{RunID: optString(f.RunID), Service: optString(f.Service), Limit: optUint32(f.Limit)}
	if f.Phase != "" {
		in.Phase = &f.Phase
	}
	return j.api.JobList(ctx, in)
}

// Stop stops the job (its stop signal, the grace period, then SIGKILL) and
// returns it stopped.
func (j *Jobs) Stop(ctx context.Context, id string) (Job, error) {
	return j.api.JobStop(ctx, heroproc.JobStopInput{ID: id})
}

// Logs returns a page of the job's log lines, oldest first, after the
// cursor after (0: from the start), at most limit (0: the daemon's
// default).
func (j *Jobs) Logs(ctx context.Context, id string, after int64, limit uint32) (LogPage, error) {
	return j.api.JobLogs(ctx, heroproc.JobLogsInput{ID: id, After: optInt64(after), Limit: optUint32(limit)})
}

// Logs queries and follows log lines across services, runs and jobs.
type Logs struct{ api *heroproc.Client }

// LogFilter selects log lines; a zero field selects every line.
type LogFilter struct {
	// Service, RunID and JobID select the lines of a service, run or job.
	Service, RunID, JobID string
	// Stream selects the lines of one stream.
	Stream LogStream
	// Level selects the lines of this level and worse.
	Level LogLevel
	// Since and Until select lines by time, both included. Follow applies
	// them itself (logs_follow has no time filter).
	Since, Until time.Time
	// After is the cursor: the lines after this logid (0: from the start).
	After int64
	// Limit is the most lines in a page (Query's default is 1000).
	Limit uint32
}

// Query returns a page of the lines f selects, oldest first. Pass the
// page's Next as f.After to continue.
func (l *Logs) Query(ctx context.Context, f LogFilter) (LogPage, error) {
	in := heroproc.LogsQueryInput{
		Service: optString(f.Service),
		RunID:   optString(f.RunID),
		JobID:   optString(f.JobID),
		Since:   optTime(f.Since),
		Until:   optTime(f.Until),
		After:   optInt64(f.After),
		Limit:   optUint32(f.Limit),
	}
	if f.Stream != "" {
		in.Stream = &f.Stream
	}
	if f.Level != "" {
		in.Level = &f.Level
	}
	return l.api.LogsQuery(ctx, in)
}

// Secrets stores the secrets jobs receive through secret_env, by context
// (a namespace) and key.
type Secrets struct{ api *heroproc.Client }

// Set stores the secret key of context with value, encrypted at rest.
func (s *Secrets) Set(ctx context.Context, context, key, value string) (SecretInfo, error) {
	return s.api.SecretSet(ctx, heroproc.SecretSetInput{Context: context, Key: key, Value: value})
}

// Get returns the secret key of context with its value.
func (s *Secrets) Get(ctx context.Context, context, key string) (Secret, error) {
	return s.api.SecretGet(ctx, heroproc.SecretGetInput{Context: context, Key: key})
}

// List returns the names of the secrets of context ("" is every context),
// never their values.
func (s *Secrets) List(ctx context.Context, context string) ([]SecretInfo, error) {
	return s.api.SecretList(ctx, heroproc.SecretListInput{Context: optString(context)})
}

// Delete deletes the secret key of context.
func (s *Secrets) Delete(ctx context.Context, context, key string) error {
	return s.api.SecretDelete(ctx, heroproc.SecretDeleteInput{Context: context, Key: key})
}

// System is the daemon itself: its version, health and shutdown.
type System struct{ api *heroproc.Client }

// Version returns the daemon's version and where it serves.
func (s *System) Version(ctx context.Context) (VersionInfo, error) {
	return s.api.SystemVersion(ctx)
}

// Health returns whether the daemon and its store work.
func (s *System) Health(ctx context.Context) (Health, error) {
	return s.api.SystemHealth(ctx)
}

// Shutdown shuts the daemon down: it stops every service, in reverse
// dependency order, then exits; with detach it leaves the jobs running for
// the next daemon to reattach (upgrades). The reply may be lost as the
// daemon exits, so ErrUnavailable after Shutdown is not a failure.
func (s *System) Shutdown(ctx context.Context, detach bool) error {
	return s.api.SystemShutdown(ctx, heroproc.SystemShutdownInput{Detach: &detach})
}
