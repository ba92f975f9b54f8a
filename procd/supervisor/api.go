package supervisor

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
	"github.com/lhumina-code/rules_oschema/procd/store"
)

// The errors returned by the methods below are *heroproc.RPCError values
// (NotFound, InvalidSpec with the problems as data, Conflict, StoreFailed,
// ShuttingDown), so the API layer passes them through unchanged.

func notFound(format string, args ...interface{}) error {
	return heroproc.ErrNotFound.WithMessage(fmt.Sprintf(format, args...))
}

func invalid(probs []string) error {
	return heroproc.ErrInvalidSpec.WithMessage("invalid spec: " + strings.Join(probs, "; ")).WithData(probs)
}

func storeFailed(err error) error {
	return heroproc.ErrStoreFailed.WithMessage("the store could not commit the change: " + err.Error())
}

var errShutting = heroproc.ErrShuttingDown

// PutService validates and stores a service's spec; with spec.Wanted
// set it also starts or stops the service.
func (s *Supervisor) PutService(ctx context.Context, spec heroproc.ServiceSpec) (heroproc.ServiceStatus, error) {
	if probs := validateService(spec); len(probs) > 0 {
		return heroproc.ServiceStatus{}, invalid(probs)
	}
	if spec.Context == nil || *spec.Context == "" {
		spec.Context = ptr("default")
	}
	s.mu.Lock()
	if s.shutting {
		s.mu.Unlock()
		return heroproc.ServiceStatus{}, errShutting
	}
	edges := map[string][]string{spec.Name: spec.DependsOn}
	names := []string{spec.Name}
	for n, sv := range s.services {
		if n != spec.Name {
			edges[n] = sv.spec.DependsOn
			names = append(names, n)
		}
	}
	sort.Strings(names[1:])
	if c := cycle(names, edges); c != "" {
		s.mu.Unlock()
		return heroproc.ServiceStatus{}, invalid([]string{"service dependency cycle: " + c})
	}
	sv := s.services[spec.Name]
	wanted := heroproc.WantedStateStop
	runID := ""
	if sv != nil {
		wanted, runID = sv.wanted, sv.runID
	}
	want := spec.Wanted
	spec.Wanted = nil
	if want != nil {
		wanted = *want
	}
	if err := s.opt.Store.PutService(store.Service{Spec: spec, Wanted: wanted, RunID: runID}); err != nil {
		s.mu.Unlock()
		return heroproc.ServiceStatus{}, storeFailed(err)
	}
	if sv == nil {
		sv = &service{}
		s.services[spec.Name] = sv
	}
	sv.spec, sv.wanted, sv.runID = spec, wanted, runID
	s.notifyLocked()
	s.mu.Unlock()
	if want != nil {
		switch *want {
		case heroproc.WantedStateStart:
			if _, err := s.StartService(ctx, spec.Name); err != nil {
				return heroproc.ServiceStatus{}, err
			}
		case heroproc.WantedStateStop:
			if _, err := s.StopService(ctx, spec.Name); err != nil {
				return heroproc.ServiceStatus{}, err
			}
		}
	}
	return s.ServiceStatus(spec.Name)
}

// GetService returns a service's spec.
func (s *Supervisor) GetService(name string) (heroproc.ServiceSpec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sv := s.services[name]
	if sv == nil {
		return heroproc.ServiceSpec{}, notFound("service %q not found", name)
	}
	spec := sv.spec
	spec.Wanted = ptr(sv.wanted)
	return spec, nil
}

// ListServices returns every service's status, by name.
func (s *Supervisor) ListServices() []heroproc.ServiceStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []heroproc.ServiceStatus{}
	for _, sv := range s.sortedServicesLocked() {
		out = append(out, s.statusLocked(sv))
	}
	return out
}

// ServiceStatus returns one service's status.
func (s *Supervisor) ServiceStatus(name string) (heroproc.ServiceStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sv := s.services[name]
	if sv == nil {
		return heroproc.ServiceStatus{}, notFound("service %q not found", name)
	}
	return s.statusLocked(sv), nil
}

func (s *Supervisor) statusLocked(sv *service) heroproc.ServiceStatus {
	spec := sv.spec
	spec.Wanted = ptr(sv.wanted)
	st := heroproc.ServiceStatus{Name: sv.spec.Name, Spec: spec, Wanted: sv.wanted, State: heroproc.ServiceStateInactive, Jobs: []heroproc.Job{}}
	r := s.runs[sv.runID]
	if r == nil {
		return st
	}
	st.RunID = ptr(r.r.ID)
	var starting, backoff, stopping, failed, stopped, total, terminal int
	for _, id := range r.jobIDs {
		j := s.jobs[id]
		if j == nil {
			continue
		}
		total++
		st.Jobs = append(st.Jobs, j.j)
		if j.j.Attempt > 1 {
			st.Restarts += j.j.Attempt - 1
		}
		switch j.j.Phase {
		case heroproc.JobPhaseCreated, heroproc.JobPhaseWaitingDeps:
			starting++
		case heroproc.JobPhaseRunning:
			if !j.j.Ready {
				starting++
			}
		case heroproc.JobPhaseBackoff:
			backoff++
			if st.Reason == nil {
				st.Reason = j.j.Error
			}
			if j.j.NextAttemptAt != nil && (st.NextAttemptAt == nil || j.j.NextAttemptAt.Before(*st.NextAttemptAt)) {
				st.NextAttemptAt = j.j.NextAttemptAt
			}
		case heroproc.JobPhaseStopping:
			stopping++
		case heroproc.JobPhaseFailed, heroproc.JobPhaseSkipped:
			failed++
			terminal++
			if st.Reason == nil {
				st.Reason = ptr(j.j.Action + ": " + deref(j.j.Error))
			}
		case heroproc.JobPhaseExited, heroproc.JobPhaseCancelled:
			stopped++
			terminal++
		case heroproc.JobPhaseSuccess:
			terminal++
		}
	}
	switch {
	case stopping > 0:
		st.State = heroproc.ServiceStateStopping
	case terminal == total && failed > 0:
		st.State = heroproc.ServiceStateFailed
	case terminal == total && stopped > 0:
		st.State = heroproc.ServiceStateExited
	case terminal == total:
		st.State = heroproc.ServiceStateSuccess
	case backoff > 0:
		st.State = heroproc.ServiceStateBackoff
	case starting > 0:
		st.State = heroproc.ServiceStateStarting
	default:
		st.State = heroproc.ServiceStateRunning
	}
	return st
}

// StartService wants the service started: its dependencies first, then
// a run of its actions (or its current run when it has one).
func (s *Supervisor) StartService(ctx context.Context, name string) (heroproc.Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutting {
		return heroproc.Run{}, errShutting
	}
	r, err := s.startServiceLocked(name, map[string]bool{})
	if err != nil {
		return heroproc.Run{}, err
	}
	return s.runLocked(r), nil
}

func (s *Supervisor) startServiceLocked(name string, visiting map[string]bool) (*run, error) {
	sv := s.services[name]
	if sv == nil {
		return nil, notFound("service %q not found", name)
	}
	if visiting[name] {
		return nil, heroproc.ErrConflict.WithMessage(fmt.Sprintf("service %q is part of a dependency cycle", name))
	}
	visiting[name] = true
	for _, d := range sv.spec.DependsOn {
		if s.services[d] == nil {
			return nil, heroproc.ErrConflict.WithMessage(fmt.Sprintf("service %q depends on service %q, which is not defined", name, d))
		}
		if _, err := s.startServiceLocked(d, visiting); err != nil {
			return nil, err
		}
	}
	if sv.wanted != heroproc.WantedStateStart {
		sv.wanted = heroproc.WantedStateStart
		if err := s.opt.Store.PutService(store.Service{Spec: sv.spec, Wanted: sv.wanted, RunID: sv.runID}); err != nil {
			return nil, storeFailed(err)
		}
	}
	if r := s.runs[sv.runID]; r != nil && !runTerminal(r.r.Phase) {
		return r, nil
	}
	r, err := s.newRunLocked(name, sv.spec.Actions, deref(sv.spec.Context), &name)
	if err != nil {
		return nil, err
	}
	sv.runID = r.r.ID
	if err := s.opt.Store.PutService(store.Service{Spec: sv.spec, Wanted: sv.wanted, RunID: sv.runID}); err != nil {
		return nil, storeFailed(err)
	}
	s.scheduleRunLocked(r)
	return r, nil
}

// newRunLocked creates and stores a run and its jobs (not started yet).
func (s *Supervisor) newRunLocked(name string, actions []heroproc.ActionSpec, ctxName string, service *string) (*run, error) {
	if ctxName == "" {
		ctxName = "default"
	}
	t := now()
	r := &run{r: heroproc.Run{ID: newID("r-"), Name: name, Service: service, Context: ctxName, Phase: heroproc.RunPhaseCreated, CreatedAt: t}}
	var recs []store.JobRecord
	var jobs []*job
	for i, a := range actions {
		j := &job{j: heroproc.Job{ID: newID("j-"), RunID: r.r.ID, Action: name + "." + a.Name, Spec: a, Phase: heroproc.JobPhaseCreated, CreatedAt: t}, idx: i}
		if service != nil {
			j.service = *service
		}
		j.p.NextSeq = 1
		jobs = append(jobs, j)
		recs = append(recs, store.JobRecord{Job: j.j, Index: i, Private: j.p})
	}
	if err := s.opt.Store.PutRun(r.r, recs...); err != nil {
		return nil, storeFailed(err)
	}
	s.runs[r.r.ID] = r
	s.runOrder = append(s.runOrder, r.r.ID)
	for _, j := range jobs {
		s.jobs[j.j.ID] = j
		r.jobIDs = append(r.jobIDs, j.j.ID)
	}
	s.notifyLocked()
	return r, nil
}

// waitLocked waits, with s.mu released, until cond holds or ctx ends.
func (s *Supervisor) waitLocked(ctx context.Context, cond func() bool) error {
	for !cond() {
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
			s.mu.Lock()
		case <-ctx.Done():
			s.mu.Lock()
			return ctx.Err()
		}
	}
	return nil
}

func (s *Supervisor) runDoneLocked(r *run) func() bool {
	return func() bool {
		for _, id := range r.jobIDs {
			if j := s.jobs[id]; j != nil && !jobTerminal(j.j.Phase) {
				return false
			}
		}
		return true
	}
}

// stopRunLocked stops every job of r and waits until they ended.
func (s *Supervisor) stopRunLocked(ctx context.Context, r *run) error {
	r.cancelled = true
	for _, id := range r.jobIDs {
		if j := s.jobs[id]; j != nil && !jobTerminal(j.j.Phase) {
			s.stopJobLocked(j)
		}
	}
	s.scheduleRunLocked(r)
	return s.waitLocked(ctx, s.runDoneLocked(r))
}

// dependentsLocked lists the services that depend on name, directly or
// not, those depending on others first (the order to stop them in).
func (s *Supervisor) dependentsLocked(name string) []string {
	var out []string
	seen := map[string]bool{name: true}
	var visit func(n string)
	visit = func(n string) {
		for _, sv := range s.sortedServicesLocked() {
			for _, d := range sv.spec.DependsOn {
				if d == n && !seen[sv.spec.Name] {
					seen[sv.spec.Name] = true
					visit(sv.spec.Name)
					out = append(out, sv.spec.Name)
				}
			}
		}
	}
	visit(name)
	return out
}

// StopService wants the service (and the services depending on it)
// stopped and returns once their jobs have ended.
func (s *Supervisor) StopService(ctx context.Context, name string) (heroproc.ServiceStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sv := s.services[name]
	if sv == nil {
		return heroproc.ServiceStatus{}, notFound("service %q not found", name)
	}
	for _, n := range append(s.dependentsLocked(name), name) {
		d := s.services[n]
		if d.wanted != heroproc.WantedStateStop {
			d.wanted = heroproc.WantedStateStop
			if err := s.opt.Store.PutService(store.Service{Spec: d.spec, Wanted: d.wanted, RunID: d.runID}); err != nil {
				return heroproc.ServiceStatus{}, storeFailed(err)
			}
		}
		if r := s.runs[d.runID]; r != nil && !runTerminal(r.r.Phase) {
			if err := s.stopRunLocked(ctx, r); err != nil {
				return s.statusLocked(sv), err
			}
		}
	}
	return s.statusLocked(sv), nil
}

// RestartService stops the service's current run, deletes it unless
// keepJobs, and starts a new run.
func (s *Supervisor) RestartService(ctx context.Context, name string, keepJobs bool) (heroproc.Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutting {
		return heroproc.Run{}, errShutting
	}
	sv := s.services[name]
	if sv == nil {
		return heroproc.Run{}, notFound("service %q not found", name)
	}
	if r := s.runs[sv.runID]; r != nil {
		if !runTerminal(r.r.Phase) {
			if err := s.stopRunLocked(ctx, r); err != nil {
				return heroproc.Run{}, err
			}
		}
		if !keepJobs {
			s.deleteRunLocked(r.r.ID)
		}
	}
	sv.runID = ""
	r, err := s.startServiceLocked(name, map[string]bool{})
	if err != nil {
		return heroproc.Run{}, err
	}
	return s.runLocked(r), nil
}

// DeleteService stops a service and forgets it; refused while another
// service depends on it.
func (s *Supervisor) DeleteService(ctx context.Context, name string) error {
	s.mu.Lock()
	sv := s.services[name]
	if sv == nil {
		s.mu.Unlock()
		return notFound("service %q not found", name)
	}
	if deps := s.dependentsLocked(name); len(deps) > 0 {
		s.mu.Unlock()
		return heroproc.ErrConflict.WithMessage(fmt.Sprintf("service %q is depended on by %s; delete or change those first", name, strings.Join(deps, ", ")))
	}
	s.mu.Unlock()
	if _, err := s.StopService(ctx, name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.opt.Store.DeleteService(name); err != nil {
		return storeFailed(err)
	}
	delete(s.services, name)
	s.notifyLocked()
	return nil
}

// StartRun starts an ad-hoc run of actions.
func (s *Supervisor) StartRun(name string, actions []heroproc.ActionSpec, ctxName string) (heroproc.Run, error) {
	var probs []string
	if p := validName("run", name); p != "" {
		probs = append(probs, p)
	}
	probs = append(probs, validateActions(actions, false)...)
	if len(probs) > 0 {
		return heroproc.Run{}, invalid(probs)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutting {
		return heroproc.Run{}, errShutting
	}
	r, err := s.newRunLocked(name, actions, ctxName, nil)
	if err != nil {
		return heroproc.Run{}, err
	}
	s.scheduleRunLocked(r)
	return s.runLocked(r), nil
}

// GetRun returns a run with its jobs.
func (s *Supervisor) GetRun(id string) (heroproc.Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.runs[id]
	if r == nil {
		return heroproc.Run{}, notFound("run %q not found", id)
	}
	return s.runLocked(r), nil
}

// ListRuns lists runs, newest first.
func (s *Supervisor) ListRuns(service string, phase heroproc.RunPhase, limit int) []heroproc.Run {
	if limit <= 0 {
		limit = 100
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []heroproc.Run{}
	for i := len(s.runOrder) - 1; i >= 0 && len(out) < limit; i-- {
		r := s.runs[s.runOrder[i]]
		if r == nil || (service != "" && deref(r.r.Service) != service) || (phase != "" && r.r.Phase != phase) {
			continue
		}
		out = append(out, s.runLocked(r))
	}
	return out
}

// RunStatus returns a run's phase and job counts.
func (s *Supervisor) RunStatus(id string) (heroproc.RunStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.runs[id]
	if r == nil {
		return heroproc.RunStatus{}, notFound("run %q not found", id)
	}
	st := heroproc.RunStatus{ID: id, Phase: r.r.Phase, Error: r.r.Error}
	for _, jid := range r.jobIDs {
		j := s.jobs[jid]
		if j == nil {
			continue
		}
		st.Jobs++
		switch j.j.Phase {
		case heroproc.JobPhaseRunning, heroproc.JobPhaseStopping:
			st.Running++
		case heroproc.JobPhaseSuccess:
			st.Succeeded++
		case heroproc.JobPhaseFailed, heroproc.JobPhaseSkipped:
			st.Failed++
		}
	}
	return st, nil
}

// WaitRun waits until the run finished or timeout passed.
func (s *Supervisor) WaitRun(ctx context.Context, id string, timeout time.Duration) (heroproc.Run, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.runs[id]
	if r == nil {
		return heroproc.Run{}, notFound("run %q not found", id)
	}
	_ = s.waitLocked(ctx, func() bool { return runTerminal(r.r.Phase) })
	return s.runLocked(r), nil
}

// CancelRun stops a run's jobs and cancels those not started.
func (s *Supervisor) CancelRun(ctx context.Context, id string) (heroproc.Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.runs[id]
	if r == nil {
		return heroproc.Run{}, notFound("run %q not found", id)
	}
	if !runTerminal(r.r.Phase) {
		if r.r.Error == nil {
			r.r.Error = ptr("cancelled")
		}
		if err := s.stopRunLocked(ctx, r); err != nil {
			return s.runLocked(r), err
		}
	}
	return s.runLocked(r), nil
}

// GetJob returns a job.
func (s *Supervisor) GetJob(id string) (heroproc.Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[id]
	if j == nil {
		return heroproc.Job{}, notFound("job %q not found", id)
	}
	return j.j, nil
}

// ListJobs lists jobs, newest first.
func (s *Supervisor) ListJobs(runID, service string, phase heroproc.JobPhase, limit int) []heroproc.Job {
	if limit <= 0 {
		limit = 100
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []heroproc.Job{}
	for i := len(s.runOrder) - 1; i >= 0 && len(out) < limit; i-- {
		r := s.runs[s.runOrder[i]]
		if r == nil || (runID != "" && r.r.ID != runID) || (service != "" && deref(r.r.Service) != service) {
			continue
		}
		for k := len(r.jobIDs) - 1; k >= 0 && len(out) < limit; k-- {
			if j := s.jobs[r.jobIDs[k]]; j != nil && (phase == "" || j.j.Phase == phase) {
				out = append(out, j.j)
			}
		}
	}
	return out
}

// StopJob stops a job and waits until it ended.
func (s *Supervisor) StopJob(ctx context.Context, id string) (heroproc.Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[id]
	if j == nil {
		return heroproc.Job{}, notFound("job %q not found", id)
	}
	if !jobTerminal(j.j.Phase) {
		s.stopJobLocked(j)
		if err := s.waitLocked(ctx, func() bool { return jobTerminal(j.j.Phase) }); err != nil {
			return j.j, err
		}
	}
	return j.j, nil
}

// Logs returns the lines matching q after its cursor; with wait > 0 it
// waits that long for one when there is none yet. Done is set when q
// follows a run or job that has finished and every line was delivered.
func (s *Supervisor) Logs(ctx context.Context, q store.LogQuery, wait time.Duration) (heroproc.LogPage, error) {
	if q.Limit <= 0 {
		q.Limit = 1000
	}
	if q.Limit > 10000 {
		q.Limit = 10000
	}
	if q.RunID != "" || q.JobID != "" {
		s.mu.Lock()
		missing := (q.RunID != "" && s.runs[q.RunID] == nil) || (q.JobID != "" && s.jobs[q.JobID] == nil)
		s.mu.Unlock()
		if missing {
			return heroproc.LogPage{}, notFound("no run or job %q", q.RunID+q.JobID)
		}
	}
	var timeout <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	for {
		s.mu.Lock()
		ch := s.logged
		done := s.followDoneLocked(q)
		s.mu.Unlock()
		entries, err := s.opt.Store.QueryLogs(ctx, q)
		if err != nil {
			if ctx.Err() != nil {
				return heroproc.LogPage{}, ctx.Err()
			}
			return heroproc.LogPage{}, err
		}
		page := heroproc.LogPage{Entries: entries, Next: q.After, Done: done && len(entries) < q.Limit}
		if len(entries) > 0 {
			page.Next = entries[len(entries)-1].Logid
		}
		if len(entries) > 0 || wait <= 0 || done {
			return page, nil
		}
		select {
		case <-ch:
		case <-timeout:
			return page, nil
		case <-ctx.Done():
			return page, nil
		}
	}
}

// followDoneLocked: q names a run or job that has finished (its lines
// are all stored: an attempt ends only after its file was read).
func (s *Supervisor) followDoneLocked(q store.LogQuery) bool {
	if q.JobID != "" {
		j := s.jobs[q.JobID]
		return j == nil || jobTerminal(j.j.Phase)
	}
	if q.RunID != "" {
		r := s.runs[q.RunID]
		return r == nil || runTerminal(r.r.Phase)
	}
	return false
}

// SetSecret stores a secret, encrypted.
func (s *Supervisor) SetSecret(ctxName, key, value string) (heroproc.SecretInfo, error) {
	var probs []string
	if p := validName("context", ctxName); p != "" {
		probs = append(probs, p)
	}
	if p := validName("secret", key); p != "" {
		probs = append(probs, p)
	}
	if len(probs) > 0 {
		return heroproc.SecretInfo{}, invalid(probs)
	}
	sealed, err := s.opt.Secrets.Seal(ctxName, key, []byte(value))
	if err != nil {
		return heroproc.SecretInfo{}, err
	}
	at := now()
	if err := s.opt.Store.PutSecret(ctxName, key, sealed, at); err != nil {
		return heroproc.SecretInfo{}, storeFailed(err)
	}
	return heroproc.SecretInfo{Context: ctxName, Key: key, UpdatedAt: at}, nil
}

// GetSecret returns a secret with its value.
func (s *Supervisor) GetSecret(ctxName, key string) (heroproc.Secret, error) {
	sealed, at, err := s.opt.Store.Secret(ctxName, key)
	if errors.Is(err, store.ErrNotFound) {
		return heroproc.Secret{}, notFound("secret %q of context %q not found", key, ctxName)
	}
	if err != nil {
		return heroproc.Secret{}, err
	}
	v, err := s.opt.Secrets.Open(ctxName, key, sealed)
	if err != nil {
		return heroproc.Secret{}, err
	}
	return heroproc.Secret{Context: ctxName, Key: key, Value: string(v), UpdatedAt: at}, nil
}

// ListSecrets lists secret names of a context ("" = all).
func (s *Supervisor) ListSecrets(ctxName string) ([]heroproc.SecretInfo, error) {
	return s.opt.Store.SecretNames(ctxName)
}

// DeleteSecret deletes a secret.
func (s *Supervisor) DeleteSecret(ctxName, key string) error {
	err := s.opt.Store.DeleteSecret(ctxName, key)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("secret %q of context %q not found", key, ctxName)
	}
	if err != nil {
		return storeFailed(err)
	}
	return nil
}

// Counts returns the number of services and of running jobs.
func (s *Supervisor) Counts() (services, running int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range s.jobs {
		if j.j.Phase == heroproc.JobPhaseRunning || j.j.Phase == heroproc.JobPhaseStopping {
			running++
		}
	}
	return len(s.services), running
}

// Shutdown takes no new work from now on. Unless detach, it then stops
// every service in reverse dependency order (each within its jobs' grace
// periods) and every ad-hoc run, keeping each service's wanted state so
// the next daemon starts it again. With detach the jobs keep running for
// the next daemon to reattach.
func (s *Supervisor) Shutdown(ctx context.Context, detach bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shutting = true
	s.notifyLocked()
	if detach {
		return
	}
	// Level by level: first the services nothing depends on, all at once,
	// then those only they depended on, and so on.
	for _, level := range s.stopLevelsLocked() {
		var runs []*run
		for _, name := range level {
			sv := s.services[name]
			if r := s.runs[sv.runID]; r != nil && !runTerminal(r.r.Phase) {
				r.cancelled = true
				for _, id := range r.jobIDs {
					if j := s.jobs[id]; j != nil && !jobTerminal(j.j.Phase) {
						s.stopJobLocked(j)
					}
				}
				runs = append(runs, r)
			}
		}
		_ = s.waitLocked(ctx, func() bool {
			for _, r := range runs {
				if !s.runDoneLocked(r)() {
					return false
				}
			}
			return true
		})
		for _, r := range runs {
			s.scheduleRunLocked(r)
			r.r.Error = ptr(errDaemonShutdown)
			if err := s.persistRunLocked(r); err != nil {
				s.log.Printf("storing run %s: %v", r.r.ID, err)
			}
		}
	}
	for _, id := range append([]string{}, s.runOrder...) {
		if r := s.runs[id]; r != nil && !runTerminal(r.r.Phase) {
			if r.r.Error == nil {
				r.r.Error = ptr(errDaemonShutdown)
			}
			_ = s.stopRunLocked(ctx, r)
		}
	}
}

// stopLevelsLocked groups the services for an orderly stop: a service
// is in a later level than every service that depends on it.
func (s *Supervisor) stopLevelsLocked() [][]string {
	depth := map[string]int{}
	var visit func(n string, seen map[string]bool) int
	visit = func(n string, seen map[string]bool) int {
		if d, ok := depth[n]; ok {
			return d
		}
		if seen[n] {
			return 0 // a cycle (refused at put; be safe)
		}
		seen[n] = true
		d := 0
		for _, sv := range s.sortedServicesLocked() {
			for _, dep := range sv.spec.DependsOn {
				if dep == n {
					if v := visit(sv.spec.Name, seen) + 1; v > d {
						d = v
					}
				}
			}
		}
		depth[n] = d
		return d
	}
	var levels [][]string
	for _, sv := range s.sortedServicesLocked() {
		d := visit(sv.spec.Name, map[string]bool{})
		for len(levels) <= d {
			levels = append(levels, nil)
		}
		levels[d] = append(levels[d], sv.spec.Name)
	}
	return levels
}
