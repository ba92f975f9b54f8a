package factory

import (
	"context"
	"fmt"
	"strings"

	"github.com/lhumina-code/rules_oschema/proc"
)

// logPageSize is the page size Logs and JobLogs ask for.
const logPageSize = 1000

// RunHandle is a run that was started: by RunBuilder.Start, StartService or
// RestartService (or found with HeroProcClient.Run).
type RunHandle struct {
	// ID is the run's id.
	ID string
	// Run is the run as it was returned when it was started (or found);
	// Get, Wait and Cancel return fresh copies.
	Run proc.Run

	c *HeroProcClient
}

func (c *HeroProcClient) handle(run proc.Run) *RunHandle {
	return &RunHandle{ID: run.ID, Run: run, c: c}
}

// Run is a handle on the run id.
func (c *HeroProcClient) Run(id string) *RunHandle {
	return &RunHandle{ID: id, c: c}
}

// StartService wants the service name started: the services it depends on
// start, then a run of its actions (a run tied to the service). A running
// service's current run is returned as is.
func (c *HeroProcClient) StartService(ctx context.Context, name string) (*RunHandle, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	run, err := c.Services().Start(ctx, name)
	if err != nil {
		return nil, err
	}
	return c.handle(run), nil
}

// StopService wants the service name stopped and returns once its jobs
// have stopped.
func (c *HeroProcClient) StopService(ctx context.Context, name string) (proc.ServiceStatus, error) {
	if err := c.check(); err != nil {
		return proc.ServiceStatus{}, err
	}
	return c.Services().Stop(ctx, name)
}

// RestartOption configures RestartService.
type RestartOption func(*restartConfig)

type restartConfig struct{ keepJobs bool }

// KeepJobs makes RestartService keep the old run's jobs (and so their
// logs) instead of deleting them.
func KeepJobs() RestartOption {
	return func(c *restartConfig) { c.keepJobs = true }
}

// RestartService stops the service's current run, deletes its jobs (unless
// KeepJobs) and starts a new run, which it returns.
func (c *HeroProcClient) RestartService(ctx context.Context, name string, opts ...RestartOption) (*RunHandle, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	var cfg restartConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	run, err := c.Services().Restart(ctx, name, cfg.keepJobs)
	if err != nil {
		return nil, err
	}
	return c.handle(run), nil
}

// JobLogs returns every log line of the job id so far, oldest first,
// paging with the cursor.
func (c *HeroProcClient) JobLogs(ctx context.Context, id string) ([]proc.LogEntry, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	return allPages(func(after int64) (proc.LogPage, error) {
		return c.Jobs().Logs(ctx, id, after, logPageSize)
	})
}

func (h *RunHandle) check() error {
	if h == nil {
		return errNoClient
	}
	return h.c.check()
}

// Get returns the run with its jobs.
func (h *RunHandle) Get(ctx context.Context) (proc.Run, error) {
	if err := h.check(); err != nil {
		return proc.Run{}, err
	}
	return h.c.Runs().Get(ctx, h.ID)
}

// Wait returns the run once it has finished, or the error of ctx ending
// first. A failed run is not an error; see RunError.
func (h *RunHandle) Wait(ctx context.Context) (proc.Run, error) {
	if err := h.check(); err != nil {
		return proc.Run{}, err
	}
	return h.c.Runs().Wait(ctx, h.ID)
}

// Status returns the run's phase and job counts.
func (h *RunHandle) Status(ctx context.Context) (proc.RunStatus, error) {
	if err := h.check(); err != nil {
		return proc.RunStatus{}, err
	}
	return h.c.Runs().Status(ctx, h.ID)
}

// Cancel stops the run's jobs and marks those not started cancelled.
func (h *RunHandle) Cancel(ctx context.Context) (proc.Run, error) {
	if err := h.check(); err != nil {
		return proc.Run{}, err
	}
	return h.c.Runs().Cancel(ctx, h.ID)
}

// Logs returns every log line of the run so far, oldest first, paging with
// the cursor.
func (h *RunHandle) Logs(ctx context.Context) ([]proc.LogEntry, error) {
	if err := h.check(); err != nil {
		return nil, err
	}
	return allPages(func(after int64) (proc.LogPage, error) {
		return h.c.Runs().Logs(ctx, h.ID, after, logPageSize)
	})
}

// Follow follows the run's log lines from its first until the run has
// finished and every line was delivered (Next returns false), ctx ends or
// the follower is closed.
func (h *RunHandle) Follow(ctx context.Context) *Follower {
	if err := h.check(); err != nil {
		return &Follower{err: err}
	}
	return &Follower{Follower: h.c.Logs().Follow(ctx, proc.LogFilter{RunID: h.ID})}
}

// Follower is a *proc.Follower (Next, Entry, Cursor, Err, Close) that can
// also carry the error of a handle that had no client.
type Follower struct {
	*proc.Follower
	err error
}

// Next waits for the next line and reports whether there is one; see
// proc.Follower.Next.
func (f *Follower) Next() bool {
	if f.Follower == nil {
		return false
	}
	return f.Follower.Next()
}

// Entry is the line the last Next returned true for.
func (f *Follower) Entry() proc.LogEntry {
	if f.Follower == nil {
		return proc.LogEntry{}
	}
	return f.Follower.Entry()
}

// Cursor is the logid of the last line delivered.
func (f *Follower) Cursor() int64 {
	if f.Follower == nil {
		return 0
	}
	return f.Follower.Cursor()
}

// Err is why Next returned false; see proc.Follower.Err.
func (f *Follower) Err() error {
	if f.Follower == nil {
		return f.err
	}
	return f.Follower.Err()
}

// Close stops the follower.
func (f *Follower) Close() error {
	if f.Follower == nil {
		return nil
	}
	return f.Follower.Close()
}

// RunError is nil for a run that succeeded, and otherwise says how it
// ended and which jobs did not succeed, with their errors or exit codes.
func RunError(run proc.Run) error {
	if run.Phase == proc.RunPhaseSuccess {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "run %q (%s) %s", run.Name, run.ID, run.Phase)
	if run.Error != nil && *run.Error != "" {
		fmt.Fprintf(&b, ": %s", *run.Error)
	}
	for _, j := range run.Jobs {
		if j.Phase == proc.JobPhaseSuccess {
			continue
		}
		fmt.Fprintf(&b, "\n  %s: %s", j.Action, j.Phase)
		if j.ExitCode != nil {
			fmt.Fprintf(&b, ", exit code %d", *j.ExitCode)
		}
		if j.Signal != nil {
			fmt.Fprintf(&b, ", signal %s", *j.Signal)
		}
		if j.Error != nil && *j.Error != "" {
			fmt.Fprintf(&b, ": %s", *j.Error)
		}
	}
	return fmt.Errorf("%s", b.String())
}

// allPages calls page from cursor 0 until a page comes back empty (or its
// cursor stops moving) and returns every entry.
func allPages(page func(after int64) (proc.LogPage, error)) ([]proc.LogEntry, error) {
	var out []proc.LogEntry
	var after int64
	for {
		p, err := page(after)
		if err != nil {
			return out, err
		}
		out = append(out, p.Entries...)
		if len(p.Entries) == 0 || p.Next <= after {
			return out, nil
		}
		after = p.Next
	}
}
