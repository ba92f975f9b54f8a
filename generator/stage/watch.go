package stage

import (
	"context"
	"os"
	"path/filepath"
	"time"
)

// Watch stages every service once, then polls the socket directory every
// interval and re-stages only the services whose socket appeared or was
// re-created (a restarted server creates a new socket file), and removes
// the files of services whose socket vanished. A service that was skipped
// (timeout, garbage) is retried when its socket changes. report gets the
// report of every run that did something; Watch returns when ctx ends.
func Watch(ctx context.Context, opts Options, interval time.Duration, report func(*Report)) error {
	if interval <= 0 {
		interval = time.Second
	}
	opts.Only = nil
	seen, err := socketStamps(opts.Sockets)
	if err != nil {
		return err
	}
	rep, err := Stage(ctx, opts)
	if err != nil {
		return err
	}
	report(rep)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		now, err := socketStamps(opts.Sockets)
		if err != nil {
			return err
		}
		changed := []string{}
		for svc, st := range now {
			if old, ok := seen[svc]; !ok || !old.Equal(st) {
				changed = append(changed, svc)
			}
		}
		vanished := false
		for svc := range seen {
			if _, ok := now[svc]; !ok {
				vanished = true
			}
		}
		seen = now
		if len(changed) == 0 && !vanished {
			continue
		}
		o := opts
		o.Only = changed
		rep, err := Stage(ctx, o)
		if err != nil {
			return err
		}
		if vanished {
			live := sortedKeys(now)
			rep.Removed, err = removeVanished(opts, live)
			if err != nil {
				return err
			}
		}
		report(rep)
	}
}

// socketStamps maps each service to the modification time of its socket.
func socketStamps(dir string) (map[string]time.Time, error) {
	services, err := ListServices(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]time.Time{}
	for _, s := range services {
		if fi, err := os.Stat(filepath.Join(dir, s, SocketName)); err == nil {
			out[s] = fi.ModTime()
		}
	}
	return out, nil
}
