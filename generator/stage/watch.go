package stage

import (
	"context"
	"os"
	"path/filepath"
	"time"
)

// Polling intervals of Watch when it is given none: without inotify the
// poll is what finds changes; with it, the poll is only a safety net for
// events inotify cannot report (a directory it could not watch, a
// service directory replaced by a bind mount).
const (
	DefaultPollInterval   = time.Second
	DefaultSafetyInterval = 30 * time.Second
)

// The debounce of inotify events: changes are staged once no event has
// come for debounceQuiet (a restarting server removes its socket and
// creates a new one a moment later), and at the latest debounceMax after
// the first event of a burst.
const (
	debounceQuiet = 50 * time.Millisecond
	debounceMax   = 500 * time.Millisecond
)

// Watch stages every service once, then re-stages only the services whose
// socket appeared or was re-created (a restarted server creates a new
// socket file), and removes the files of services whose socket vanished.
// A service that was skipped (timeout, garbage) is retried when its socket
// changes. report gets the report of every run that did something; Watch
// returns when ctx ends.
//
// On Linux, inotify watches the socket directory and each service
// directory in it, and the services an event names are looked at, after
// a short debounce; the directory is also polled every interval (default
// DefaultSafetyInterval) as a safety net. Where inotify is unavailable
// (another system, or inotify_init failed: out of instances or watches),
// the directory is polled every interval (default DefaultPollInterval).
func Watch(ctx context.Context, opts Options, interval time.Duration, report func(*Report)) error {
	opts.Only = nil
	// Watch before the first scan, so that nothing changes unseen.
	var events <-chan []string
	if n, err := newNotifier(opts.Sockets); err == nil {
		defer n.Close()
		events = n.C
	}
	auto := interval <= 0
	if auto {
		interval = DefaultPollInterval
		if events != nil {
			interval = DefaultSafetyInterval
		}
	}
	seen, err := socketStamps(opts.Sockets)
	if err != nil {
		return err
	}
	rep, err := Stage(ctx, opts)
	if err != nil {
		return err
	}
	report(rep)

	tick := time.NewTicker(interval)
	defer tick.Stop()
	debounce := time.NewTimer(time.Hour)
	stopTimer(debounce)
	var (
		pending = map[string]bool{} // services named by events since the last run
		rescan  bool                // an event asked for a full scan
		first   time.Time           // first event of the pending burst
	)
	for {
		full := false
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			full = true
		case batch, ok := <-events:
			if !ok { // the notifier failed: the poll carries on alone
				events = nil
				if auto {
					tick.Reset(DefaultPollInterval)
				}
				full = true
				break
			}
			if len(pending) == 0 && !rescan {
				first = time.Now()
			}
			if batch == nil {
				rescan = true
			}
			for _, svc := range batch {
				pending[svc] = true
			}
			wait := debounceQuiet
			if left := debounceMax - time.Since(first); left < wait {
				wait = left
			}
			stopTimer(debounce)
			debounce.Reset(wait)
			continue
		case <-debounce.C:
		}
		if full || rescan {
			stopTimer(debounce)
			pending, rescan = map[string]bool{}, false
			full = true
		}
		var changed, vanished []string
		if full {
			now, err := socketStamps(opts.Sockets)
			if err != nil {
				return err
			}
			for svc, st := range now {
				if old, ok := seen[svc]; !ok || !old.same(st) {
					changed = append(changed, svc)
				}
			}
			for svc := range seen {
				if _, ok := now[svc]; !ok {
					vanished = append(vanished, svc)
				}
			}
			seen = now
		} else {
			for svc := range pending {
				st, ok := socketStamp(opts.Sockets, svc)
				old, had := seen[svc]
				switch {
				case ok && (!had || !old.same(st)):
					changed = append(changed, svc)
					seen[svc] = st
				case !ok && had:
					vanished = append(vanished, svc)
					delete(seen, svc)
				}
			}
			pending = map[string]bool{}
		}
		if len(changed) == 0 && len(vanished) == 0 {
			continue
		}
		rep := &Report{Services: []Result{}, Removed: []string{}}
		if len(changed) > 0 {
			o := opts
			o.Only = changed
			if rep, err = Stage(ctx, o); err != nil {
				return err
			}
		}
		if len(vanished) > 0 {
			if rep.Removed, err = removeServices(opts, vanished); err != nil {
				return err
			}
		}
		report(rep)
	}
}

// stopTimer stops t and drains its channel, so that Reset starts afresh.
func stopTimer(t *time.Timer) {
	if !t.Stop() {
		select {
		case <-t.C:
		default:
		}
	}
}

// stamp identifies one socket file: a restarted server creates a new one
// (a new inode, a new modification time).
type stamp struct {
	fi os.FileInfo
}

func (s stamp) same(o stamp) bool {
	return os.SameFile(s.fi, o.fi) && s.fi.ModTime().Equal(o.fi.ModTime())
}

func socketStamp(dir, svc string) (stamp, bool) {
	fi, err := os.Stat(filepath.Join(dir, svc, SocketName))
	if err != nil {
		return stamp{}, false
	}
	return stamp{fi}, true
}

// socketStamps maps each service to the stamp of its socket.
func socketStamps(dir string) (map[string]stamp, error) {
	services, err := ListServices(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]stamp{}
	for _, s := range services {
		if st, ok := socketStamp(dir, s); ok {
			out[s] = st
		}
	}
	return out, nil
}
