package proc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/proc"
	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

// fakeEpoch is the fake daemon's clock: every time it reports is this one,
// plus a second per log line, so that examples print the same every run.
var fakeEpoch = time.Date(2026, 4, 5, 8, 0, 0, 0, time.UTC)

// fake is an in-memory hero_proc daemon implementing heroproc.Server. Its
// state lives outside the HTTP servers serving it, so a test can stop a
// server and start another on the same socket with the same store (a
// daemon restart). Ad-hoc runs "execute" their actions after runDelay:
// a script "echo WORDS" writes WORDS to stdout, "exit N" with N > 0 fails;
// service runs keep running until stopped.
type fake struct {
	mu       sync.Mutex
	services map[string]*heroproc.ServiceStatus
	runs     map[string]*heroproc.Run
	runOrder []string
	secrets  map[string]heroproc.Secret
	logs     []heroproc.LogEntry
	changed  chan struct{} // closed and replaced on every change
	nextID   int
	calls    map[string]int
	waitMs   []uint64 // the timeout_ms of every run_wait

	// runDelay is how long an ad-hoc run takes; negative: runs finish only
	// through finish.
	runDelay time.Duration
	// maxWait caps the long-polls of run_wait and logs_follow (0: none).
	maxWait time.Duration
	// block makes every call wait for ctx to end (deadline tests).
	block bool
	// fail, if not nil, is every call's error.
	fail error
}

func (f *fake) setFail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = err
}

func newFake() *fake {
	return &fake{
		services: map[string]*heroproc.ServiceStatus{},
		runs:     map[string]*heroproc.Run{},
		secrets:  map[string]heroproc.Secret{},
		changed:  make(chan struct{}),
		calls:    map[string]int{},
		runDelay: 10 * time.Millisecond,
	}
}

var _ heroproc.Server = (*fake)(nil)

// hit counts a call of method and locks the fake; the caller unlocks.
func (f *fake) hit(ctx context.Context, method string) error {
	f.mu.Lock()
	f.calls[method]++
	block, fail := f.block, f.fail
	f.mu.Unlock()
	if fail != nil {
		return fail
	}
	if block {
		<-ctx.Done()
		return ctx.Err()
	}
	f.mu.Lock()
	return nil
}

func (f *fake) count(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

// notifyLocked wakes every long-poll.
func (f *fake) notifyLocked() {
	close(f.changed)
	f.changed = make(chan struct{})
}

func (f *fake) id(prefix string) string {
	f.nextID++
	return fmt.Sprintf("%s-%d", prefix, f.nextID)
}

func notFound(what, name string) error {
	return heroproc.ErrNotFound.WithMessage(fmt.Sprintf("no %s %q", what, name))
}

func strp(s string) *string { return &s }

// cloneRun copies a run for a reply, which is encoded after the lock is
// released.
func cloneRun(r *heroproc.Run) heroproc.Run {
	c := *r
	c.Jobs = append([]heroproc.Job{}, r.Jobs...)
	return c
}

func cloneStatus(st *heroproc.ServiceStatus) heroproc.ServiceStatus {
	c := *st
	c.Jobs = append([]heroproc.Job{}, st.Jobs...)
	return c
}

// --- services

func (f *fake) ServicePut(ctx context.Context, in heroproc.ServicePutInput) (heroproc.ServiceStatus, error) {
	if err := f.hit(ctx, heroproc.MethodServicePut); err != nil {
		return heroproc.ServiceStatus{}, err
	}
	defer f.mu.Unlock()
	if in.Spec.Name == "" || len(in.Spec.Actions) == 0 {
		return heroproc.ServiceStatus{}, heroproc.ErrInvalidSpec.WithData([]string{"a service needs a name and an action"})
	}
	st, ok := f.services[in.Spec.Name]
	if !ok {
		st = &heroproc.ServiceStatus{Name: in.Spec.Name, Wanted: heroproc.WantedStateStop, State: heroproc.ServiceStateInactive}
		f.services[in.Spec.Name] = st
	}
	st.Spec = in.Spec
	if in.Spec.Wanted != nil {
		st.Wanted = *in.Spec.Wanted
	}
	return cloneStatus(st), nil
}

func (f *fake) ServiceGet(ctx context.Context, in heroproc.ServiceGetInput) (heroproc.ServiceSpec, error) {
	if err := f.hit(ctx, heroproc.MethodServiceGet); err != nil {
		return heroproc.ServiceSpec{}, err
	}
	defer f.mu.Unlock()
	st, ok := f.services[in.Name]
	if !ok {
		return heroproc.ServiceSpec{}, notFound("service", in.Name)
	}
	return st.Spec, nil
}

func (f *fake) ServiceList(ctx context.Context) ([]heroproc.ServiceStatus, error) {
	if err := f.hit(ctx, heroproc.MethodServiceList); err != nil {
		return nil, err
	}
	defer f.mu.Unlock()
	out := []heroproc.ServiceStatus{}
	for _, st := range f.services {
		out = append(out, cloneStatus(st))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (f *fake) ServiceDelete(ctx context.Context, in heroproc.ServiceDeleteInput) error {
	if err := f.hit(ctx, heroproc.MethodServiceDelete); err != nil {
		return err
	}
	defer f.mu.Unlock()
	if _, ok := f.services[in.Name]; !ok {
		return notFound("service", in.Name)
	}
	for _, st := range f.services {
		for _, d := range st.Spec.DependsOn {
			if d == in.Name {
				return heroproc.ErrConflict.WithMessage(fmt.Sprintf("service %q depends on %q", st.Name, in.Name))
			}
		}
	}
	delete(f.services, in.Name)
	return nil
}

func (f *fake) ServiceStart(ctx context.Context, in heroproc.ServiceStartInput) (heroproc.Run, error) {
	if err := f.hit(ctx, heroproc.MethodServiceStart); err != nil {
		return heroproc.Run{}, err
	}
	defer f.mu.Unlock()
	st, ok := f.services[in.Name]
	if !ok {
		return heroproc.Run{}, notFound("service", in.Name)
	}
	if st.RunID != nil && !runDone(f.runs[*st.RunID].Phase) {
		return cloneRun(f.runs[*st.RunID]), nil
	}
	return f.startServiceLocked(st), nil
}

func (f *fake) startServiceLocked(st *heroproc.ServiceStatus) heroproc.Run {
	ctxName := "default"
	if st.Spec.Context != nil {
		ctxName = *st.Spec.Context
	}
	run := f.newRunLocked(st.Name, st.Spec.Actions, ctxName)
	run.Service = strp(st.Name)
	st.RunID = strp(run.ID)
	st.Wanted = heroproc.WantedStateStart
	st.State = heroproc.ServiceStateRunning
	st.Jobs = cloneRun(run).Jobs
	return cloneRun(run)
}

func (f *fake) ServiceStop(ctx context.Context, in heroproc.ServiceStopInput) (heroproc.ServiceStatus, error) {
	if err := f.hit(ctx, heroproc.MethodServiceStop); err != nil {
		return heroproc.ServiceStatus{}, err
	}
	defer f.mu.Unlock()
	st, ok := f.services[in.Name]
	if !ok {
		return heroproc.ServiceStatus{}, notFound("service", in.Name)
	}
	st.Wanted = heroproc.WantedStateStop
	st.State = heroproc.ServiceStateExited
	if st.RunID != nil {
		run := f.runs[*st.RunID]
		f.endRunLocked(run, heroproc.RunPhaseCancelled, heroproc.JobPhaseExited)
		st.Jobs = cloneRun(run).Jobs
	}
	return cloneStatus(st), nil
}

func (f *fake) ServiceRestart(ctx context.Context, in heroproc.ServiceRestartInput) (heroproc.Run, error) {
	if err := f.hit(ctx, heroproc.MethodServiceRestart); err != nil {
		return heroproc.Run{}, err
	}
	defer f.mu.Unlock()
	st, ok := f.services[in.Name]
	if !ok {
		return heroproc.Run{}, notFound("service", in.Name)
	}
	if st.RunID != nil {
		old := f.runs[*st.RunID]
		f.endRunLocked(old, heroproc.RunPhaseCancelled, heroproc.JobPhaseExited)
		if in.KeepJobs == nil || !*in.KeepJobs {
			old.Jobs = []heroproc.Job{}
		}
	}
	return f.startServiceLocked(st), nil
}

func (f *fake) ServiceStatus(ctx context.Context, in heroproc.ServiceStatusInput) (heroproc.ServiceStatus, error) {
	if err := f.hit(ctx, heroproc.MethodServiceStatus); err != nil {
		return heroproc.ServiceStatus{}, err
	}
	defer f.mu.Unlock()
	st, ok := f.services[in.Name]
	if !ok {
		return heroproc.ServiceStatus{}, notFound("service", in.Name)
	}
	return cloneStatus(st), nil
}

// --- runs

func runDone(p heroproc.RunPhase) bool {
	return p == heroproc.RunPhaseSuccess || p == heroproc.RunPhaseFailed || p == heroproc.RunPhaseCancelled
}

func (f *fake) newRunLocked(name string, actions []heroproc.ActionSpec, ctxName string) *heroproc.Run {
	run := &heroproc.Run{ID: f.id("run"), Name: name, Context: ctxName, Phase: heroproc.RunPhaseRunning, CreatedAt: fakeEpoch, Jobs: []heroproc.Job{}}
	for _, a := range actions {
		run.Jobs = append(run.Jobs, heroproc.Job{
			ID: f.id("job"), RunID: run.ID, Action: name + "." + a.Name, Spec: a,
			Phase: heroproc.JobPhaseRunning, Attempt: 1, CreatedAt: fakeEpoch, StartedAt: &fakeEpoch,
		})
	}
	f.runs[run.ID] = run
	f.runOrder = append(f.runOrder, run.ID)
	f.notifyLocked()
	return run
}

// endRunLocked ends a run that has not ended: its running jobs in phase jp.
func (f *fake) endRunLocked(run *heroproc.Run, p heroproc.RunPhase, jp heroproc.JobPhase) {
	if runDone(run.Phase) {
		return
	}
	run.Phase = p
	run.FinishedAt = &fakeEpoch
	for i := range run.Jobs {
		if run.Jobs[i].Phase == heroproc.JobPhaseRunning {
			run.Jobs[i].Phase = jp
			run.Jobs[i].FinishedAt = &fakeEpoch
		}
	}
	f.notifyLocked()
}

// execute runs an ad-hoc run's actions in order.
func (f *fake) execute(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	run := f.runs[id]
	if runDone(run.Phase) {
		return
	}
	phase := heroproc.RunPhaseSuccess
	for i := range run.Jobs {
		j := &run.Jobs[i]
		if phase == heroproc.RunPhaseFailed {
			j.Phase = heroproc.JobPhaseSkipped
			continue
		}
		script := ""
		if j.Spec.Script != nil {
			script = *j.Spec.Script
		}
		var code int32
		switch {
		case strings.HasPrefix(script, "echo "):
			f.appendLocked(run, j, heroproc.LogStreamStdout, strings.TrimPrefix(script, "echo "))
		case strings.HasPrefix(script, "exit "):
			fmt.Sscanf(strings.TrimPrefix(script, "exit "), "%d", &code)
		}
		j.ExitCode = &code
		j.FinishedAt = &fakeEpoch
		j.Phase = heroproc.JobPhaseSuccess
		if code != 0 {
			j.Phase = heroproc.JobPhaseFailed
			j.Error = strp(fmt.Sprintf("exit status %d", code))
			phase = heroproc.RunPhaseFailed
			run.Error = strp(fmt.Sprintf("job %s failed", j.Action))
		}
	}
	run.Phase = phase
	run.FinishedAt = &fakeEpoch
	f.notifyLocked()
}

// appendLocked writes a log line of job j of run.
func (f *fake) appendLocked(run *heroproc.Run, j *heroproc.Job, stream heroproc.LogStream, content string) heroproc.LogEntry {
	seq := int64(1)
	for _, e := range f.logs {
		if e.JobID == j.ID {
			seq++
		}
	}
	logid := int64(len(f.logs) + 1)
	e := heroproc.LogEntry{
		Logid: logid, RunID: run.ID, JobID: j.ID, Service: run.Service, Src: j.Action,
		Stream: stream, Seq: seq, Time: fakeEpoch.Add(time.Duration(logid) * time.Second),
		Level: heroproc.LogLevelInfo, Content: content,
	}
	if stream == heroproc.LogStreamStderr {
		e.Level = heroproc.LogLevelError
	}
	f.logs = append(f.logs, e)
	f.notifyLocked()
	return e
}

// log writes a line to the first job of run id (tests).
func (f *fake) log(id, content string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	run := f.runs[id]
	f.appendLocked(run, &run.Jobs[0], heroproc.LogStreamStdout, content)
}

// finish ends run id successfully (tests).
func (f *fake) finish(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.endRunLocked(f.runs[id], heroproc.RunPhaseSuccess, heroproc.JobPhaseSuccess)
}

func (f *fake) RunStart(ctx context.Context, in heroproc.RunStartInput) (heroproc.Run, error) {
	if err := f.hit(ctx, heroproc.MethodRunStart); err != nil {
		return heroproc.Run{}, err
	}
	defer f.mu.Unlock()
	if len(in.Actions) == 0 {
		return heroproc.Run{}, heroproc.ErrInvalidSpec.WithData([]string{"a run needs an action"})
	}
	seen := map[string]bool{}
	for _, a := range in.Actions {
		if seen[a.Name] {
			return heroproc.Run{}, heroproc.ErrInvalidSpec.WithData([]string{fmt.Sprintf("duplicate action %q", a.Name)})
		}
		seen[a.Name] = true
	}
	ctxName := "default"
	if in.Context != nil {
		ctxName = *in.Context
	}
	run := f.newRunLocked(in.Name, in.Actions, ctxName)
	if f.runDelay >= 0 {
		id := run.ID
		time.AfterFunc(f.runDelay, func() { f.execute(id) })
	}
	return cloneRun(run), nil
}

func (f *fake) RunGet(ctx context.Context, in heroproc.RunGetInput) (heroproc.Run, error) {
	if err := f.hit(ctx, heroproc.MethodRunGet); err != nil {
		return heroproc.Run{}, err
	}
	defer f.mu.Unlock()
	run, ok := f.runs[in.ID]
	if !ok {
		return heroproc.Run{}, notFound("run", in.ID)
	}
	return cloneRun(run), nil
}

func (f *fake) RunList(ctx context.Context, in heroproc.RunListInput) ([]heroproc.Run, error) {
	if err := f.hit(ctx, heroproc.MethodRunList); err != nil {
		return nil, err
	}
	defer f.mu.Unlock()
	out := []heroproc.Run{}
	for i := len(f.runOrder) - 1; i >= 0; i-- {
		run := f.runs[f.runOrder[i]]
		if in.Service != nil && (run.Service == nil || *run.Service != *in.Service) {
			continue
		}
		if in.Phase != nil && run.Phase != *in.Phase {
			continue
		}
		if in.Limit != nil && uint32(len(out)) >= *in.Limit {
			break
		}
		out = append(out, cloneRun(run))
	}
	return out, nil
}

func (f *fake) RunStatus(ctx context.Context, in heroproc.RunStatusInput) (heroproc.RunStatus, error) {
	if err := f.hit(ctx, heroproc.MethodRunStatus); err != nil {
		return heroproc.RunStatus{}, err
	}
	defer f.mu.Unlock()
	run, ok := f.runs[in.ID]
	if !ok {
		return heroproc.RunStatus{}, notFound("run", in.ID)
	}
	st := heroproc.RunStatus{ID: run.ID, Phase: run.Phase, Jobs: uint32(len(run.Jobs)), Error: run.Error}
	for _, j := range run.Jobs {
		switch j.Phase {
		case heroproc.JobPhaseRunning:
			st.Running++
		case heroproc.JobPhaseSuccess:
			st.Succeeded++
		case heroproc.JobPhaseFailed, heroproc.JobPhaseSkipped:
			st.Failed++
		}
	}
	return st, nil
}

// waitFor waits until cond (called locked) holds, at most d, or ctx ends.
// It is called and returns with f.mu held.
func (f *fake) waitFor(ctx context.Context, d time.Duration, cond func() bool) {
	if f.maxWait > 0 && d > f.maxWait {
		d = f.maxWait
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	for !cond() {
		ch := f.changed
		f.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			f.mu.Lock()
			return
		case <-ctx.Done():
			f.mu.Lock()
			return
		}
		f.mu.Lock()
	}
}

func (f *fake) RunWait(ctx context.Context, in heroproc.RunWaitInput) (heroproc.Run, error) {
	if err := f.hit(ctx, heroproc.MethodRunWait); err != nil {
		return heroproc.Run{}, err
	}
	defer f.mu.Unlock()
	run, ok := f.runs[in.ID]
	if !ok {
		return heroproc.Run{}, notFound("run", in.ID)
	}
	ms := uint64(30000)
	if in.TimeoutMs != nil {
		ms = *in.TimeoutMs
	}
	f.waitMs = append(f.waitMs, ms)
	f.waitFor(ctx, time.Duration(ms)*time.Millisecond, func() bool { return runDone(run.Phase) })
	return cloneRun(run), nil
}

func (f *fake) RunCancel(ctx context.Context, in heroproc.RunCancelInput) (heroproc.Run, error) {
	if err := f.hit(ctx, heroproc.MethodRunCancel); err != nil {
		return heroproc.Run{}, err
	}
	defer f.mu.Unlock()
	run, ok := f.runs[in.ID]
	if !ok {
		return heroproc.Run{}, notFound("run", in.ID)
	}
	f.endRunLocked(run, heroproc.RunPhaseCancelled, heroproc.JobPhaseExited)
	return cloneRun(run), nil
}

func (f *fake) RunLogs(ctx context.Context, in heroproc.RunLogsInput) (heroproc.LogPage, error) {
	if err := f.hit(ctx, heroproc.MethodRunLogs); err != nil {
		return heroproc.LogPage{}, err
	}
	defer f.mu.Unlock()
	if _, ok := f.runs[in.ID]; !ok {
		return heroproc.LogPage{}, notFound("run", in.ID)
	}
	return f.queryLocked(logQuery{runID: &in.ID, after: in.After, limit: in.Limit}), nil
}

// --- jobs

func (f *fake) jobLocked(id string) (*heroproc.Run, *heroproc.Job) {
	for _, run := range f.runs {
		for i := range run.Jobs {
			if run.Jobs[i].ID == id {
				return run, &run.Jobs[i]
			}
		}
	}
	return nil, nil
}

func (f *fake) JobGet(ctx context.Context, in heroproc.JobGetInput) (heroproc.Job, error) {
	if err := f.hit(ctx, heroproc.MethodJobGet); err != nil {
		return heroproc.Job{}, err
	}
	defer f.mu.Unlock()
	_, j := f.jobLocked(in.ID)
	if j == nil {
		return heroproc.Job{}, notFound("job", in.ID)
	}
	return *j, nil
}

func (f *fake) JobList(ctx context.Context, in heroproc.JobListInput) ([]heroproc.Job, error) {
	if err := f.hit(ctx, heroproc.MethodJobList); err != nil {
		return nil, err
	}
	defer f.mu.Unlock()
	out := []heroproc.Job{}
	for i := len(f.runOrder) - 1; i >= 0; i-- {
		run := f.runs[f.runOrder[i]]
		if in.RunID != nil && run.ID != *in.RunID {
			continue
		}
		if in.Service != nil && (run.Service == nil || *run.Service != *in.Service) {
			continue
		}
		for _, j := range run.Jobs {
			if in.Phase != nil && j.Phase != *in.Phase {
				continue
			}
			if in.Limit != nil && uint32(len(out)) >= *in.Limit {
				return out, nil
			}
			out = append(out, j)
		}
	}
	return out, nil
}

func (f *fake) JobStop(ctx context.Context, in heroproc.JobStopInput) (heroproc.Job, error) {
	if err := f.hit(ctx, heroproc.MethodJobStop); err != nil {
		return heroproc.Job{}, err
	}
	defer f.mu.Unlock()
	_, j := f.jobLocked(in.ID)
	if j == nil {
		return heroproc.Job{}, notFound("job", in.ID)
	}
	if j.Phase == heroproc.JobPhaseRunning {
		j.Phase = heroproc.JobPhaseExited
		j.Signal = strp("SIGTERM")
		j.FinishedAt = &fakeEpoch
	}
	f.notifyLocked()
	return *j, nil
}

func (f *fake) JobLogs(ctx context.Context, in heroproc.JobLogsInput) (heroproc.LogPage, error) {
	if err := f.hit(ctx, heroproc.MethodJobLogs); err != nil {
		return heroproc.LogPage{}, err
	}
	defer f.mu.Unlock()
	if _, j := f.jobLocked(in.ID); j == nil {
		return heroproc.LogPage{}, notFound("job", in.ID)
	}
	return f.queryLocked(logQuery{jobID: &in.ID, after: in.After, limit: in.Limit}), nil
}

// --- logs

type logQuery struct {
	service, runID, jobID *string
	stream                *heroproc.LogStream
	level                 *heroproc.LogLevel
	since, until          *time.Time
	after                 *int64
	limit                 *uint32
}

var levelRank = map[heroproc.LogLevel]int{heroproc.LogLevelDebug: 0, heroproc.LogLevelInfo: 1, heroproc.LogLevelWarn: 2, heroproc.LogLevelError: 3}

func (q logQuery) match(e heroproc.LogEntry) bool {
	switch {
	case q.service != nil && (e.Service == nil || *e.Service != *q.service),
		q.runID != nil && e.RunID != *q.runID,
		q.jobID != nil && e.JobID != *q.jobID,
		q.stream != nil && e.Stream != *q.stream,
		q.level != nil && levelRank[e.Level] < levelRank[*q.level],
		q.since != nil && e.Time.Before(*q.since),
		q.until != nil && e.Time.After(*q.until):
		return false
	}
	return true
}

// queryLocked returns the page q selects; Done when following a finished
// run or job and no line is left after the page.
func (f *fake) queryLocked(q logQuery) heroproc.LogPage {
	after := int64(0)
	if q.after != nil {
		after = *q.after
	}
	limit := 1000
	if q.limit != nil {
		limit = int(*q.limit)
	}
	page := heroproc.LogPage{Entries: []heroproc.LogEntry{}, Next: after}
	more := false
	for _, e := range f.logs {
		if e.Logid <= after || !q.match(e) {
			continue
		}
		if len(page.Entries) == limit {
			more = true
			break
		}
		page.Entries = append(page.Entries, e)
		page.Next = e.Logid
	}
	if !more {
		switch {
		case q.runID != nil:
			page.Done = f.runs[*q.runID] != nil && runDone(f.runs[*q.runID].Phase)
		case q.jobID != nil:
			if run, _ := f.jobLocked(*q.jobID); run != nil {
				page.Done = runDone(run.Phase)
			}
		}
	}
	return page
}

func (f *fake) LogsQuery(ctx context.Context, in heroproc.LogsQueryInput) (heroproc.LogPage, error) {
	if err := f.hit(ctx, heroproc.MethodLogsQuery); err != nil {
		return heroproc.LogPage{}, err
	}
	defer f.mu.Unlock()
	return f.queryLocked(logQuery{in.Service, in.RunID, in.JobID, in.Stream, in.Level, in.Since, in.Until, in.After, in.Limit}), nil
}

func (f *fake) LogsFollow(ctx context.Context, in heroproc.LogsFollowInput) (heroproc.LogPage, error) {
	if err := f.hit(ctx, heroproc.MethodLogsFollow); err != nil {
		return heroproc.LogPage{}, err
	}
	defer f.mu.Unlock()
	if in.RunID != nil && f.runs[*in.RunID] == nil {
		return heroproc.LogPage{}, notFound("run", *in.RunID)
	}
	q := logQuery{service: in.Service, runID: in.RunID, jobID: in.JobID, stream: in.Stream, level: in.Level, after: in.After, limit: in.Limit}
	ms := uint64(10000)
	if in.WaitMs != nil {
		ms = *in.WaitMs
	}
	var page heroproc.LogPage
	f.waitFor(ctx, time.Duration(ms)*time.Millisecond, func() bool {
		page = f.queryLocked(q)
		return len(page.Entries) > 0 || page.Done
	})
	return f.queryLocked(q), nil
}

// --- secrets

func (f *fake) SecretSet(ctx context.Context, in heroproc.SecretSetInput) (heroproc.SecretInfo, error) {
	if err := f.hit(ctx, heroproc.MethodSecretSet); err != nil {
		return heroproc.SecretInfo{}, err
	}
	defer f.mu.Unlock()
	if in.Context == "" || in.Key == "" {
		return heroproc.SecretInfo{}, heroproc.ErrInvalidSpec.WithMessage("a secret needs a context and a key")
	}
	f.secrets[in.Context+"/"+in.Key] = heroproc.Secret{Context: in.Context, Key: in.Key, Value: in.Value, UpdatedAt: fakeEpoch}
	return heroproc.SecretInfo{Context: in.Context, Key: in.Key, UpdatedAt: fakeEpoch}, nil
}

func (f *fake) SecretGet(ctx context.Context, in heroproc.SecretGetInput) (heroproc.Secret, error) {
	if err := f.hit(ctx, heroproc.MethodSecretGet); err != nil {
		return heroproc.Secret{}, err
	}
	defer f.mu.Unlock()
	s, ok := f.secrets[in.Context+"/"+in.Key]
	if !ok {
		return heroproc.Secret{}, notFound("secret", in.Context+"/"+in.Key)
	}
	return s, nil
}

func (f *fake) SecretList(ctx context.Context, in heroproc.SecretListInput) ([]heroproc.SecretInfo, error) {
	if err := f.hit(ctx, heroproc.MethodSecretList); err != nil {
		return nil, err
	}
	defer f.mu.Unlock()
	out := []heroproc.SecretInfo{}
	for _, s := range f.secrets {
		if in.Context == nil || *in.Context == s.Context {
			out = append(out, heroproc.SecretInfo{Context: s.Context, Key: s.Key, UpdatedAt: s.UpdatedAt})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Context != out[j].Context {
			return out[i].Context < out[j].Context
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

func (f *fake) SecretDelete(ctx context.Context, in heroproc.SecretDeleteInput) error {
	if err := f.hit(ctx, heroproc.MethodSecretDelete); err != nil {
		return err
	}
	defer f.mu.Unlock()
	k := in.Context + "/" + in.Key
	if _, ok := f.secrets[k]; !ok {
		return notFound("secret", k)
	}
	delete(f.secrets, k)
	return nil
}

// --- system

func (f *fake) SystemVersion(ctx context.Context) (heroproc.VersionInfo, error) {
	if err := f.hit(ctx, heroproc.MethodSystemVersion); err != nil {
		return heroproc.VersionInfo{}, err
	}
	defer f.mu.Unlock()
	return heroproc.VersionInfo{Version: "fake-1.0", APIVersion: heroproc.ServiceVersion, Pid: 4242, StartedAt: fakeEpoch, Socket: "fake.sock", DataDir: "/nonexistent"}, nil
}

func (f *fake) SystemHealth(ctx context.Context) (heroproc.Health, error) {
	if err := f.hit(ctx, heroproc.MethodSystemHealth); err != nil {
		return heroproc.Health{}, err
	}
	defer f.mu.Unlock()
	running := uint32(0)
	for _, run := range f.runs {
		for _, j := range run.Jobs {
			if j.Phase == heroproc.JobPhaseRunning {
				running++
			}
		}
	}
	return heroproc.Health{Ok: true, StoreOk: true, UptimeSecs: 1, Services: uint32(len(f.services)), RunningJobs: running}, nil
}

func (f *fake) SystemShutdown(ctx context.Context, in heroproc.SystemShutdownInput) error {
	if err := f.hit(ctx, heroproc.MethodSystemShutdown); err != nil {
		return err
	}
	defer f.mu.Unlock()
	if in.Detach == nil || !*in.Detach {
		for _, run := range f.runs {
			f.endRunLocked(run, heroproc.RunPhaseCancelled, heroproc.JobPhaseExited)
		}
	}
	return nil
}

// --- serving

// server is an HTTP server of a handler on a Unix socket.
type server struct {
	path string
	srv  *http.Server
	done chan error
	once sync.Once
}

// serveUnix serves h on the Unix socket at path (replacing a stale one).
func serveUnix(path string, h http.Handler) (*server, error) {
	l, err := heroproc.ListenUnix(path)
	if err != nil {
		return nil, err
	}
	s := &server{path: path, srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}, done: make(chan error, 1)}
	go func() { s.done <- s.srv.Serve(l) }()
	return s, nil
}

// Close stops the server abruptly, as a daemon that dies: its listener and
// every connection are closed (the socket file goes with the listener).
// Closing again does nothing.
func (s *server) Close() {
	s.once.Do(func() {
		_ = s.srv.Close()
		<-s.done
	})
}

// sockDir returns a new short directory for sockets (a Unix socket's path
// must stay under 108 bytes, which t.TempDir's may not); cleanup removes it.
func sockDir() (dir string, cleanup func(), err error) {
	dir, err = os.MkdirTemp("", "hp")
	if err != nil {
		return "", nil, err
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// quietHandler serves f with the handler's error log discarded.
func quietHandler(f heroproc.Server) http.Handler {
	h := heroproc.NewHandler(f)
	h.ErrorLog = log.New(io.Discard, "", 0)
	return h
}

// env is a fake daemon served on a socket, and an SDK client of it.
type env struct {
	t    testing.TB
	fake *fake
	srv  *server
	path string
	c    *proc.Client
}

// newEnv serves a new fake on a new socket; wrap, if not nil, wraps its
// handler (to break connections, check tokens, ...).
func newEnv(t testing.TB, wrap func(http.Handler) http.Handler, opts ...proc.Option) *env {
	t.Helper()
	dir, cleanup, err := sockDir()
	require.NoError(t, err)
	t.Cleanup(cleanup)
	e := &env{t: t, fake: newFake(), path: filepath.Join(dir, "rpc.sock")}
	e.start(wrap)
	c, err := proc.DialUnix(e.path, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	e.c = c
	return e
}

// start (re)starts serving the fake on the env's socket.
func (e *env) start(wrap func(http.Handler) http.Handler) {
	e.t.Helper()
	h := quietHandler(e.fake)
	if wrap != nil {
		h = wrap(h)
	}
	srv, err := serveUnix(e.path, h)
	require.NoError(e.t, err)
	e.srv = srv
	e.t.Cleanup(srv.Close)
}

// dropReplies wraps a handler: a call of one of methods is executed, then
// its connection is closed without a reply (a daemon crashing mid-call).
func dropReplies(methods ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			var req struct{ Method string }
			_ = json.Unmarshal(body, &req)
			drop := false
			for _, m := range methods {
				drop = drop || req.Method == m
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			if !drop {
				next.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(httptest.NewRecorder(), r)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		})
	}
}

// rawServer serves h on a new socket and returns a client of it.
func rawServer(t *testing.T, h http.HandlerFunc, opts ...proc.Option) *proc.Client {
	t.Helper()
	dir, cleanup, err := sockDir()
	require.NoError(t, err)
	t.Cleanup(cleanup)
	srv, err := serveUnix(filepath.Join(dir, "raw.sock"), h)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	c, err := proc.DialUnix(srv.path, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}
