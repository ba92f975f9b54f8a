package supervisor

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// reaper is the only place the daemon waits for children. hero_procd is a
// child subreaper, so besides the helpers and probes it starts, orphaned
// descendants are re-parented to it; the reaper collects all of them (no
// zombies). Processes it starts register before they can be reaped (the
// start holds the same lock), so no exit status goes to the wrong waiter.
type reaper struct {
	mu      sync.Mutex
	waiters map[int]chan syscall.WaitStatus
	sig     chan os.Signal
	stop    chan struct{}
}

func newReaper() *reaper {
	r := &reaper{waiters: map[int]chan syscall.WaitStatus{}, sig: make(chan os.Signal, 1), stop: make(chan struct{})}
	signal.Notify(r.sig, syscall.SIGCHLD)
	go r.loop()
	return r
}

func (r *reaper) loop() {
	for {
		select {
		case <-r.stop:
			return
		case <-r.sig:
		}
		r.reapAll()
	}
}

func (r *reaper) reapAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if err == syscall.EINTR {
			continue
		}
		if pid <= 0 || err != nil {
			return
		}
		if ch, ok := r.waiters[pid]; ok {
			delete(r.waiters, pid)
			ch <- ws
			close(ch)
		}
	}
}

// start starts a process and returns a channel that gets its wait status.
func (r *reaper) start(path string, argv []string, attr *os.ProcAttr) (*os.Process, <-chan syscall.WaitStatus, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, err := os.StartProcess(path, argv, attr)
	if err != nil {
		return nil, nil, err
	}
	ch := make(chan syscall.WaitStatus, 1)
	r.waiters[p.Pid] = ch
	return p, ch, nil
}

func (r *reaper) close() {
	signal.Stop(r.sig)
	close(r.stop)
}
