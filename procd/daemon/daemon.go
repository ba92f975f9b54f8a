// Package daemon wires hero_procd together: the data directory, the
// store, the supervisor, the API listeners and the signals. The main
// package only parses flags and calls Run.
package daemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
	"github.com/lhumina-code/rules_oschema/procd/secrets"
	"github.com/lhumina-code/rules_oschema/procd/server"
	"github.com/lhumina-code/rules_oschema/procd/store"
	"github.com/lhumina-code/rules_oschema/procd/supervisor"
)

// Version is the daemon's version.
const Version = "0.1.0"

// Defaults, by the Hero ecosystem's conventions.
const (
	DefaultSocket  = heroproc.DefaultSocketPath // ~/hero/var/sockets/hero_proc/rpc.sock
	DefaultDataDir = "~/hero/var/hero_proc"
)

// Options configure the daemon.
type Options struct {
	Socket  string // Unix socket; "" = DefaultSocket
	DataDir string // "" = DefaultDataDir
	// HTTPAddr, when set, also serves HTTP on this loopback address
	// (e.g. "127.0.0.1:8700"), with a bearer token.
	HTTPAddr string
	// TokenFile holds the bearer token (mode 0600); when empty the token
	// comes from $HERO_PROC_TOKEN, else one is made and written to
	// DATA/http.token.
	TokenFile string
	Logger    *log.Logger
	// Ready, when set, is called once the API serves.
	Ready func(socket string)
}

func expand(p string) (string, error) {
	if strings.HasPrefix(p, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		p = filepath.Join(home, p[2:])
	}
	return filepath.Abs(p)
}

// Run runs the daemon until SIGTERM or SIGINT (orderly shutdown: every
// service stopped) or system.shutdown. It returns an error when it cannot
// start; the message says what to fix.
func Run(opt Options) error {
	lg := opt.Logger
	if lg == nil {
		lg = log.New(os.Stderr, "hero_procd: ", log.LstdFlags)
	}
	if opt.Socket == "" {
		opt.Socket = DefaultSocket
	}
	if opt.DataDir == "" {
		opt.DataDir = DefaultDataDir
	}
	sock, err := expand(opt.Socket)
	if err != nil {
		return err
	}
	data, err := expand(opt.DataDir)
	if err != nil {
		return err
	}
	if len(sock) > 107 {
		return fmt.Errorf("--socket %s is %d bytes long; Unix socket paths are limited to 107", sock, len(sock))
	}
	if err := prepareDataDir(data); err != nil {
		return err
	}
	lock, err := lockDataDir(data)
	if err != nil {
		return err
	}
	defer lock.Close()
	instance, err := instanceID(data)
	if err != nil {
		return err
	}
	// Orphans of jobs are re-parented to the daemon, which reaps them.
	_ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

	st, err := store.Open(data)
	if err != nil {
		return fmt.Errorf("opening the store in %s: %w", data, err)
	}
	defer st.Close()
	box, err := secrets.LoadOrCreateKey(filepath.Join(data, "secret.key"))
	if err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	sup := supervisor.New(supervisor.Options{
		DataDir: data, Store: st, Secrets: box, Instance: instance,
		ShimArgv: []string{exe, "shim"}, Environ: os.Environ(), Logger: lg,
	})
	if err := sup.Recover(); err != nil {
		return fmt.Errorf("recovering state from %s: %w", data, err)
	}

	ln, err := listenUnix(sock)
	if err != nil {
		sup.Close()
		return err
	}
	api := server.New(sup, st, server.Info{Version: Version, Pid: int64(os.Getpid()), Started: time.Now().UTC(), Socket: sock, DataDir: data})
	h := heroproc.NewHandler(api)
	h.ErrorLog = lg
	servers := []*http.Server{server.NewHTTPServer(h)}
	listeners := []net.Listener{ln}
	if opt.HTTPAddr != "" {
		tln, token, err := listenHTTP(opt.HTTPAddr, opt.TokenFile, data)
		if err != nil {
			ln.Close()
			os.Remove(sock)
			sup.Close()
			return err
		}
		servers = append(servers, server.NewHTTPServer(server.WithToken(h, token)))
		listeners = append(listeners, tln)
		lg.Printf("serving HTTP on http://%s (bearer token required)", tln.Addr())
	}

	shutdown := make(chan bool, 1)
	api.Shutdown = func(detach bool) {
		select {
		case shutdown <- detach:
		default:
		}
	}
	var wg sync.WaitGroup
	for i := range servers {
		wg.Add(1)
		go func(s *http.Server, l net.Listener) {
			defer wg.Done()
			if err := s.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				lg.Printf("serving %s: %v", l.Addr(), err)
			}
		}(servers[i], listeners[i])
	}
	lg.Printf("hero_procd %s serving %s (data %s, pid %d)", Version, sock, data, os.Getpid())
	if opt.Ready != nil {
		opt.Ready(sock)
	}

	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	signal.Ignore(syscall.SIGHUP, syscall.SIGPIPE)
	var detach bool
	select {
	case s := <-sigs:
		lg.Printf("%s: stopping every service, then exiting", s)
	case detach = <-shutdown:
		if detach {
			lg.Printf("shutdown with detach: leaving the jobs running for the next daemon")
		} else {
			lg.Printf("shutdown: stopping every service, then exiting")
		}
	}
	// Bounded: a job's own grace period ends in SIGKILL, so this only
	// guards against a helper that does not answer.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	sup.Shutdown(ctx, detach)
	cancel()
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	for _, s := range servers {
		_ = s.Shutdown(sctx)
	}
	scancel()
	wg.Wait()
	sup.Close()
	os.Remove(sock)
	lg.Printf("stopped")
	return nil
}

func prepareDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("--data %s: cannot create the data directory: %w", dir, err)
	}
	probe := filepath.Join(dir, ".write-test")
	f, err := os.OpenFile(probe, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err == nil {
		_, err = f.Write([]byte("ok"))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		os.Remove(probe)
	}
	if err != nil {
		return fmt.Errorf("--data %s: the data directory is not writable (%v); choose another with --data or fix its permissions or free space", dir, err)
	}
	return os.MkdirAll(filepath.Join(dir, "jobs"), 0o700)
}

// lockDataDir makes sure one daemon uses a data directory at a time.
func lockDataDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		b := make([]byte, 32)
		n, _ := f.ReadAt(b, 0)
		f.Close()
		return nil, fmt.Errorf("--data %s is in use by another hero_procd (pid %s); stop it first or choose another --data", dir, strings.TrimSpace(string(b[:n])))
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(fmt.Sprintf("%d\n", os.Getpid())), 0)
	return f, nil
}

// instanceID is this data directory's marker value: jobs carry it in
// HERO_PROC_INSTANCE, so two daemons on one machine never touch each
// other's processes.
func instanceID(dir string) (string, error) {
	p := filepath.Join(dir, "instance")
	if b, err := os.ReadFile(p); err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	id := hex.EncodeToString(b)
	if err := os.WriteFile(p, []byte(id+"\n"), 0o600); err != nil {
		return "", err
	}
	return id, nil
}

// listenUnix listens on path with mode 0600 in a directory of mode 0700,
// replacing a stale socket file but never one a live daemon serves.
func listenUnix(path string) (net.Listener, error) {
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("--socket %s: cannot create its directory: %w", path, err)
		}
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSocket == 0 {
			return nil, fmt.Errorf("--socket %s exists and is not a socket; remove it or choose another path", path)
		}
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("--socket %s is served by another process; stop it or choose another path", path)
		}
		os.Remove(path)
	}
	old := unix.Umask(0o177)
	ln, err := net.Listen("unix", path)
	unix.Umask(old)
	if err != nil {
		return nil, fmt.Errorf("--socket %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// listenHTTP listens on a loopback address and finds the token.
func listenHTTP(addr, tokenFile, data string) (net.Listener, string, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, "", fmt.Errorf("--http %s: %w (want host:port, e.g. 127.0.0.1:8700)", addr, err)
	}
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, "", fmt.Errorf("--http %s: hero_procd serves HTTP on loopback only (127.0.0.1 or [::1])", addr)
	}
	token := os.Getenv("HERO_PROC_TOKEN")
	if tokenFile != "" {
		fi, err := os.Stat(tokenFile)
		if err != nil {
			return nil, "", fmt.Errorf("--token-file: %w", err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			return nil, "", fmt.Errorf("--token-file %s has mode %04o; make it readable by its owner only (chmod 600)", tokenFile, fi.Mode().Perm())
		}
		b, err := os.ReadFile(tokenFile)
		if err != nil {
			return nil, "", err
		}
		token = strings.TrimSpace(string(b))
	}
	if token == "" {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return nil, "", err
		}
		token = hex.EncodeToString(b)
		if err := os.WriteFile(filepath.Join(data, "http.token"), []byte(token+"\n"), 0o600); err != nil {
			return nil, "", err
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("--http %s: %w", addr, err)
	}
	return ln, token, nil
}
