package python

// Tests of the generated client's robustness, each running real Python
// against a server started here on a Unix socket or loopback TCP: per-call
// deadlines (also against a server dripping its reply), the response size
// limit, garbage and schema-breaking replies, extra headers and the request
// hook, the error hierarchy (pickling) and forward compatibility (unknown
// fields and enum values).

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// pyPrelude starts every script: argv[1] is the client directory, argv[2]
// the endpoint (unix:PATH or http://host:port/rpc).
const pyPrelude = `
import pickle, sys, time
sys.path.insert(0, sys.argv[1])
import client as c


def transport(**kw):
    endpoint = sys.argv[2]
    if endpoint.startswith("unix:"):
        return c.UnixSocketTransport(endpoint[len("unix:"):], **kw)
    return c.HttpTransport(endpoint, **kw)


def expect(exc, call):
    try:
        got = call()
    except exc as e:
        return e
    raise SystemExit(f"expected {exc.__name__}, got {got!r}")
`

// runPy runs pyPrelude+script with the client directory and endpoint and
// returns its output; it fails the test on a non-zero exit or after 60 s.
func runPy(t *testing.T, dir, endpoint, script string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, testtool.Look(t, "python3"), "-c", pyPrelude+script, dir, endpoint)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "python:\n%s", out)
	return string(out)
}

// listenUnix returns a listener on a fresh short Unix socket path and its
// endpoint; both go away when the test ends.
func listenUnix(t *testing.T) (net.Listener, string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "ospy")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "rpc.sock")
	ln, err := net.Listen("unix", path)
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	return ln, "unix:" + path
}

func listenTCP(t *testing.T) (net.Listener, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	return ln, "http://" + ln.Addr().String() + "/rpc"
}

// bothListeners runs f once over a Unix socket and once over TCP.
func bothListeners(t *testing.T, f func(t *testing.T, ln net.Listener, endpoint string)) {
	for name, listen := range map[string]func(*testing.T) (net.Listener, string){"unix": listenUnix, "tcp": listenTCP} {
		listen := listen
		t.Run(name, func(t *testing.T) {
			ln, endpoint := listen(t)
			f(t, ln, endpoint)
		})
	}
}

func serveHTTP(t *testing.T, ln net.Listener, h http.Handler) {
	hs := &http.Server{Handler: h}
	go hs.Serve(ln) //nolint:errcheck // returns when closed
	t.Cleanup(func() { hs.Close() })
}

type rpcRequest struct {
	ID     json.RawMessage        `json:"id"`
	Method string                 `json:"method"`
	Params map[string]interface{} `json:"params"`
}

func readRequest(t *testing.T, r *http.Request) rpcRequest {
	var req rpcRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		t.Errorf("bad request: %v", err)
	}
	return req
}

func writeResult(w http.ResponseWriter, id json.RawMessage, result interface{}) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]interface{}{"jsonrpc": "2.0", "id": id, "result": result}) //nolint:errcheck
}

func TestPerCallTimeout(t *testing.T) {
	dir := writeClient(t)
	bothListeners(t, func(t *testing.T, ln net.Listener, endpoint string) {
		serveHTTP(t, ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			req := readRequest(t, r)
			select {
			case <-time.After(1500 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
			writeResult(w, req.ID, true)
		}))
		out := runPy(t, dir, endpoint, `
cl = c.TaskServiceClient(transport(), timeout=0.5)
assert cl.timeout == 0.5
start = time.monotonic()
e = expect(c.RpcTimeoutError, lambda: cl.task_exists("x"))
took = time.monotonic() - start
assert 0.4 < took < 1.4, took
assert isinstance(e, TimeoutError) and isinstance(e, c.RpcClientError), type(e).__mro__
assert "task_exists: no reply within 0.5 s" in str(e), e
assert e.__cause__ is not None
# A deadline longer than the default: the slow handler's reply arrives.
assert cl.task_exists("x", timeout=5) is True
assert cl.task_exists("x", timeout=float("inf")) is True
# The client's default comes from the transport when not given.
assert c.TaskServiceClient(transport(timeout=7.5)).timeout == 7.5
assert c.TaskServiceClient(transport()).timeout == c.DEFAULT_TIMEOUT == 30.0
print("ok")
`)
		assert.Equal(t, "ok\n", out)
	})
}

// dripServer answers every connection with an HTTP reply sent one byte
// per 200 ms (from the status line when body is false, else after the
// headers) until the client hangs up or 30 s pass.
func dripServer(t *testing.T, ln net.Listener, fromBody bool) {
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(30 * time.Second)) //nolint:errcheck
				br := bufio.NewReader(conn)
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						return
					}
					if line == "\r\n" {
						break
					}
				}
				body := `{"jsonrpc":"2.0","id":1,"result":true}` + strings.Repeat(" ", 200)
				head := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n"
				drip := head + body
				if fromBody {
					if _, err := io.WriteString(conn, head); err != nil {
						return
					}
					drip = body
				}
				for i := 0; i < len(drip); i++ {
					if _, err := conn.Write([]byte{drip[i]}); err != nil {
						return
					}
					time.Sleep(200 * time.Millisecond)
				}
			}()
		}
	}()
}

func TestDeadlineBoundsDrippingServer(t *testing.T) {
	dir := writeClient(t)
	for _, fromBody := range []bool{false, true} {
		fromBody := fromBody
		name := "status"
		if fromBody {
			name = "body"
		}
		t.Run(name, func(t *testing.T) {
			bothListeners(t, func(t *testing.T, ln net.Listener, endpoint string) {
				dripServer(t, ln, fromBody)
				start := time.Now()
				out := runPy(t, dir, endpoint, `
cl = c.TaskServiceClient(transport(timeout=30))
start = time.monotonic()
e = expect(c.RpcTimeoutError, lambda: cl.task_exists("x", timeout=1))
took = time.monotonic() - start
assert 0.9 < took < 2.5, took
assert "within 1 s" in str(e), e
print("ok")
`)
				assert.Equal(t, "ok\n", out)
				assert.Less(t, time.Since(start), 5*time.Second, "the deadline did not bound the call")
			})
		})
	}
}

func TestResponseLimit(t *testing.T) {
	dir := writeClient(t)
	bothListeners(t, func(t *testing.T, ln net.Listener, endpoint string) {
		var written int64
		serveHTTP(t, ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			req := readRequest(t, r)
			if req.Params["sid"] == "declared" {
				w.Header().Set("Content-Length", "200000000")
			}
			io.WriteString(w, `{"jsonrpc":"2.0","id":1,"result":"`) //nolint:errcheck
			chunk := []byte(strings.Repeat("a", 1<<16))
			for i := 0; i < 4096; i++ { // at most 256 MiB
				n, err := w.Write(chunk)
				atomic.AddInt64(&written, int64(n))
				if err != nil {
					return
				}
			}
		}))
		out := runPy(t, dir, endpoint, `
cl = c.TaskServiceClient(transport(), max_response_bytes=1 << 20)
assert c.TaskServiceClient(transport()).max_response_bytes == 64 << 20
e = expect(c.ResponseTooLargeError, lambda: cl.task_get("endless"))
assert isinstance(e, c.ProtocolError) and e.method == "task_get", e
assert "task_get: the reply body exceeds the limit of 1048576 bytes" in str(e), e
e = expect(c.ResponseTooLargeError, lambda: cl.task_get("declared"))
assert "(200000000 bytes) exceeds the limit of 1048576 bytes" in str(e), e
print("ok")
`)
		assert.Equal(t, "ok\n", out)
		// The client stopped reading: the server could not write the 256 MiB.
		time.Sleep(100 * time.Millisecond)
		assert.Less(t, atomic.LoadInt64(&written), int64(64<<20))
	})
}

// validTask is a kitchen_sink Task on the wire.
func validTask() map[string]interface{} {
	return map[string]interface{}{
		"sid": "t1", "name": "n", "phase": "pending", "priority": -1, "attempts": 1, "size": 2, "quota": 3,
		"ratio": 0.5, "score": 1, "done": false, "created_at": "2024-01-02T03:04:05Z", "payload": "AAE=",
		"extra": nil, "tags": []interface{}{"a"}, "labels": map[string]interface{}{"k": "v"},
		"steps":  []interface{}{map[string]interface{}{"title": "s", "children": []interface{}{}}},
		"matrix": map[string]interface{}{"m": []interface{}{1}}, "owner": map[string]interface{}{"name": "Ann"},
	}
}

// schemaServer answers task_get with a Task changed by the case named in
// its sid, other methods with canned results, and a few raw breakages.
func schemaServer(t *testing.T) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := readRequest(t, r)
		raw := func(s string) {
			hj, ok := w.(http.Hijacker)
			if !ok {
				t.Error("no hijacker")
				return
			}
			conn, _, err := hj.Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			io.WriteString(conn, s) //nolint:errcheck
			conn.Close()
		}
		switch req.Method {
		case "task_get":
			task := validTask()
			switch req.Params["sid"] {
			case "missing_name":
				delete(task, "name")
			case "tags_str":
				task["tags"] = "a"
			case "done_5":
				task["done"] = 5
			case "priority_bool":
				task["priority"] = true
			case "attempts_negative":
				task["attempts"] = -1
			case "step_title":
				task["steps"] = []interface{}{map[string]interface{}{"title": "ok", "children": []interface{}{map[string]interface{}{"title": 1, "children": []interface{}{}}}}}
			case "bad_time":
				task["created_at"] = "yesterday"
			case "label_value":
				task["labels"] = map[string]interface{}{"k": []interface{}{}}
			case "owner_null":
				task["owner"] = nil
			case "not_object":
				writeResult(w, req.ID, []interface{}{1})
				return
			case "unknown":
				task["phase"] = "paused"
				task["brand_new"] = map[string]interface{}{"x": 1}
				task["owner"] = map[string]interface{}{"name": "Ann", "pronouns": "she"}
			}
			writeResult(w, req.ID, task)
		case "task_exists":
			writeResult(w, req.ID, 5)
		case "task_start":
			writeResult(w, req.ID, "paused")
		case "task_list":
			writeResult(w, req.ID, []interface{}{"a", 2})
		case "sum":
			writeResult(w, req.ID, 1)
		case "reset":
			io.WriteString(w, "<html>oops</html>") //nolint:errcheck
		case "task_list_full":
			raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"jsonrpc\"")
		case "task_delete":
			raw("garbage\r\n\r\n")
		default:
			writeResult(w, req.ID, nil)
		}
	})
}

func TestBadReplies(t *testing.T) {
	dir := writeClient(t)
	bothListeners(t, func(t *testing.T, ln net.Listener, endpoint string) {
		serveHTTP(t, ln, schemaServer(t))
		out := runPy(t, dir, endpoint, `
cl = c.TaskServiceClient(transport(timeout=10))
cases = [
    ("missing_name", "result.name", "required field missing"),
    ("tags_str", "result.tags", "expected an array, got a string"),
    ("done_5", "result.done", "expected a boolean, got the number 5"),
    ("priority_bool", "result.priority", "expected an integer, got a boolean"),
    ("attempts_negative", "result.attempts", "-1 is out of range [0, 4294967295]"),
    ("step_title", "result.steps[0].children[0].title", "expected a string, got the number 1"),
    ("bad_time", "result.created_at", "not an RFC 3339 date-time"),
    ("label_value", "result.labels.k", "expected a string, got an array"),
    ("owner_null", "result.owner", "expected an object, got null"),
    ("not_object", "result", "expected an object, got an array"),
]
for sid, path, reason in cases:
    e = expect(c.ProtocolError, lambda: cl.task_get(sid))
    assert type(e) is c.ProtocolError, (sid, type(e))
    assert e.method == "task_get" and e.path == path, (sid, e.method, e.path)
    assert str(e).startswith("task_get: the reply does not fit the schema: " + path + ": "), (sid, str(e))
    assert reason in str(e), (sid, str(e))
    assert isinstance(e.__cause__, ValueError), (sid, e.__cause__)
e = expect(c.ProtocolError, lambda: cl.task_exists("x"))
assert e.path == "result" and "task_exists" in str(e) and "expected a boolean" in str(e), e
e = expect(c.ProtocolError, lambda: cl.task_list())
assert e.path == "result[1]", e
assert cl.sum([1.0]) == 1.0 and isinstance(cl.sum([1.0]), float)
e = expect(c.ProtocolError, lambda: cl.reset())
assert "reset: HTTP 200, not a JSON-RPC response: '<html>oops</html>'" in str(e), e
e = expect(c.TransportError, lambda: cl.task_list_full())
assert isinstance(e, OSError) and isinstance(e, c.RpcClientError)
assert type(e.__cause__).__name__ == "IncompleteRead", repr(e.__cause__)
assert str(e).startswith("task_list_full: IncompleteRead"), e
e = expect(c.TransportError, lambda: cl.task_delete("x"))
assert type(e.__cause__).__name__ == "BadStatusLine", repr(e.__cause__)
print("ok")
`)
		assert.Equal(t, "ok\n", out)
	})
}

func TestForwardCompatible(t *testing.T) {
	dir := writeClient(t)
	ln, endpoint := listenUnix(t)
	serveHTTP(t, ln, schemaServer(t))
	out := runPy(t, dir, endpoint, `
cl = c.TaskServiceClient(transport())
task = cl.task_get("unknown")
assert isinstance(task.phase, c.Phase), type(task.phase)
assert task.phase.value == "paused" and task.phase == "paused"
assert task.phase not in c.Phase and task.phase.name == "?paused", task.phase.name
assert c.Phase("paused") is task.phase and list(c.Phase) == [c.Phase.PENDING, c.Phase.RUNNING, c.Phase.DONE, c.Phase.FAILED]
assert task.to_dict()["phase"] == "paused" and "brand_new" not in task.to_dict()
assert task.owner == c.Actor(name="Ann")
assert pickle.loads(pickle.dumps(task.phase)) is task.phase
phase = cl.task_start("t1")
assert isinstance(phase, c.Phase) and phase.value == "paused"
assert c.Phase("done") is c.Phase.DONE
print("ok")
`)
	assert.Equal(t, "ok\n", out)
}

func TestHeadersAndHook(t *testing.T) {
	dir := writeClient(t)
	bothListeners(t, func(t *testing.T, ln net.Listener, endpoint string) {
		var mu sync.Mutex
		var seen []http.Header
		serveHTTP(t, ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			req := readRequest(t, r)
			mu.Lock()
			seen = append(seen, r.Header.Clone())
			mu.Unlock()
			writeResult(w, req.ID, true)
		}))
		out := runPy(t, dir, endpoint, `
calls = []


def hook(method: str, headers: dict) -> None:
    calls.append((method, dict(headers)))
    headers["X-Trace"] = "trace-" + method
    headers["X-Override"] = "hook"


cl = c.TaskServiceClient(
    transport(headers={"Authorization": "Bearer x", "X-Override": "transport"}),
    request_hook=hook,
)
assert cl.task_exists("a") is True
assert cl.task_exists("b") is True
assert calls == [("task_exists", {"Content-Type": "application/json", "Accept": "application/json"})] * 2, calls
assert c.TaskServiceClient(transport(headers={"Authorization": "Bearer y"})).task_exists("c")
print("ok")
`)
		assert.Equal(t, "ok\n", out)
		mu.Lock()
		defer mu.Unlock()
		require.Len(t, seen, 3)
		for _, h := range seen[:2] {
			assert.Equal(t, "Bearer x", h.Get("Authorization"))
			assert.Equal(t, "trace-task_exists", h.Get("X-Trace"))
			assert.Equal(t, "hook", h.Get("X-Override"), "the hook's headers win over the transport's")
			assert.Equal(t, "application/json", h.Get("Content-Type"))
		}
		assert.Equal(t, "Bearer y", seen[2].Get("Authorization"))
		assert.Empty(t, seen[2].Get("X-Trace"))
	})
}

func TestErrorHierarchyPickles(t *testing.T) {
	dir := writeClient(t)
	ln, endpoint := listenUnix(t)
	ln.Close() // nothing listens: connection refused
	out := runPy(t, dir, endpoint, `
errors = [
    c.RpcClientError("base"),
    c.TransportError("t: down"),
    c.RpcTimeoutError("t: no reply within 1 s"),
    c.ProtocolError("t: bad", "t", "result.x"),
    c.ResponseTooLargeError("t: big", "t"),
    c.RpcError(-32000, "custom", {"a": [1]}),
    c.NotFoundError(),
    c.NotFoundError("gone", data=[1]),
    c.BadPhaseError(message="no", data="d"),
]
for e in errors:
    assert isinstance(e, c.RpcClientError), e
    e.extra = 1
    got = pickle.loads(pickle.dumps(e))
    assert type(got) is type(e), (type(got), type(e))
    assert str(got) == str(e) and got.args == e.args, (got, e)
    assert got.__dict__ == e.__dict__, (got.__dict__, e.__dict__)
for cls in [c.TransportError, c.ProtocolError, c.RpcError]:
    assert issubclass(cls, c.RpcClientError)
assert issubclass(c.RpcTimeoutError, c.TransportError) and issubclass(c.RpcTimeoutError, TimeoutError)
assert issubclass(c.TransportError, OSError) and issubclass(c.ResponseTooLargeError, c.ProtocolError)
assert issubclass(c.NotFoundError, c.RpcError)
nf = pickle.loads(pickle.dumps(c.NotFoundError(data=3)))
assert nf.code == 1004 and nf.message == "The task does not exist." and nf.data == 3
cl = c.TaskServiceClient(transport())
e = expect(c.TransportError, lambda: cl.reset())
assert isinstance(e.__cause__, (ConnectionRefusedError, FileNotFoundError)), repr(e.__cause__)
assert str(e).startswith("reset: "), e
e = expect(c.TransportError, lambda: c.TaskServiceClient(c.HttpTransport("http://127.0.0.1:1/rpc")).reset())
assert isinstance(e.__cause__, ConnectionRefusedError), repr(e.__cause__)
print("ok")
`)
	assert.Equal(t, "ok\n", out)
}

// TestTypedUsage type-checks, with mypy --strict, a program using the new
// options the way a caller would.
func TestTypedUsage(t *testing.T) {
	t.Parallel()
	dir := writeClient(t)
	usage := `from typing import Dict, List, Optional

from client import (
    DEFAULT_MAX_RESPONSE_BYTES,
    HttpTransport,
    Phase,
    ProtocolError,
    RequestHook,
    RpcClientError,
    RpcTimeoutError,
    Task,
    TaskServiceClient,
    UnixSocketTransport,
)


def add_token(method: str, headers: Dict[str, str]) -> None:
    headers["Authorization"] = "Bearer " + method


hook: RequestHook = add_token
c = TaskServiceClient(
    HttpTransport("http://127.0.0.1:1/rpc", headers={"Authorization": "Bearer x"}),
    timeout=5.0,
    max_response_bytes=DEFAULT_MAX_RESPONSE_BYTES // 2,
    request_hook=hook,
)
u = TaskServiceClient(UnixSocketTransport("/tmp/x.sock", headers={"A": "b"}))
try:
    t: Task = c.task_get("t1", timeout=60.0)
    p: Phase = c.task_start("t1", dry_run=True, timeout=None)
    names: List[str] = u.task_list(timeout=0.5)
    c.reset(timeout=1)
except RpcTimeoutError as e:
    print(e)
except ProtocolError as e:
    where: str = e.path
    m: Optional[str] = e.method
except RpcClientError as e:
    print(e.__cause__)
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "usage.py"), []byte(usage), 0o644))
	bad := `from client import TaskServiceClient

c = TaskServiceClient()
c.task_get("t1", 5.0)
c.reset(timeout="1")
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.py"), []byte(bad), 0o644))
	mypy := testtool.Mypy(t)
	cmd := exec.Command(mypy[0], append(mypy[1:], "--strict", "--python-version", "3.9", "--no-incremental", "client.py", "usage.py")...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "mypy --strict: %s", out)
	cmd = exec.Command(mypy[0], append(mypy[1:], "--strict", "--python-version", "3.9", "--no-incremental", "bad.py")...)
	cmd.Dir = dir
	out, err = cmd.CombinedOutput()
	require.Error(t, err, "%s", out)
	assert.Contains(t, string(out), `bad.py:4: error: Too many positional arguments for "task_get" of "TaskServiceClient"`)
	assert.Contains(t, string(out), `bad.py:5: error: Argument "timeout" to "reset" of "TaskServiceClient" has incompatible type "str"; expected "Optional[float]"`)
}

// TestTimeoutParamEscaped: a schema param named timeout becomes timeout_,
// so it cannot clash with the per-call timeout.
func TestTimeoutParamEscaped(t *testing.T) {
	f64 := model.Scalar(model.KindF64)
	svc := &model.Service{Name: "S", Methods: []*model.Method{{Name: "wait", Params: []*model.Field{{Name: "timeout", Type: f64}}, Result: f64}}}
	s := &model.Schema{Name: "s", Services: []*model.Service{svc}}
	files, err := Generate(s, svc, emit.Options{})
	require.NoError(t, err)
	src := string(files[0].Content)
	assert.Contains(t, src, "    def wait(self, timeout_: float, *, timeout: Optional[float] = None) -> float:\n")
	assert.Contains(t, src, `"timeout": timeout_,`)
	assert.Contains(t, src, `return self._call("wait", params, _float, timeout)`)
}

// TestHTTPS runs a call, a per-call deadline and a dripping reply over TLS
// (the client trusts the test server's certificate through SSL_CERT_FILE).
func TestHTTPS(t *testing.T) {
	dir := writeClient(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := readRequest(t, r)
		if req.Params["sid"] == "slow" {
			select {
			case <-time.After(1500 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
		if req.Params["sid"] == "drip" {
			w.Header().Set("Content-Length", "300")
			for i := 0; i < 300; i++ {
				if _, err := w.Write([]byte(" ")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				time.Sleep(200 * time.Millisecond)
			}
			return
		}
		writeResult(w, req.ID, true)
	}))
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	script := `
cl = c.TaskServiceClient(transport(headers={"Authorization": "Bearer t"}), timeout=0.5)
assert cl.task_exists("fast") is True
e = expect(c.RpcTimeoutError, lambda: cl.task_exists("slow"))
assert cl.task_exists("slow", timeout=5) is True
start = time.monotonic()
e = expect(c.RpcTimeoutError, lambda: cl.task_exists("drip", timeout=1))
took = time.monotonic() - start
assert 0.9 < took < 2.5, took
print("ok")
`
	cmd := exec.CommandContext(ctx, testtool.Look(t, "python3"), "-c", pyPrelude+script, dir, srv.URL+"/rpc")
	cmd.Env = append(os.Environ(), "SSL_CERT_FILE="+ca)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "python:\n%s", out)
	assert.Equal(t, "ok\n", string(out))
}
