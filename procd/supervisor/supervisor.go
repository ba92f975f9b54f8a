// Package supervisor is the heart of hero_procd: it turns services and
// runs into jobs, starts each job attempt through a shim (package shim),
// orders jobs by depends_on, applies retries, restart policies with
// backoff and health checks, reads the jobs' log files into the store,
// and, after a restart of the daemon, reattaches to every job that is
// still running.
//
// All state lives in memory behind one mutex and is written through to
// the store before a call returns. Waiters (run wait, service stop, log
// follow) sleep on broadcast channels that are closed on every change.
package supervisor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
	"github.com/lhumina-code/rules_oschema/procd/procinfo"
	"github.com/lhumina-code/rules_oschema/procd/secrets"
	"github.com/lhumina-code/rules_oschema/procd/store"
)

// Options configure a Supervisor.
type Options struct {
	DataDir  string
	Store    *store.Store
	Secrets  *secrets.Box
	Instance string // marker value that tells this daemon's jobs from others'
	// ShimArgv starts a shim: typically [os.Executable(), "shim"].
	ShimArgv []string
	// Environ is the daemon's environment, for inherit_env.
	Environ []string
	Logger  *log.Logger
	// IngestInterval is how often log files are read (default 50ms).
	IngestInterval time.Duration
	// LogMaxAge and LogMaxLines bound the stored log lines (defaults 7
	// days, 5 million lines).
	LogMaxAge   time.Duration
	LogMaxLines int64
	// MaxFinishedRuns bounds the finished runs kept (default 1000); a
	// service's current run is always kept.
	MaxFinishedRuns int
}

// Supervisor manages services, runs and jobs.
type Supervisor struct {
	opt Options
	log *log.Logger

	mu       sync.Mutex
	services map[string]*service
	runs     map[string]*run
	runOrder []string
	jobs     map[string]*job
	changed  chan struct{} // closed and replaced on every state change
	logged   chan struct{} // closed and replaced after every log commit
	kick     chan struct{} // wakes the ingest loop before its next tick
	lastLive time.Time     // last check of the helpers' liveness (ingest loop only)
	shutting bool

	reaper  *reaper
	stopped chan struct{}
	done    sync.WaitGroup
	started time.Time
}

type service struct {
	spec   heroproc.ServiceSpec
	wanted heroproc.WantedState
	runID  string
}

type run struct {
	r         heroproc.Run // Jobs left empty; see jobIDs
	jobIDs    []string
	cancelled bool
}

// job is a job and its current attempt.
type job struct {
	j       heroproc.Job
	idx     int
	service string // "" for an ad-hoc run
	p       store.JobPrivate

	// The attempt in progress (shim != 0).
	shimPid    int
	shimStart  uint64
	attemptDir string
	offset     int64
	spawning   bool // its helper is being started (outside the lock)
	timer      *time.Timer
	health     context.CancelFunc
}

// New returns a Supervisor; call Recover before serving.
func New(opt Options) *Supervisor {
	if opt.IngestInterval <= 0 {
		opt.IngestInterval = 50 * time.Millisecond
	}
	if opt.LogMaxAge <= 0 {
		opt.LogMaxAge = 7 * 24 * time.Hour
	}
	if opt.LogMaxLines <= 0 {
		opt.LogMaxLines = 5_000_000
	}
	if opt.MaxFinishedRuns <= 0 {
		opt.MaxFinishedRuns = 1000
	}
	if opt.Logger == nil {
		opt.Logger = log.New(os.Stderr, "hero_procd: ", log.LstdFlags)
	}
	return &Supervisor{
		opt: opt, log: opt.Logger,
		services: map[string]*service{}, runs: map[string]*run{}, jobs: map[string]*job{},
		changed: make(chan struct{}), logged: make(chan struct{}), kick: make(chan struct{}, 1),
		reaper: newReaper(), stopped: make(chan struct{}), started: time.Now(),
	}
}

// notifyLocked wakes every waiter; s.mu is held.
func (s *Supervisor) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func newID(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s%s%s", prefix, strings.ToLower(fmt.Sprintf("%011x", time.Now().UnixNano()/1e6)), hex.EncodeToString(b))
}

func now() time.Time { return time.Now().UTC() }

func ptr[T any](v T) *T { return &v }

// Recover loads the state, reattaches running jobs, kills processes of
// jobs it no longer knows, resumes backoffs and waiting jobs, and starts
// services that are wanted started. Then it starts the background loops.
func (s *Supervisor) Recover() error {
	svcs, err := s.opt.Store.Services()
	if err != nil {
		return err
	}
	runs, err := s.opt.Store.Runs()
	if err != nil {
		return err
	}
	jobs, err := s.opt.Store.Jobs()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sv := range svcs {
		s.services[sv.Spec.Name] = &service{spec: sv.Spec, wanted: sv.Wanted, runID: sv.RunID}
	}
	for i := range runs {
		r := runs[i]
		s.runs[r.ID] = &run{r: r, cancelled: r.Phase == heroproc.RunPhaseCancelled}
		s.runOrder = append(s.runOrder, r.ID)
	}
	recs := make(map[string]store.JobRecord, len(jobs))
	for _, rec := range jobs {
		recs[rec.Job.ID] = rec
		r := s.runs[rec.Job.RunID]
		if r == nil {
			continue
		}
		j := &job{j: rec.Job, idx: rec.Index, p: rec.Private, attemptDir: rec.AttemptDir}
		if r.r.Service != nil {
			j.service = *r.r.Service
		}
		s.jobs[j.j.ID] = j
		r.jobIDs = append(r.jobIDs, j.j.ID)
	}
	for _, r := range s.runs {
		sort.Slice(r.jobIDs, func(a, b int) bool { return s.jobs[r.jobIDs[a]].idx < s.jobs[r.jobIDs[b]].idx })
	}
	// Jobs that were running: reattach, or collect the status written
	// while the daemon was down.
	active := map[string]bool{}
	reattached := 0
	for _, j := range s.jobs {
		switch j.j.Phase {
		case heroproc.JobPhaseRunning, heroproc.JobPhaseStopping:
			rec := recs[j.j.ID]
			j.shimPid, j.shimStart = rec.ShimPid, rec.ShimStart
			if j.attemptDir == "" {
				s.endAttemptLocked(j, nil, "the daemon stopped before the job's helper started")
				continue
			}
			off, err := s.opt.Store.LogOffset(j.j.ID, j.j.Attempt)
			if err != nil {
				return err
			}
			j.offset = off
			if j.shimPid == 0 {
				// Started after the last commit of the shim's pid.
				if st, err := readStarted(j.attemptDir); err == nil {
					j.shimPid = st.ShimPid
					j.shimStart, _ = procinfo.StartTime(st.ShimPid)
				}
			}
			active[j.j.ID] = true
			reattached++
			s.startHealthLocked(j)
		case heroproc.JobPhaseBackoff:
			s.armBackoffLocked(j)
		}
	}
	// Processes carrying this daemon's marker whose job is not running
	// are left over (their record was lost or deleted): kill them.
	killed := 0
	for _, m := range procinfo.FindMarked(s.opt.Instance) {
		if active[m.Job] {
			continue
		}
		if killExact(m.Pid, m.Start) {
			killed++
		}
	}
	if reattached > 0 || killed > 0 {
		s.log.Printf("recovered: %d job(s) reattached, %d unknown process(es) killed", reattached, killed)
	}
	for _, r := range s.runs {
		s.scheduleRunLocked(r)
	}
	for _, sv := range s.sortedServicesLocked() {
		if sv.wanted != heroproc.WantedStateStart {
			continue
		}
		r := s.runs[sv.runID]
		if r == nil || (runTerminal(r.r.Phase) && r.r.Error != nil && *r.r.Error == errDaemonShutdown) {
			if _, err := s.startServiceLocked(sv.spec.Name, map[string]bool{}); err != nil {
				s.log.Printf("starting service %s: %v", sv.spec.Name, err)
			}
		}
	}
	s.done.Add(2)
	go s.ingestLoop()
	go s.retentionLoop()
	return nil
}

const errDaemonShutdown = "stopped: the daemon shut down"

func (s *Supervisor) sortedServicesLocked() []*service {
	out := make([]*service, 0, len(s.services))
	for _, sv := range s.services {
		out = append(out, sv)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].spec.Name < out[b].spec.Name })
	return out
}

// jobsDir is where attempts keep their files.
func (s *Supervisor) jobsDir() string { return filepath.Join(s.opt.DataDir, "jobs") }

// runLocked returns a run with its jobs filled in.
func (s *Supervisor) runLocked(r *run) heroproc.Run {
	out := r.r
	out.Jobs = make([]heroproc.Job, 0, len(r.jobIDs))
	for _, id := range r.jobIDs {
		if j := s.jobs[id]; j != nil {
			out.Jobs = append(out.Jobs, j.j)
		}
	}
	return out
}

func (s *Supervisor) persistJobLocked(j *job) error {
	return s.opt.Store.PutJob(store.JobRecord{Job: j.j, Index: j.idx, ShimPid: j.shimPid, ShimStart: j.shimStart, AttemptDir: j.attemptDir, Private: j.p})
}

func (s *Supervisor) persistRunLocked(r *run) error {
	return s.opt.Store.PutRun(r.r)
}

// Close stops the background loops without touching the jobs (they keep
// running and are reattached by the next daemon).
func (s *Supervisor) Close() {
	s.mu.Lock()
	select {
	case <-s.stopped:
	default:
		close(s.stopped)
	}
	for _, j := range s.jobs {
		if j.timer != nil {
			j.timer.Stop()
		}
		if j.health != nil {
			j.health()
		}
	}
	s.mu.Unlock()
	s.done.Wait()
	s.reaper.close()
}

// Uptime is how long the supervisor has run.
func (s *Supervisor) Uptime() time.Duration { return time.Since(s.started) }
