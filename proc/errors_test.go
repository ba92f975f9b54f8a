package proc_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/proc"
	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

// assertKind checks err is of exactly one kind.
func assertKind(t *testing.T, err error, kind error) {
	t.Helper()
	require.Error(t, err)
	for _, k := range []error{proc.ErrUnavailable, proc.ErrTimeout, proc.ErrProtocol, proc.ErrUnauthorized} {
		if k == kind {
			assert.ErrorIs(t, err, k)
		} else {
			assert.NotErrorIs(t, err, k)
		}
	}
}

func TestSocketMissingIsUnavailable(t *testing.T) {
	dir, cleanup, err := sockDir()
	require.NoError(t, err)
	defer cleanup()
	path := filepath.Join(dir, "rpc.sock")
	c, err := proc.DialUnix(path)
	require.NoError(t, err, "DialUnix does no I/O")

	err = c.Ping(testCtx(t))
	assertKind(t, err, proc.ErrUnavailable)
	var ue *proc.UnavailableError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, path, ue.Addr)
	assert.ErrorIs(t, err, syscall.ENOENT)
	assert.Equal(t, fmt.Sprintf("hero_proc: daemon unavailable at %s: dial unix %s: connect: no such file or directory", path, path), err.Error())
}

func TestConnectionRefusedIsUnavailable(t *testing.T) {
	dir, cleanup, err := sockDir()
	require.NoError(t, err)
	defer cleanup()
	path := filepath.Join(dir, "rpc.sock")
	l, err := net.Listen("unix", path)
	require.NoError(t, err)
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	require.NoError(t, l.Close()) // a stale socket file: nobody listens

	c, err := proc.DialUnix(path)
	require.NoError(t, err)
	_, err = c.System().Version(testCtx(t))
	assertKind(t, err, proc.ErrUnavailable)
	assert.ErrorIs(t, err, syscall.ECONNREFUSED)
	assert.Contains(t, err.Error(), "connect: connection refused")

	// Over HTTP: a port nobody listens on.
	tl, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := tl.Addr().String()
	tl.Close()
	hc, err := proc.DialHTTP("http://" + addr)
	require.NoError(t, err)
	err = hc.Ping(testCtx(t))
	assertKind(t, err, proc.ErrUnavailable)
	var ue *proc.UnavailableError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "http://"+addr, ue.Addr)
}

func TestServerClosedMidCallIsUnavailable(t *testing.T) {
	e := newEnv(t, dropReplies(heroproc.MethodSystemVersion))
	_, err := e.c.System().Version(testCtx(t))
	assertKind(t, err, proc.ErrUnavailable)
	assert.Contains(t, err.Error(), "connection closed before the reply to "+heroproc.MethodSystemVersion)
	assert.Equal(t, 1, e.fake.count(heroproc.MethodSystemVersion))
}

// A call whose connection broke after the daemon executed it is not sent
// again: the SDK cannot know it is safe to repeat.
func TestNoRetryOfNonIdempotentCalls(t *testing.T) {
	e := newEnv(t, dropReplies(heroproc.MethodRunStart, heroproc.MethodServicePut, heroproc.MethodServiceRestart))
	ctx := testCtx(t)
	require.NoError(t, e.c.Ping(ctx)) // a kept-alive connection exists, as in real use

	_, err := e.c.Runs().Start(ctx, "once", []proc.ActionSpec{script("a", "echo hi")}, "")
	assertKind(t, err, proc.ErrUnavailable)
	assert.Equal(t, 1, e.fake.count(heroproc.MethodRunStart), "run_start executed once, not retried")

	_, err = e.c.Services().Put(ctx, proc.ServiceSpec{Name: "s", Actions: []proc.ActionSpec{script("a", "x")}})
	assertKind(t, err, proc.ErrUnavailable)
	assert.Equal(t, 1, e.fake.count(heroproc.MethodServicePut))

	_, err = e.c.Services().Restart(ctx, "s", false)
	assertKind(t, err, proc.ErrUnavailable)
	assert.Equal(t, 1, e.fake.count(heroproc.MethodServiceRestart))

	// The fake did execute them: the run and the service exist.
	runs, err := e.c.Runs().List(ctx, proc.RunFilter{})
	require.NoError(t, err)
	assert.Len(t, runs, 2, "the dropped run_start and service_restart each started one run")
	time.Sleep(50 * time.Millisecond)
	assert.Equal(t, 1, e.fake.count(heroproc.MethodRunStart))
}

func TestDeadlineIsTimeout(t *testing.T) {
	e := newEnv(t, nil)
	e.fake.block = true
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := e.c.Services().List(ctx)
	assertKind(t, err, proc.ErrTimeout)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.Equal(t, "hero_proc: timeout: "+heroproc.MethodServiceList+": context deadline exceeded", err.Error())

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = e.c.Services().List(ctx)
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, proc.ErrTimeout)
	assert.NotErrorIs(t, err, proc.ErrUnavailable)

	// An http.Client timeout (WithHTTPClient) is the Timeout kind as well.
	c, err := proc.DialUnix(e.path, proc.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Services().List(context.Background())
	assertKind(t, err, proc.ErrTimeout)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestNonJSONReplyIsProtocolError(t *testing.T) {
	c := rawServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "hello, I am not JSON-RPC")
	})
	_, err := c.System().Version(testCtx(t))
	assertKind(t, err, proc.ErrProtocol)
	var pe *proc.ProtocolError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, heroproc.MethodSystemVersion, pe.Method)
	assert.Equal(t, "hello, I am not JSON-RPC", string(pe.Body))
	assert.True(t, strings.HasPrefix(err.Error(), "hero_proc: protocol error: "+heroproc.MethodSystemVersion+": reply is not JSON-RPC: "), err.Error())
}

func TestWrongIDIsProtocolError(t *testing.T) {
	c := rawServer(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"jsonrpc":"2.0","id":999999,"result":{}}`)
	})
	_, err := c.System().Health(testCtx(t))
	assertKind(t, err, proc.ErrProtocol)
	assert.Contains(t, err.Error(), "reply id 999999 does not match request id")
}

func TestBadRepliesAreProtocolErrors(t *testing.T) {
	for name, reply := range map[string]string{
		"no version":   `{"id":1,"result":{}}`,
		"no result":    `{"jsonrpc":"2.0","id":1}`,
		"null result":  `{"jsonrpc":"2.0","id":1,"result":null}`,
		"wrong schema": `{"jsonrpc":"2.0","id":1,"result":{"ok":"yes"}}`,
		"missing req":  `{"jsonrpc":"2.0","id":1,"result":{"ok":true}}`,
	} {
		reply := reply
		t.Run(name, func(t *testing.T) {
			c := rawServer(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, reply) })
			_, err := c.System().Health(testCtx(t))
			assertKind(t, err, proc.ErrProtocol)
		})
	}
}

func TestHTTPStatusIsProtocolError(t *testing.T) {
	for _, code := range []int{http.StatusInternalServerError, http.StatusNotFound, http.StatusBadGateway, http.StatusNoContent} {
		code := code
		t.Run(http.StatusText(code), func(t *testing.T) {
			c := rawServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(code)
				if code != http.StatusNoContent {
					fmt.Fprint(w, "boom")
				}
			})
			_, err := c.System().Version(testCtx(t))
			assertKind(t, err, proc.ErrProtocol)
			var pe *proc.ProtocolError
			require.ErrorAs(t, err, &pe)
			assert.Contains(t, pe.Detail, fmt.Sprint(code))
		})
	}
}

func TestOversizedReplyIsProtocolError(t *testing.T) {
	e := newEnv(t, nil, proc.WithMaxResponseBytes(64))
	_, err := e.c.System().Version(testCtx(t))
	assertKind(t, err, proc.ErrProtocol)
	assert.Contains(t, err.Error(), "reply larger than 64 bytes")

	c, err := proc.DialUnix(e.path, proc.WithMaxResponseBytes(4096))
	require.NoError(t, err)
	defer c.Close()
	_, err = c.System().Version(testCtx(t))
	assert.NoError(t, err)
}

// tokenCheck wraps a handler: requests must carry "Authorization: Bearer
// token"; a missing one is 401, a wrong one 403.
func tokenCheck(token string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.Header.Get("Authorization") {
			case "Bearer " + token:
				next.ServeHTTP(w, r)
			case "":
				http.Error(w, "missing bearer token", http.StatusUnauthorized)
			default:
				http.Error(w, "wrong bearer token", http.StatusForbidden)
			}
		})
	}
}

func TestUnauthorized(t *testing.T) {
	f := newFake()
	srv := httptest.NewServer(tokenCheck("s3cret")(quietHandler(f)))
	defer srv.Close()
	ctx := testCtx(t)

	c, err := proc.DialHTTP(srv.URL)
	require.NoError(t, err)
	err = c.Ping(ctx)
	assertKind(t, err, proc.ErrUnauthorized)
	assert.Equal(t, "hero_proc: unauthorized: "+heroproc.MethodSystemHealth+": HTTP 401 Unauthorized from "+srv.URL+": missing bearer token", err.Error())

	c, err = proc.DialHTTP(srv.URL, proc.WithToken("wrong"))
	require.NoError(t, err)
	err = c.Ping(ctx)
	assertKind(t, err, proc.ErrUnauthorized)
	assert.Contains(t, err.Error(), "HTTP 403 Forbidden")

	c, err = proc.DialHTTP(srv.URL+"/", proc.WithToken("s3cret"))
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.Ping(ctx))
	v, err := c.System().Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, "fake-1.0", v.Version)

	// The token goes over the Unix socket too.
	e := newEnv(t, tokenCheck("s3cret"), proc.WithToken("s3cret"))
	require.NoError(t, e.c.Ping(ctx))
}

func TestHTTPWithOwnClient(t *testing.T) {
	f := newFake()
	srv := httptest.NewServer(quietHandler(f))
	defer srv.Close()
	c, err := proc.DialHTTP(srv.URL, proc.WithHTTPClient(srv.Client()))
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.Ping(testCtx(t)))
}

func TestApplicationErrors(t *testing.T) {
	e := newEnv(t, nil)
	ctx := testCtx(t)

	_, err := e.c.Services().Get(ctx, "nope")
	assertKind(t, err, nil)
	assert.ErrorIs(t, err, proc.ErrNotFound)
	assert.ErrorIs(t, err, heroproc.ErrNotFound)
	assert.NotErrorIs(t, err, proc.ErrConflict)
	var rpcErr *heroproc.RPCError
	require.ErrorAs(t, err, &rpcErr)
	assert.Equal(t, 1001, rpcErr.Code)
	assert.Equal(t, `no service "nope"`, rpcErr.Message)
	assert.Equal(t, "hero_proc: "+heroproc.MethodServiceGet+`: rpc error 1001: no service "nope"`, err.Error())

	_, err = e.c.Services().Put(ctx, proc.ServiceSpec{Name: "x"})
	assert.ErrorIs(t, err, proc.ErrInvalidSpec)
	require.ErrorAs(t, err, &rpcErr)
	assert.JSONEq(t, `["a service needs a name and an action"]`, string(rpcErr.Data))

	_, err = e.c.Services().Put(ctx, proc.ServiceSpec{Name: "base", Actions: []proc.ActionSpec{script("a", "x")}})
	require.NoError(t, err)
	_, err = e.c.Services().Put(ctx, proc.ServiceSpec{Name: "app", Actions: []proc.ActionSpec{script("a", "x")}, DependsOn: []string{"base"}})
	require.NoError(t, err)
	assert.ErrorIs(t, e.c.Services().Delete(ctx, "base"), proc.ErrConflict)

	for _, sentinel := range []*heroproc.RPCError{proc.ErrStoreFailed, proc.ErrShuttingDown} {
		e.fake.setFail(sentinel.WithMessage("from the daemon"))
		_, err = e.c.Secrets().Set(ctx, "c", "k", "v")
		assert.ErrorIs(t, err, sentinel)
		assert.NotErrorIs(t, err, proc.ErrNotFound)
	}
	assert.Equal(t, 1004, proc.ErrStoreFailed.Code)
	assert.Equal(t, 1005, proc.ErrShuttingDown.Code)
}

func TestInvalidParams(t *testing.T) {
	e := newEnv(t, nil)
	ctx := testCtx(t)
	_, err := e.c.Runs().List(ctx, proc.RunFilter{Phase: "sleeping"})
	assertKind(t, err, nil)
	assert.ErrorIs(t, err, proc.ErrInvalidParams)
	var rpcErr *heroproc.RPCError
	require.ErrorAs(t, err, &rpcErr)
	assert.Equal(t, heroproc.CodeInvalidParams, rpcErr.Code)
	assert.Contains(t, rpcErr.Message, `"sleeping" is not a RunPhase`)
	assert.Equal(t, 0, e.fake.count(heroproc.MethodRunList), "rejected before the server method")

	err = e.c.API().Transport.Call(ctx, heroproc.MethodRunGet, map[string]int{"id": 3}, &proc.Run{})
	assert.ErrorIs(t, err, proc.ErrInvalidParams)

	err = e.c.API().Transport.Call(ctx, "no_such_method", map[string]int{}, nil)
	assert.ErrorIs(t, err, proc.ErrMethodNotFound)
}

func TestErrorKindsAreDistinct(t *testing.T) {
	kinds := []error{proc.ErrUnavailable, proc.ErrTimeout, proc.ErrProtocol, proc.ErrUnauthorized}
	for i, a := range kinds {
		for j, b := range kinds {
			assert.Equal(t, i == j, errors.Is(a, b))
		}
	}
	ue := &proc.UnavailableError{Addr: "/x.sock", Err: os.ErrNotExist}
	assert.ErrorIs(t, ue, proc.ErrUnavailable)
	assert.ErrorIs(t, ue, os.ErrNotExist)
	pe := &proc.ProtocolError{Method: "m", Detail: "d", Body: []byte(" b ")}
	assert.ErrorIs(t, pe, proc.ErrProtocol)
	assert.Equal(t, `hero_proc: protocol error: m: d: "b"`, pe.Error())
}
