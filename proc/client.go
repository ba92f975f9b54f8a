package proc

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

// Client is a connection to a hero_proc daemon. Its domain values
// (Services, Runs, Jobs, Logs, Secrets, System) call through it. It is safe
// for concurrent use; connections are reused between calls.
type Client struct {
	t   *transport
	api *heroproc.Client
}

// Option configures DialUnix and DialHTTP.
type Option func(*options)

type options struct {
	token    string
	client   *http.Client
	maxBytes int64
}

// WithToken sends token as a bearer token (Authorization: Bearer token)
// with every request, as the daemon's HTTP endpoint requires. An empty
// token sends none.
func WithToken(token string) Option {
	return func(o *options) { o.token = token }
}

// WithHTTPClient sends requests with c, for its timeout, TLS or proxy
// settings. With DialUnix, c is copied and its Transport replaced by one
// that dials the socket. A nil c keeps the default.
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) { o.client = c }
}

// WithMaxResponseBytes bounds the size of a reply body (default
// DefaultMaxResponseBytes, 64 MiB); a larger reply fails with ErrProtocol.
// n <= 0 keeps the default.
func WithMaxResponseBytes(n int64) Option {
	return func(o *options) { o.maxBytes = n }
}

func collect(opts []Option) options {
	o := options{maxBytes: DefaultMaxResponseBytes}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.maxBytes <= 0 {
		o.maxBytes = DefaultMaxResponseBytes
	}
	return o
}

func newClient(addr, rpcURL string, hc *http.Client, o options) *Client {
	t := &transport{addr: addr, url: rpcURL, client: hc, maxBytes: o.maxBytes}
	if o.token != "" {
		t.auth = "Bearer " + o.token
	}
	return &Client{t: t, api: heroproc.NewClient(t)}
}

// DialUnix returns a client of the daemon listening on the Unix socket at
// socketPath; "" means heroproc.DefaultSocketPath and a leading "~/" is the
// user's home directory. It does no network I/O: a missing daemon is
// reported by the first call (Ping, for example) as ErrUnavailable.
func DialUnix(socketPath string, opts ...Option) (*Client, error) {
	if socketPath == "" {
		socketPath = heroproc.DefaultSocketPath
	}
	path, err := expandHome(socketPath)
	if err != nil {
		return nil, err
	}
	o := collect(opts)
	var dialer net.Dialer
	hc := &http.Client{}
	if o.client != nil {
		c := *o.client
		hc = &c
	}
	hc.Transport = &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, "unix", path)
		},
		MaxIdleConns:        64,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
	}
	return newClient(path, "http://unix/rpc", hc, o), nil
}

// DialHTTP returns a client of the daemon serving HTTP at baseURL, for
// example "http://127.0.0.1:8700"; requests are POSTed to baseURL+"/rpc".
// Use WithToken for the daemon's bearer token. It does no network I/O.
func DialHTTP(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("hero_proc: DialHTTP: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("hero_proc: DialHTTP: %q is not an http:// or https:// URL", baseURL)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("hero_proc: DialHTTP: %q has no host", baseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("hero_proc: DialHTTP: %q: a base URL has no query or fragment", baseURL)
	}
	base := strings.TrimRight(baseURL, "/")
	o := collect(opts)
	hc := o.client
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConns = 64
		tr.MaxIdleConnsPerHost = 64
		hc = &http.Client{Transport: tr}
	}
	return newClient(base, base+"/rpc", hc, o), nil
}

// expandHome replaces a leading "~/" by the user's home directory.
func expandHome(path string) (string, error) {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("hero_proc: expanding %q: %w", path, err)
	}
	return filepath.Join(home, strings.TrimPrefix(path, "~")), nil
}

// Close closes the client's idle connections. Calls in flight are not
// interrupted (cancel their contexts for that); a call made after Close
// opens a new connection.
func (c *Client) Close() error {
	c.t.client.CloseIdleConnections()
	return nil
}

// API is the generated client the wrappers call, for anything they do not
// cover (batches, notifications, rpc.discover). It uses the same transport
// and so returns the same kinds of errors.
func (c *Client) API() *heroproc.Client { return c.api }

// Ping checks that the daemon answers, with a system_health call. It
// returns nil whenever the daemon replies, healthy or not (see
// System.Health for what it reports), and otherwise the call's error:
// ErrUnavailable, ErrTimeout, ErrUnauthorized, ErrProtocol.
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.api.SystemHealth(ctx)
	return err
}

// Services is the client's services domain.
func (c *Client) Services() *Services { return &Services{api: c.api} }

// Runs is the client's runs domain.
func (c *Client) Runs() *Runs { return &Runs{api: c.api} }

// Jobs is the client's jobs domain.
func (c *Client) Jobs() *Jobs { return &Jobs{api: c.api} }

// Logs is the client's logs domain.
func (c *Client) Logs() *Logs { return &Logs{api: c.api} }

// Secrets is the client's secrets domain.
func (c *Client) Secrets() *Secrets { return &Secrets{api: c.api} }

// System is the client's system domain: the daemon itself.
func (c *Client) System() *System { return &System{api: c.api} }

// optString returns nil for "", else a pointer to s.
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// optUint32 returns nil for 0, else a pointer to n.
func optUint32(n uint32) *uint32 {
	if n == 0 {
		return nil
	}
	return &n
}

// optInt64 returns nil for 0, else a pointer to n.
func optInt64(n int64) *int64 {
	if n == 0 {
		return nil
	}
	return &n
}

// optTime returns nil for the zero time, else a pointer to t.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
