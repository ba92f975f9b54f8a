package factory

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lhumina-code/rules_oschema/proc"
	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

// SocketEnv is the environment variable Connect reads the daemon's socket
// path from, after the path given with WithSocket.
const SocketEnv = "HERO_PROC_SOCKET"

// HeroProcClient is a connection to a hero_proc daemon: the SDK's domain
// clients, the builders and the lifecycle helpers. It is safe for
// concurrent use.
type HeroProcClient struct {
	sdk  *proc.Client
	addr string
}

// LocalUDS returns a client of the daemon listening on the Unix socket at
// path ("" is heroproc.DefaultSocketPath; a leading "~/" is the home
// directory). It does not contact the daemon; Connect does.
func LocalUDS(path string, opts ...proc.Option) (*HeroProcClient, error) {
	c, err := proc.DialUnix(path, opts...)
	if err != nil {
		return nil, err
	}
	if path == "" {
		path = heroproc.DefaultSocketPath
	}
	return &HeroProcClient{sdk: c, addr: expandHome(path)}, nil
}

// HTTP returns a client of the daemon serving HTTP at url (for example
// "http://127.0.0.1:8000"), sending token as its bearer token when it is not
// empty. It does not contact the daemon.
func HTTP(url, token string, opts ...proc.Option) (*HeroProcClient, error) {
	if token != "" {
		opts = append([]proc.Option{proc.WithToken(token)}, opts...)
	}
	c, err := proc.DialHTTP(url, opts...)
	if err != nil {
		return nil, err
	}
	return &HeroProcClient{sdk: c, addr: url}, nil
}

// ConnectOption configures Connect.
type ConnectOption func(*connectConfig)

type connectConfig struct {
	socket      string
	sdkOpts     []proc.Option
	pingTimeout time.Duration
}

// WithSocket makes Connect try path first. An empty path is ignored, so a
// flag's zero value can be passed as is.
func WithSocket(path string) ConnectOption {
	return func(c *connectConfig) { c.socket = path }
}

// WithOptions passes opts to the SDK for every socket Connect tries.
func WithOptions(opts ...proc.Option) ConnectOption {
	return func(c *connectConfig) { c.sdkOpts = append(c.sdkOpts, opts...) }
}

// WithPingTimeout bounds how long Connect waits for each socket's ping
// (default 3s); ctx bounds the whole search.
func WithPingTimeout(d time.Duration) ConnectOption {
	return func(c *connectConfig) { c.pingTimeout = d }
}

// Attempt is one socket Connect tried.
type Attempt struct {
	// Where the path came from: "WithSocket", "$HERO_PROC_SOCKET" or
	// "default".
	Source string
	// The path, with "~/" expanded.
	Path string
	// Why it did not answer.
	Err error
}

// ConnectError is Connect's error when no socket answered.
type ConnectError struct {
	Tried []Attempt
}

func (e *ConnectError) Error() string {
	var b strings.Builder
	b.WriteString("hero_proc: no daemon answered; tried:")
	for _, a := range e.Tried {
		fmt.Fprintf(&b, "\n  %s (%s): %v", a.Path, a.Source, a.Err)
	}
	return b.String()
}

// Is reports whether one of the attempts failed with target:
// errors.Is(err, proc.ErrUnavailable) holds when a socket was missing or
// refused. (There is no Unwrap() []error, which Go 1.19 does not know;
// Tried has each attempt's error for errors.As.)
func (e *ConnectError) Is(target error) bool {
	for _, a := range e.Tried {
		if errors.Is(a.Err, target) {
			return true
		}
	}
	return false
}

// Connect finds the local daemon and returns a client of it: it pings, in
// order, the socket given with WithSocket, the one in $HERO_PROC_SOCKET and
// heroproc.DefaultSocketPath, and returns the first that answers. When none
// does, the error is a *ConnectError naming each path and why it failed.
func Connect(ctx context.Context, opts ...ConnectOption) (*HeroProcClient, error) {
	cfg := connectConfig{pingTimeout: 3 * time.Second}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	type candidate struct{ source, path string }
	var cands []candidate
	if cfg.socket != "" {
		cands = append(cands, candidate{"WithSocket", cfg.socket})
	}
	if p := os.Getenv(SocketEnv); p != "" {
		cands = append(cands, candidate{"$" + SocketEnv, p})
	}
	cands = append(cands, candidate{"default", heroproc.DefaultSocketPath})

	seen := map[string]bool{}
	cerr := &ConnectError{}
	for _, cand := range cands {
		path := expandHome(cand.path)
		if seen[path] {
			continue
		}
		seen[path] = true
		if err := ctx.Err(); err != nil {
			cerr.Tried = append(cerr.Tried, Attempt{cand.source, path, err})
			continue
		}
		c, err := LocalUDS(path, cfg.sdkOpts...)
		if err == nil {
			err = ping(ctx, c, cfg.pingTimeout)
			if err == nil {
				return c, nil
			}
			_ = c.Close()
		}
		cerr.Tried = append(cerr.Tried, Attempt{cand.source, path, err})
	}
	return nil, cerr
}

func ping(ctx context.Context, c *HeroProcClient, timeout time.Duration) error {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	return c.sdk.Ping(ctx)
}

// expandHome replaces a leading "~/" by the home directory; without one it
// returns path unchanged.
func expandHome(path string) string {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return path
	}
	return filepath.Join(home, strings.TrimPrefix(path, "~"))
}

// Addr is where the client connects: a socket path or a URL.
func (c *HeroProcClient) Addr() string {
	if c == nil {
		return ""
	}
	return c.addr
}

// SDK is the underlying SDK client.
func (c *HeroProcClient) SDK() *proc.Client { return c.sdk }

// Services is the SDK's services client.
func (c *HeroProcClient) Services() *proc.Services { return c.sdk.Services() }

// Runs is the SDK's runs client.
func (c *HeroProcClient) Runs() *proc.Runs { return c.sdk.Runs() }

// Jobs is the SDK's jobs client.
func (c *HeroProcClient) Jobs() *proc.Jobs { return c.sdk.Jobs() }

// Logs is the SDK's logs client.
func (c *HeroProcClient) Logs() *proc.Logs { return c.sdk.Logs() }

// Secrets is the SDK's secrets client.
func (c *HeroProcClient) Secrets() *proc.Secrets { return c.sdk.Secrets() }

// System is the SDK's system client.
func (c *HeroProcClient) System() *proc.System { return c.sdk.System() }

// Close releases the client's connections.
func (c *HeroProcClient) Close() error {
	if c == nil || c.sdk == nil {
		return nil
	}
	return c.sdk.Close()
}

// ServiceBuilder starts building the service name; Save puts it.
func (c *HeroProcClient) ServiceBuilder(name string) *ServiceBuilder {
	b := NewServiceBuilder(name)
	b.c = c
	return b
}

// RunBuilder starts building an ad-hoc run called name; Start starts it.
func (c *HeroProcClient) RunBuilder(name string) *RunBuilder {
	b := NewRunBuilder(name)
	b.c = c
	return b
}

var errNoClient = errors.New("factory: no client (a nil *HeroProcClient, or a builder made with NewServiceBuilder/NewRunBuilder; use HeroProcClient.ServiceBuilder/RunBuilder)")

func (c *HeroProcClient) check() error {
	if c == nil || c.sdk == nil {
		return errNoClient
	}
	return nil
}
