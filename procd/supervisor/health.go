package supervisor

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"syscall"
	"time"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

// startHealthLocked runs j's readiness check (until it passes) and then
// its liveness check, for the current attempt.
func (s *Supervisor) startHealthLocked(j *job) {
	ready, live := j.j.Spec.Ready, j.j.Spec.Live
	if ready == nil && live == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	j.health = cancel
	id, attempt := j.j.ID, j.j.Attempt
	go func() {
		if ready != nil {
			for {
				if err := s.probe(ctx, ready); err == nil {
					break
				}
				if !sleepCtx(ctx, durMs(ready.IntervalMs, time.Second)) {
					return
				}
			}
			s.mu.Lock()
			if j := s.jobs[id]; j != nil && j.j.Attempt == attempt && j.j.Phase == heroproc.JobPhaseRunning {
				j.j.Ready = true
				s.persistJobQuietLocked(j)
				s.scheduleLocked()
			}
			s.mu.Unlock()
		}
		if live == nil {
			return
		}
		limit := uint32(3)
		if live.Failures != nil && *live.Failures > 0 {
			limit = *live.Failures
		}
		fails := uint32(0)
		for sleepCtx(ctx, durMs(live.IntervalMs, time.Second)) {
			err := s.probe(ctx, live)
			if err == nil {
				fails = 0
				continue
			}
			if ctx.Err() != nil {
				return
			}
			fails++
			if fails < limit {
				continue
			}
			s.mu.Lock()
			if j := s.jobs[id]; j != nil && j.j.Attempt == attempt && j.j.Phase == heroproc.JobPhaseRunning {
				s.log.Printf("job %s: liveness check failed %d times (%v); restarting", j.j.Action, fails, err)
				j.p.RestartRequested = true
				s.stopJobLocked(j)
			}
			s.mu.Unlock()
			return
		}
	}()
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// probe runs one health check.
func (s *Supervisor) probe(ctx context.Context, h *heroproc.HealthCheck) error {
	ctx, cancel := context.WithTimeout(ctx, durMs(h.TimeoutMs, time.Second))
	defer cancel()
	switch h.Kind {
	case heroproc.HealthKindTCP:
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", deref(h.Address))
		if err != nil {
			return err
		}
		return c.Close()
	case heroproc.HealthKindHTTP:
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, deref(h.URL), nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return fmt.Errorf("HTTP %s", resp.Status)
		}
		return nil
	case heroproc.HealthKindExec:
		return s.runProbe(ctx, h.Command)
	}
	return fmt.Errorf("unknown health check kind %q", h.Kind)
}

// runProbe runs argv in a process group of its own through the reaper,
// killing the group when ctx ends.
func (s *Supervisor) runProbe(ctx context.Context, argv []string) error {
	path := argv[0]
	if p, err := lookPathIn(path); err == nil {
		path = p
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer devnull.Close()
	p, done, err := s.reaper.start(path, argv, &os.ProcAttr{
		Dir: s.opt.DataDir, Env: []string{"PATH=" + DefaultPath},
		Files: []*os.File{devnull, devnull, devnull},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	})
	if err != nil {
		return err
	}
	select {
	case ws := <-done:
		if ws.ExitStatus() != 0 {
			return fmt.Errorf("exit status %d", ws.ExitStatus())
		}
		return nil
	case <-ctx.Done():
		_ = syscall.Kill(-p.Pid, syscall.SIGKILL)
		<-done
		return ctx.Err()
	}
}

func lookPathIn(name string) (string, error) {
	if len(name) > 0 && name[0] == '/' {
		return name, nil
	}
	for _, d := range []string{"/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"} {
		p := d + "/" + name
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found", name)
}
