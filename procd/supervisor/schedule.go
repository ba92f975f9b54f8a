package supervisor

import (
	"fmt"
	"math/rand"
	"time"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
	"github.com/lhumina-code/rules_oschema/procd/shim"
)

func jobTerminal(p heroproc.JobPhase) bool {
	switch p {
	case heroproc.JobPhaseSuccess, heroproc.JobPhaseFailed, heroproc.JobPhaseExited, heroproc.JobPhaseSkipped, heroproc.JobPhaseCancelled:
		return true
	}
	return false
}

func runTerminal(p heroproc.RunPhase) bool {
	switch p {
	case heroproc.RunPhaseSuccess, heroproc.RunPhaseFailed, heroproc.RunPhaseCancelled:
		return true
	}
	return false
}

func restartPolicy(a heroproc.ActionSpec) heroproc.RestartPolicy {
	if a.Restart == nil {
		return heroproc.RestartPolicyNever
	}
	return *a.Restart
}

// satisfies reports whether dep lets the jobs depending on it start: it
// succeeded, or it is a long-running action (restart policy, or a
// readiness check) that runs and is ready.
func satisfies(dep *job) bool {
	if dep.j.Phase == heroproc.JobPhaseSuccess {
		return true
	}
	long := restartPolicy(dep.j.Spec) != heroproc.RestartPolicyNever || dep.j.Spec.Ready != nil
	return long && dep.j.Phase == heroproc.JobPhaseRunning && dep.j.Ready
}

// depsLocked tells whether j may start: "ok", "wait" or "fail", with
// the reason.
func (s *Supervisor) depsLocked(r *run, j *job) (string, string) {
	for _, d := range j.j.Spec.DependsOn {
		var dep *job
		for _, id := range r.jobIDs {
			if o := s.jobs[id]; o != nil && o.j.Spec.Name == d {
				dep = o
			}
		}
		if dep == nil {
			return "fail", fmt.Sprintf("dependency %q is not in the run", d)
		}
		switch dep.j.Phase {
		case heroproc.JobPhaseFailed, heroproc.JobPhaseSkipped, heroproc.JobPhaseExited, heroproc.JobPhaseCancelled:
			return "fail", fmt.Sprintf("dependency %q %s", d, dep.j.Phase)
		}
		if !satisfies(dep) {
			return "wait", fmt.Sprintf("waiting for %q", d)
		}
	}
	if j.service != "" {
		if sv := s.services[j.service]; sv != nil {
			for _, d := range sv.spec.DependsOn {
				if !s.serviceUpLocked(d) {
					return "wait", fmt.Sprintf("waiting for service %q", d)
				}
			}
		}
	}
	return "ok", ""
}

// serviceUpLocked: the service's current run has every job succeeded or
// running and ready.
func (s *Supervisor) serviceUpLocked(name string) bool {
	sv := s.services[name]
	if sv == nil {
		return false
	}
	r := s.runs[sv.runID]
	if r == nil {
		return false
	}
	for _, id := range r.jobIDs {
		j := s.jobs[id]
		if j == nil {
			continue
		}
		if !(j.j.Phase == heroproc.JobPhaseSuccess || (j.j.Phase == heroproc.JobPhaseRunning && j.j.Ready)) {
			return false
		}
	}
	return true
}

// scheduleLocked re-evaluates every unfinished run.
func (s *Supervisor) scheduleLocked() {
	for _, id := range s.runOrder {
		if r := s.runs[id]; r != nil && !runTerminal(r.r.Phase) {
			s.scheduleRunLocked(r)
		}
	}
}

// scheduleRunLocked starts the jobs of r whose dependencies are met,
// skips those whose dependencies failed, and updates r's phase.
func (s *Supervisor) scheduleRunLocked(r *run) {
	if runTerminal(r.r.Phase) {
		return
	}
	for changed := true; changed; {
		changed = false
		for _, id := range r.jobIDs {
			j := s.jobs[id]
			if j == nil || (j.j.Phase != heroproc.JobPhaseCreated && j.j.Phase != heroproc.JobPhaseWaitingDeps) {
				continue
			}
			if r.cancelled {
				j.j.Phase = heroproc.JobPhaseCancelled
				j.j.FinishedAt = ptr(now())
				s.persistJobQuietLocked(j)
				changed = true
				continue
			}
			if s.shutting {
				continue
			}
			state, why := s.depsLocked(r, j)
			switch state {
			case "fail":
				j.j.Phase = heroproc.JobPhaseSkipped
				j.j.Error = ptr(why)
				j.j.FinishedAt = ptr(now())
				s.persistJobQuietLocked(j)
				changed = true
			case "wait":
				if j.j.Phase != heroproc.JobPhaseWaitingDeps || j.j.Error == nil || *j.j.Error != why {
					j.j.Phase = heroproc.JobPhaseWaitingDeps
					j.j.Error = ptr(why)
					s.persistJobQuietLocked(j)
				}
			default:
				s.startAttemptLocked(j)
				changed = true
			}
		}
	}
	s.updateRunPhaseLocked(r)
}

func (s *Supervisor) persistJobQuietLocked(j *job) {
	if err := s.persistJobLocked(j); err != nil {
		s.log.Printf("storing job %s: %v", j.j.ID, err)
	}
	s.notifyLocked()
}

// updateRunPhaseLocked derives r's phase from its jobs.
func (s *Supervisor) updateRunPhaseLocked(r *run) {
	if runTerminal(r.r.Phase) {
		return
	}
	all, started := true, false
	failed, stopped := false, false
	for _, id := range r.jobIDs {
		j := s.jobs[id]
		if j == nil {
			continue
		}
		if !jobTerminal(j.j.Phase) {
			all = false
		}
		if j.j.Attempt > 0 {
			started = true
		}
		switch j.j.Phase {
		case heroproc.JobPhaseFailed, heroproc.JobPhaseSkipped:
			failed = true
		case heroproc.JobPhaseExited, heroproc.JobPhaseCancelled:
			stopped = true
		}
	}
	phase := r.r.Phase
	switch {
	case all && failed:
		phase = heroproc.RunPhaseFailed
	case all && (stopped || r.cancelled):
		phase = heroproc.RunPhaseCancelled
	case all:
		phase = heroproc.RunPhaseSuccess
	case started:
		phase = heroproc.RunPhaseRunning
	}
	if phase == r.r.Phase {
		return
	}
	r.r.Phase = phase
	if runTerminal(phase) {
		r.r.FinishedAt = ptr(now())
		if phase == heroproc.RunPhaseFailed && r.r.Error == nil {
			for _, id := range r.jobIDs {
				if j := s.jobs[id]; j != nil && j.j.Phase == heroproc.JobPhaseFailed {
					r.r.Error = ptr(fmt.Sprintf("job %s failed: %s", j.j.Action, deref(j.j.Error)))
					break
				}
			}
		}
	}
	if err := s.persistRunLocked(r); err != nil {
		s.log.Printf("storing run %s: %v", r.r.ID, err)
	}
	s.notifyLocked()
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// describe says how an attempt ended.
func describe(st *shim.Status, j *job, lost string) (string, bool) {
	if st == nil {
		return lost, false
	}
	switch st.Reason {
	case shim.ReasonSpawn:
		return "could not start: " + st.Error, false
	case shim.ReasonTimeout:
		return fmt.Sprintf("timed out after %ds", deref64(j.j.Spec.TimeoutSecs)), false
	}
	if st.ExitCode != nil {
		if *st.ExitCode == 0 && st.Reason != shim.ReasonTimeout {
			return "exited with status 0", true
		}
		return fmt.Sprintf("exited with status %d", *st.ExitCode), false
	}
	if st.Signal != "" {
		return "killed by " + st.Signal, false
	}
	return "ended", false
}

func deref64(p *uint64) uint64 {
	if p == nil {
		return 0
	}
	return *p
}

func durMs(p *uint64, def time.Duration) time.Duration {
	if p == nil || *p == 0 {
		return def
	}
	return time.Duration(*p) * time.Millisecond
}

// endAttemptLocked records the end of j's attempt (st nil: lost, with
// the reason) and decides what comes next: success, failure, a retry or
// a restart after backoff.
func (s *Supervisor) endAttemptLocked(j *job, st *shim.Status, lost string) {
	if j.health != nil {
		j.health()
		j.health = nil
	}
	finished := now()
	if st != nil {
		j.j.ExitCode = nil
		if st.ExitCode != nil {
			j.j.ExitCode = ptr(int32(*st.ExitCode))
		}
		j.j.Signal = nil
		if st.Signal != "" {
			j.j.Signal = ptr(st.Signal)
		}
		if st.LastSeq+1 > j.p.NextSeq {
			j.p.NextSeq = st.LastSeq + 1
		}
	}
	if j.attemptDir != "" {
		removeAttempt(j.attemptDir)
		_ = s.opt.Store.DeleteOffsets(j.j.ID)
	}
	j.shimPid, j.shimStart, j.attemptDir, j.offset = 0, 0, "", 0
	uptime := time.Duration(0)
	if j.j.StartedAt != nil {
		uptime = finished.Sub(*j.j.StartedAt)
	}
	j.j.FinishedAt = ptr(finished)
	j.j.Ready = false
	desc, ok := describe(st, j, lost)
	spec := j.j.Spec
	policy := restartPolicy(spec)
	canRestart := j.service != "" && !s.shutting
	switch {
	case j.p.StopRequested && !j.p.RestartRequested:
		j.p.StopRequested = false
		j.j.Phase = heroproc.JobPhaseExited
		j.j.Error = ptr("stopped (" + desc + ")")
	case j.p.RestartRequested && canRestart:
		j.p.RestartRequested, j.p.StopRequested = false, false
		s.restartLocked(j, uptime, "liveness check failed; "+desc)
	case ok:
		j.p.Retries = 0
		if policy == heroproc.RestartPolicyAlways && canRestart {
			s.restartLocked(j, uptime, desc)
		} else {
			j.j.Phase = heroproc.JobPhaseSuccess
			j.j.Error = nil
		}
	case spec.Retry != nil && j.p.Retries+1 < spec.Retry.MaxAttempts && !s.shutting:
		delay := durMs(spec.Retry.DelayMs, time.Second) << j.p.Retries
		if max := durMs(spec.Retry.MaxDelayMs, time.Minute); delay > max || delay <= 0 {
			delay = max
		}
		j.p.Retries++
		s.backoffLocked(j, delay, fmt.Sprintf("attempt %d %s; retry %d of %d", j.j.Attempt, desc, j.p.Retries, spec.Retry.MaxAttempts-1))
	case policy != heroproc.RestartPolicyNever && canRestart:
		s.restartLocked(j, uptime, desc)
	default:
		j.j.Phase = heroproc.JobPhaseFailed
		j.j.Error = ptr(desc)
	}
	s.persistJobQuietLocked(j)
	if r := s.runs[j.j.RunID]; r != nil {
		s.scheduleRunLocked(r)
	}
	s.scheduleLocked()
}

// restartLocked puts j into backoff before its next start, or fails it
// when it restarted too often without a stable uptime.
func (s *Supervisor) restartLocked(j *job, uptime time.Duration, desc string) {
	b := j.j.Spec.Backoff
	if b == nil {
		b = &heroproc.BackoffPolicy{}
	}
	resetAfter := 30 * time.Second
	if b.ResetAfterSecs != nil {
		resetAfter = time.Duration(*b.ResetAfterSecs) * time.Second
	}
	if uptime >= resetAfter {
		j.p.ConsecutiveRestarts = 0
	}
	j.p.ConsecutiveRestarts++
	if b.MaxRestarts != nil && *b.MaxRestarts > 0 && j.p.ConsecutiveRestarts > *b.MaxRestarts {
		j.j.Phase = heroproc.JobPhaseFailed
		j.j.Error = ptr(fmt.Sprintf("crash loop: %s; restarted %d times in a row without staying up %s", desc, *b.MaxRestarts, resetAfter))
		return
	}
	initial, max := durMs(b.InitialMs, time.Second), durMs(b.MaxMs, time.Minute)
	delay := initial
	for i := uint32(1); i < j.p.ConsecutiveRestarts && delay < max; i++ {
		delay *= 2
	}
	if delay > max {
		delay = max
	}
	// Jitter of up to ±10% so services that fail together do not
	// restart in lockstep.
	if delay > 10*time.Millisecond {
		delay += time.Duration(rand.Int63n(int64(delay)/5)) - delay/10
	}
	s.backoffLocked(j, delay, fmt.Sprintf("%s; restart %d in %s", desc, j.p.ConsecutiveRestarts, delay.Round(time.Millisecond)))
}

func (s *Supervisor) backoffLocked(j *job, delay time.Duration, why string) {
	j.j.Phase = heroproc.JobPhaseBackoff
	j.j.Error = ptr(why)
	j.j.NextAttemptAt = ptr(now().Add(delay))
	s.armBackoffLocked(j)
}

// armBackoffLocked starts j again at its next_attempt_at.
func (s *Supervisor) armBackoffLocked(j *job) {
	if j.timer != nil {
		j.timer.Stop()
	}
	delay := time.Duration(0)
	if j.j.NextAttemptAt != nil {
		delay = time.Until(*j.j.NextAttemptAt)
	}
	if delay < 0 {
		delay = 0
	}
	id, attempt := j.j.ID, j.j.Attempt
	j.timer = time.AfterFunc(delay, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		j := s.jobs[id]
		if j == nil || j.j.Phase != heroproc.JobPhaseBackoff || j.j.Attempt != attempt || s.shutting {
			return
		}
		j.timer = nil
		s.startAttemptLocked(j)
		if r := s.runs[j.j.RunID]; r != nil {
			s.updateRunPhaseLocked(r)
		}
	})
}

// stopJobLocked asks j to stop: its shim sends the stop signal to the
// job's process group and SIGKILLs after the grace period.
func (s *Supervisor) stopJobLocked(j *job) {
	switch j.j.Phase {
	case heroproc.JobPhaseRunning:
		j.p.StopRequested = true
		j.j.Phase = heroproc.JobPhaseStopping
		s.persistJobQuietLocked(j)
		if !j.spawning && !signalShim(j.shimPid, j.shimStart) {
			s.log.Printf("job %s: its helper %d is gone; waiting for its status", j.j.ID, j.shimPid)
		}
	case heroproc.JobPhaseStopping:
		j.p.StopRequested = true
		_ = signalShim(j.shimPid, j.shimStart)
	case heroproc.JobPhaseBackoff:
		if j.timer != nil {
			j.timer.Stop()
			j.timer = nil
		}
		j.j.Phase = heroproc.JobPhaseExited
		j.j.Error = ptr("stopped while in backoff")
		j.j.NextAttemptAt = nil
		s.persistJobQuietLocked(j)
	case heroproc.JobPhaseCreated, heroproc.JobPhaseWaitingDeps:
		j.j.Phase = heroproc.JobPhaseCancelled
		j.j.FinishedAt = ptr(now())
		s.persistJobQuietLocked(j)
	}
	if r := s.runs[j.j.RunID]; r != nil {
		s.updateRunPhaseLocked(r)
	}
}
