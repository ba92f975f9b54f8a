package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/lhumina-code/rules_oschema/proc"
	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

// The exit codes of Main; see the package documentation.
const (
	ExitOK          = 0
	ExitFailed      = 1
	ExitUsage       = 2
	ExitUnavailable = 3
	ExitNotFound    = 4
)

// The environment variables hero_proc reads.
const (
	// SocketEnv is the daemon's socket path when --socket is not given.
	SocketEnv = "HERO_PROC_SOCKET"
	// TokenEnv is the bearer token for --http when --token is not given.
	TokenEnv = "HERO_PROC_TOKEN"
)

// DefaultTimeout is how long one call may take when --timeout is not given.
const DefaultTimeout = 30 * time.Second

// Main runs hero_proc with args (without the program name), reading stdin
// from os.Stdin, and returns the exit code. SIGINT and SIGTERM cancel the
// command: following logs, that ends it cleanly.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, os.Stdin, stdout, stderr, args)
}

// Run is Main with a context (canceling it is Ctrl-C) and stdin given.
func Run(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, args []string) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	e.g.token = os.Getenv(TokenEnv)
	defer e.close()
	return e.report(e.main(args))
}

// globals are the flags every command takes, before or after its name.
type globals struct {
	socket  string
	httpURL string
	token   string
	json    bool
	timeout time.Duration
}

var globalNames = map[string]bool{"socket": true, "http": true, "token": true, "json": true, "timeout": true}

func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.socket, "socket", g.socket, "`PATH` of the daemon's Unix socket (default $"+SocketEnv+", else "+heroproc.DefaultSocketPath+")")
	fs.StringVar(&g.httpURL, "http", g.httpURL, "reach the daemon's HTTP endpoint at `URL` instead of its socket")
	fs.StringVar(&g.token, "token", g.token, "the bearer `TOKEN` for --http (default $"+TokenEnv+")")
	fs.BoolVar(&g.json, "json", g.json, "print machine-readable JSON")
	fs.DurationVar(&g.timeout, "timeout", g.timeout, "the longest one call may take, a Go `DURATION` (default 30s)")
}

// env is one invocation: its streams, flags and client.
type env struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
	g              globals
	cmd            string // the command being run, for messages
	c              *proc.Client
}

func (e *env) close() {
	if e.c != nil {
		_ = e.c.Close()
	}
}

// main parses the global flags and runs the command.
func (e *env) main(args []string) error {
	fs := flag.NewFlagSet("hero_proc", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	e.g.register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeUsage(e.stdout)
			return nil
		}
		return usagef("%v", err)
	}
	rest := fs.Args()
	if len(rest) == 0 {
		writeUsage(e.stderr)
		return exitCode(ExitUsage)
	}
	cmd := lookup(rest[0])
	if cmd == nil {
		return usagef("unknown command %q (see 'hero_proc help')", rest[0])
	}
	e.cmd = cmd.name
	return cmd.run(e, rest[1:])
}

// client returns the client of the daemon, dialing it the first time.
func (e *env) client() (*proc.Client, error) {
	if e.c != nil {
		return e.c, nil
	}
	var c *proc.Client
	var err error
	if e.g.httpURL != "" {
		c, err = proc.DialHTTP(e.g.httpURL, proc.WithToken(e.g.token))
	} else {
		c, err = proc.DialUnix(e.socket())
	}
	if err != nil {
		return nil, err
	}
	e.c = c
	return c, nil
}

// socket is the socket path to dial, before "~/" expansion.
func (e *env) socket() string {
	if e.g.socket != "" {
		return e.g.socket
	}
	if s := os.Getenv(SocketEnv); s != "" {
		return s
	}
	return heroproc.DefaultSocketPath
}

// call returns the context of one call, bounded by --timeout.
func (e *env) call() (context.Context, context.CancelFunc) {
	d := e.g.timeout
	if d <= 0 {
		d = DefaultTimeout
	}
	return context.WithTimeout(e.ctx, d)
}

// waitCtx returns the context of a wait: bounded by --timeout when given.
func (e *env) waitCtx() (context.Context, context.CancelFunc) {
	if e.g.timeout > 0 {
		return context.WithTimeout(e.ctx, e.g.timeout)
	}
	return context.WithCancel(e.ctx)
}

// printJSON writes v as indented JSON on stdout.
func (e *env) printJSON(v interface{}) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table returns a tabwriter on stdout; Flush it.
func (e *env) table() *tabwriter.Writer {
	return tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
}

// The errors commands return besides the SDK's.

// usageError is a mistake on the command line: exit 2.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, args ...interface{}) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exitError ends the command with code, printing msg when it is not empty.
type exitError struct {
	code int
	msg  string
}

func (x *exitError) Error() string { return x.msg }

func exitCode(code int) error { return &exitError{code: code} }

// errHelpShown: the command's help was printed on request (exit 0).
var errHelpShown = errors.New("help shown")

// report prints err as one line (invalid specs: one line per problem) on
// stderr and returns the exit code.
func (e *env) report(err error) int {
	if err == nil || err == errHelpShown {
		return ExitOK
	}
	var ue *usageError
	var xe *exitError
	var rpc *heroproc.RPCError
	var unav *proc.UnavailableError
	switch {
	case errors.As(err, &xe):
		if xe.msg != "" {
			e.errorf("%s", xe.msg)
		}
		return xe.code
	case errors.As(err, &ue):
		if e.cmd != "" && !strings.Contains(ue.msg, "hero_proc help") {
			e.errorf("%s: %s (see 'hero_proc help %s')", e.cmd, ue.msg, e.cmd)
		} else {
			e.errorf("%s", ue.msg)
		}
		return ExitUsage
	case errors.As(err, &unav) || errors.Is(err, proc.ErrUnavailable):
		addr := e.socket()
		if unav != nil {
			addr = unav.Addr
		}
		switch {
		case e.g.httpURL != "":
			e.errorf("daemon unavailable at %s (is hero_procd running with --http?)", addr)
		case errors.Is(err, syscall.EACCES):
			e.errorf("daemon unavailable at %s: permission denied", addr)
		default:
			e.errorf("daemon unavailable at %s (is hero_procd running? start it with: hero_procd --socket %s)", addr, addr)
		}
		return ExitUnavailable
	case errors.Is(err, proc.ErrTimeout):
		d := e.g.timeout
		if d <= 0 {
			d = DefaultTimeout
		}
		e.errorf("timed out after %s (see --timeout)", d)
		return ExitFailed
	case errors.Is(err, proc.ErrUnauthorized):
		e.errorf("unauthorized: the token is missing or wrong (--token or $%s)", TokenEnv)
		return ExitFailed
	case errors.Is(err, context.Canceled):
		e.errorf("interrupted")
		return ExitFailed
	case errors.As(err, &rpc):
		if errors.Is(err, proc.ErrInvalidSpec) {
			var probs []string
			if json.Unmarshal(rpc.Data, &probs) == nil && len(probs) > 0 {
				e.errorf("invalid spec:")
				for _, p := range probs {
					fmt.Fprintf(e.stderr, "  - %s\n", oneLine(p))
				}
				return ExitFailed
			}
		}
		e.errorf("%s", rpc.Message)
		if errors.Is(err, proc.ErrNotFound) {
			return ExitNotFound
		}
		return ExitFailed
	}
	e.errorf("%s", strings.TrimPrefix(err.Error(), "hero_proc: "))
	return ExitFailed
}

func (e *env) errorf(format string, args ...interface{}) {
	fmt.Fprintf(e.stderr, "hero_proc: %s\n", oneLine(fmt.Sprintf(format, args...)))
}

// oneLine keeps a message on one line.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// flags returns the flag set of the command, with the global flags.
func (e *env) flags() *flag.FlagSet {
	fs := flag.NewFlagSet("hero_proc "+e.cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse parses fs's flags (and the global flags) anywhere in args and
// returns the positional arguments. With withCommand, the arguments after
// "--", or from the first non-flag after nPos positionals on, are the
// command, returned as rest; without it, those after "--" are positional.
func (e *env) parse(fs *flag.FlagSet, args []string, nPos int, withCommand bool) (pos, rest []string, err error) {
	e.g.register(fs)
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				writeCommandUsage(e.stdout, lookup(e.cmd), fs)
				return nil, nil, errHelpShown
			}
			return nil, nil, usagef("%v", err)
		}
		r := fs.Args()
		consumed := args[:len(args)-len(r)]
		if len(consumed) > 0 && consumed[len(consumed)-1] == "--" {
			if withCommand {
				return pos, r, nil
			}
			return append(pos, r...), nil, nil
		}
		if len(r) == 0 {
			return pos, nil, nil
		}
		if withCommand && len(pos) >= nPos {
			return pos, r, nil
		}
		pos = append(pos, r[0])
		args = r[1:]
	}
}

// args parses a command's flags and checks it got between min and max
// positional arguments (max < 0: any number).
func (e *env) args(fs *flag.FlagSet, args []string, min, max int, names string) ([]string, error) {
	pos, _, err := e.parse(fs, args, 0, false)
	if err != nil {
		return nil, err
	}
	if len(pos) < min {
		return nil, usagef("missing %s", names)
	}
	if max >= 0 && len(pos) > max {
		return nil, usagef("unexpected argument %q", pos[max])
	}
	return pos, nil
}

// multi is a flag that may be given several times.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// parseEnv turns K=V flags into a map.
func parseEnv(kvs []string) (map[string]string, error) {
	if len(kvs) == 0 {
		return nil, nil
	}
	env := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		i := strings.IndexByte(kv, '=')
		if i <= 0 {
			return nil, usagef("--env %q: want NAME=VALUE", kv)
		}
		env[kv[:i]] = kv[i+1:]
	}
	return env, nil
}
