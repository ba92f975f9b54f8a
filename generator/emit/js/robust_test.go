package js

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// validTask is a kitchen_sink Task as a server sends it, plus a field
// and an enum value a newer server might send.
func validTask() map[string]interface{} {
	return map[string]interface{}{
		"sid": "t2", "name": "second", "phase": "paused", "priority": 0, "attempts": 0,
		"size": 0, "quota": 0, "ratio": 0, "score": 0, "done": true,
		"created_at": "2024-01-01T00:00:00Z", "payload": "", "extra": nil,
		"tags": []string{}, "labels": map[string]string{}, "steps": []interface{}{},
		"matrix": map[string]interface{}{}, "owner": map[string]string{"name": "Bob"},
		"added_in_v2": 1,
	}
}

// hostileServer answers kitchen_sink calls the way a broken, slow or
// newer server would, chosen by task_get's sid. It records the headers
// of every request.
type hostileServer struct {
	mu      sync.Mutex
	headers []http.Header
	// written counts the bytes of the endless reply, to prove the client
	// stopped reading.
	written int64
}

func (h *hostileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ID     json.RawMessage
		Method string
		Params map[string]interface{}
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.headers = append(h.headers, r.Header.Clone())
	h.mu.Unlock()
	reply := func(result interface{}) []byte {
		b, _ := json.Marshal(map[string]interface{}{"jsonrpc": "2.0", "id": req.ID, "result": result})
		return b
	}
	task := validTask()
	switch req.Method {
	case "task_exists":
		w.Write(reply("yes")) //nolint:errcheck
		return
	case "task_list":
		w.Write(reply([]string{"auth=" + r.Header.Get("Authorization"), "trace=" + r.Header.Get("X-Trace")})) //nolint:errcheck
		return
	}
	switch sid, _ := req.Params["sid"].(string); sid {
	case "missing":
		delete(task, "name")
	case "badlist":
		task["tags"] = "x"
	case "badbool":
		task["done"] = 5
	case "badnested":
		task["steps"] = []interface{}{map[string]interface{}{"title": 1, "children": []interface{}{}}}
	case "badmap":
		task["matrix"] = map[string]interface{}{"m": []interface{}{1, "2"}}
	case "negative":
		task["attempts"] = -1
	case "slow":
		select {
		case <-time.After(1500 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
	case "drip":
		body := reply(task)
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(http.StatusOK)
		for _, c := range body {
			if _, err := w.Write([]byte{c}); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(200 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
		return
	case "endless":
		w.WriteHeader(http.StatusOK)
		chunk := []byte(`{"jsonrpc":"2.0","id":1,"result":"` + strings.Repeat("x", 64<<10))
		for i := 0; i < 1024; i++ { // at most 64 MiB
			n, err := w.Write(chunk)
			h.mu.Lock()
			h.written += int64(n)
			h.mu.Unlock()
			if err != nil {
				return
			}
		}
		return
	}
	w.Write(reply(task)) //nolint:errcheck
}

// serveHostile serves h on a Unix socket and on loopback TCP and returns
// the driver's two endpoints.
func serveHostile(t *testing.T, h http.Handler) (unix, tcp string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "osk")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "rpc.sock")
	for _, l := range []struct{ network, addr string }{{"unix", sock}, {"tcp", "127.0.0.1:0"}} {
		ln, err := net.Listen(l.network, l.addr)
		require.NoError(t, err)
		srv := &http.Server{Handler: h}
		go srv.Serve(ln) //nolint:errcheck
		t.Cleanup(func() { srv.Close() })
		if l.network == "tcp" {
			tcp = "http://" + ln.Addr().String() + "/rpc"
		}
	}
	return "unix:" + sock, tcp
}

// robustScript runs each case against one endpoint and prints one line
// per case: its name, then the error's class and message, or "ok" and
// the result, and the elapsed milliseconds for the timed ones.
const robustScript = `
const [clientPath, endpoint] = process.argv.slice(1);
const api = await import(clientPath);
const where = endpoint.startsWith("unix:")
  ? { socketPath: endpoint.slice(5) }
  : { url: endpoint };
const cl = new api.TaskServiceClient({ ...where, timeoutMs: 500 });
const say = (name, what) => console.log(name + ": " + what);
async function run(name, call) {
  const start = Date.now();
  try {
    const r = await call();
    say(name, "ok " + JSON.stringify(r));
  } catch (e) {
    const base = e instanceof api.ClientError ? "" : " (not a ClientError)";
    say(name, e.name + base + " " + e.message);
  }
  say(name + " ms", Date.now() - start < 5000 ? "bounded" : "took " + (Date.now() - start));
}
for (const sid of ["missing", "badlist", "badbool", "badnested", "badmap", "negative"]) {
  await run(sid, () => cl.taskGet({ sid }));
}
await run("exists", () => cl.taskExists({ sid: "x" }));
await run("newer", async () => {
  const t = await cl.taskGet({ sid: "ok" });
  return [t.phase, t.added_in_v2];
});
await run("default timeout", () => cl.taskGet({ sid: "slow" }));
await run("longer deadline", async () => (await cl.taskGet({ sid: "slow" }, { timeoutMs: 5000 })).sid);
await run("drip", () => cl.taskGet({ sid: "drip" }, { timeoutMs: 1000 }));
await run("endless", () =>
  new api.TaskServiceClient({ ...where, maxResponseBytes: 1 << 20 }).taskGet({ sid: "endless" }));
await run("abort", async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error("user gave up")), 200);
  try {
    await cl.taskGet({ sid: "slow" }, { signal: ac.signal, timeoutMs: 5000 });
  } catch (e) {
    return [e.name, e instanceof api.ClientError, e.cause?.message];
  }
});
await run("after abort", async () => (await cl.taskGet({ sid: "ok" })).sid);
await run("headers", () =>
  new api.TaskServiceClient({
    ...where,
    headers: { Authorization: "Bearer s3cret" },
    onRequest: async (req) => {
      req.headers["X-Trace"] = "trace-" + req.method;
    },
  }).taskList());
await run("call headers", () =>
  new api.TaskServiceClient({ ...where, headers: { Authorization: "Bearer a" } })
    .taskList({ headers: { Authorization: "Bearer b" } }));
`

// TestHostileServers drives the kitchen_sink client against a server
// that breaks the schema, drips, never ends its body or sends what a
// newer version would, over both transports: every failure is a
// ClientError naming the method and the field, every call is bounded by
// its deadline, the body by its limit, cancellation leaves the server
// usable, and headers and the request hook reach the server.
func TestHostileServers(t *testing.T) {
	dir := goldenCopy(t)
	h := &hostileServer{}
	unix, tcp := serveHostile(t, h)
	node := testtool.Look(t, "node")
	want := map[string]string{
		"missing":         "ProtocolError task_get: result.name: missing (Task requires it)",
		"badlist":         "ProtocolError task_get: result.tags: expected a list, got string",
		"badbool":         "ProtocolError task_get: result.done: expected a boolean, got number",
		"badnested":       "ProtocolError task_get: result.steps[0].title: expected a string, got number",
		"badmap":          `ProtocolError task_get: result.matrix["m"][1]: expected an integer, got string`,
		"negative":        "ProtocolError task_get: result.attempts: expected an unsigned integer, got number",
		"exists":          "ProtocolError task_exists: result: expected a boolean, got string",
		"newer":           `ok ["paused",1]`,
		"longer deadline": `ok "t2"`,
		"abort":           `ok ["RpcAbortedError",true,"user gave up"]`,
		"after abort":     `ok "t2"`,
		"headers":         `ok ["auth=Bearer s3cret","trace=trace-task_list"]`,
		"call headers":    `ok ["auth=Bearer b","trace="]`,
	}
	for _, endpoint := range []string{unix, tcp} {
		out, err := exec.Command(node, "--input-type=module", "-e", robustScript, filepath.Join(dir, "client.js"), endpoint).CombinedOutput()
		require.NoError(t, err, "%s", out)
		got := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			name, what, ok := strings.Cut(line, ": ")
			require.True(t, ok, line)
			got[name] = what
		}
		for name, w := range want {
			assert.Equal(t, w, got[name], "%s over %s", name, endpoint)
		}
		for name, what := range got {
			if strings.HasSuffix(name, " ms") {
				assert.Equal(t, "bounded", what, "%s over %s", name, endpoint)
			}
		}
		assert.Regexp(t, `^RpcTimeoutError TaskService\.task_get: no reply from .* within 500 ms$`, got["default timeout"], endpoint)
		assert.Regexp(t, `^RpcTimeoutError TaskService\.task_get: no reply from .* within 1000 ms$`, got["drip"], endpoint)
		assert.Equal(t, "ProtocolError TaskService.task_get: reply larger than 1048576 bytes", got["endless"], endpoint)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	assert.Less(t, h.written, int64(64<<20), "the server wrote its whole endless reply: the client did not stop reading")
}

// TestTransportErrors: a server that is not there is a TransportError,
// a ClientError with the system error as its cause and code.
func TestTransportErrors(t *testing.T) {
	dir := goldenCopy(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + ln.Addr().String() + "/rpc"
	ln.Close()
	script := `
const [clientPath, sock, url] = process.argv.slice(1);
const api = await import(clientPath);
for (const where of [{ socketPath: sock }, { url }]) {
  try {
    await new api.TaskServiceClient(where).reset();
  } catch (e) {
    console.log(e.name, e instanceof api.ClientError, e.code, e.cause !== undefined);
  }
}
const rpc = new api.RpcError(-1, "m");
console.log(rpc instanceof api.ClientError, new api.NotFoundError() instanceof api.ClientError);
`
	node := testtool.Look(t, "node")
	out, err := exec.Command(node, "--input-type=module", "-e", script, filepath.Join(dir, "client.js"),
		filepath.Join(t.TempDir(), "missing.sock"), closed).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, "TransportError true ENOENT true\nTransportError true ECONNREFUSED true\ntrue true\n", string(out))
}
