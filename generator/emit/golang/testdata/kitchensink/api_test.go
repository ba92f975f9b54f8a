package kitchensink

// Runs against the generated api.go for kitchen_sink and impl.go: the
// generated Client against the generated Handler, over a real Unix socket
// and over loopback HTTP, plus raw JSON-RPC requests for the protocol's
// corner cases. Standard library only, so the temporary module needs no
// dependencies and builds offline with any Go from 1.19 on.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

type fixture struct {
	name   string
	client *Client
	impl   *Impl
	post   func(t *testing.T, path, body string) (int, string) // raw POST
	get    func(t *testing.T, path string) (int, string)
	addr   net.Addr // where the server listens
	url    string   // the server URL rpc.discover announces
}

func quietHandler(impl Server) *Handler {
	h := NewHandler(impl)
	h.ErrorLog = log.New(io.Discard, "", 0)
	return h
}

func unixFixture(t *testing.T) *fixture {
	dir, err := os.MkdirTemp("", "ks")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "sub", "rpc.sock")
	l, err := ListenUnix(sock)
	if err != nil {
		t.Fatal(err)
	}
	impl := NewImpl()
	srv := &http.Server{Handler: quietHandler(impl)}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}}
	return &fixture{
		name: "unix", client: Dial(sock), impl: impl,
		addr: &net.UnixAddr{Name: sock, Net: "unix"}, url: "unix://" + sock,
		post: func(t *testing.T, path, body string) (int, string) {
			return do(t, hc, http.MethodPost, "http://unix"+path, body)
		},
		get: func(t *testing.T, path string) (int, string) {
			return do(t, hc, http.MethodGet, "http://unix"+path, "")
		},
	}
}

func httpFixture(t *testing.T) *fixture {
	impl := NewImpl()
	srv := httptest.NewServer(quietHandler(impl))
	t.Cleanup(srv.Close)
	return &fixture{
		name: "http", client: NewClient(NewHTTPTransport(srv.URL + "/rpc")), impl: impl,
		addr: srv.Listener.Addr(), url: srv.URL + "/rpc",
		post: func(t *testing.T, path, body string) (int, string) {
			return do(t, srv.Client(), http.MethodPost, srv.URL+path, body)
		},
		get: func(t *testing.T, path string) (int, string) {
			return do(t, srv.Client(), http.MethodGet, srv.URL+path, "")
		},
	}
}

func do(t *testing.T, c *http.Client, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func forEach(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, mk := range []func(*testing.T) *fixture{unixFixture, httpFixture} {
		f := mk(t)
		t.Run(f.name, func(t *testing.T) { fn(t, f) })
	}
}

func strp(s string) *string { return &s }

func fullTask(sid string) Task {
	deadline := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	return Task{
		Sid: sid, Name: "build " + sid, Phase: PhasePending, Priority: -7, Attempts: math.MaxUint32,
		Size: math.MinInt64, Quota: math.MaxUint64, Ratio: 0.5, Score: 1e300, Done: true,
		CreatedAt: time.Date(2026, 11, 23, 16, 46, 31, 123456789, time.UTC),
		Payload:   []byte{0, 1, 2, 0xfe, 0xff},
		Extra:     json.RawMessage(`{"k":[1,true,null,"x"],"big":18446744073709551615}`),
		Tags:      []string{"a", "b"}, Labels: map[string]string{"env": "prod"},
		Steps: []Step{{Title: "one", Children: []Step{{Title: "nested", Children: []Step{}}},
			Note: &Step{Title: "note", Children: []Step{}}}},
		Matrix: map[string][]int64{"m": {1, -2, math.MaxInt64}},
		Owner:  Actor{Name: "ada", Email: strp("ada@example.com")},
		Parent: strp("root"), Deadline: &deadline, From: strp("from"), Type: strp("type"),
	}
}

func asJSON(t *testing.T, v interface{}) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func wantCode(t *testing.T, err error, code int) *RPCError {
	t.Helper()
	var e *RPCError
	if !errors.As(err, &e) {
		t.Fatalf("want *RPCError %d, got %v", code, err)
	}
	if e.Code != code {
		t.Fatalf("want code %d, got %v", code, e)
	}
	return e
}

func TestEveryMethod(t *testing.T) {
	forEach(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		c := f.client
		list, err := c.TaskList(ctx)
		if err != nil || len(list) != 0 {
			t.Fatalf("TaskList on empty store: %v %v", list, err)
		}
		want := fullTask("t1")
		got, err := c.TaskNew(ctx, TaskNewInput{Task: want})
		if err != nil {
			t.Fatal(err)
		}
		if asJSON(t, got) != asJSON(t, want) || !got.CreatedAt.Equal(want.CreatedAt) || !bytes.Equal(got.Payload, want.Payload) {
			t.Fatalf("TaskNew round trip:\n got %s\nwant %s", asJSON(t, got), asJSON(t, want))
		}
		if got.Quota != math.MaxUint64 || got.Size != math.MinInt64 {
			t.Fatalf("64-bit integers lost precision: %d %d", got.Quota, got.Size)
		}
		if _, err := c.TaskNew(ctx, TaskNewInput{Task: Task{Sid: "t2", Phase: PhaseDone}}); err != nil {
			t.Fatal(err)
		}
		got, err = c.TaskGet(ctx, TaskGetInput{Sid: "t1"})
		if err != nil || asJSON(t, got) != asJSON(t, want) {
			t.Fatalf("TaskGet: %v %s", err, asJSON(t, got))
		}
		want.Name = "renamed"
		if got, err = c.TaskSet(ctx, TaskSetInput{Task: want}); err != nil || got.Name != "renamed" {
			t.Fatalf("TaskSet: %v %v", got.Name, err)
		}
		if list, err = c.TaskList(ctx); err != nil || !reflect.DeepEqual(list, []string{"t1", "t2"}) {
			t.Fatalf("TaskList: %v %v", list, err)
		}
		full, err := c.TaskListFull(ctx)
		if err != nil || len(full) != 2 || full[0].Name != "renamed" {
			t.Fatalf("TaskListFull: %v %v", full, err)
		}
		ok, err := c.TaskExists(ctx, TaskExistsInput{Sid: "t2"})
		if err != nil || !ok {
			t.Fatalf("TaskExists t2: %v %v", ok, err)
		}
		if ok, err = c.TaskExists(ctx, TaskExistsInput{Sid: "nope"}); err != nil || ok {
			t.Fatalf("TaskExists nope: %v %v", ok, err)
		}
		done := PhaseDone
		found, err := c.TaskFind(ctx, TaskFindInput{Phase: &done})
		if err != nil || len(found) != 1 || found[0].Sid != "t2" {
			t.Fatalf("TaskFind phase: %v %v", found, err)
		}
		if found, err = c.TaskFind(ctx, TaskFindInput{Name: strp("renamed"), Phase: &done}); err != nil || len(found) != 0 || found == nil {
			t.Fatalf("TaskFind none: want empty non-nil list, got %#v %v", found, err)
		}
		if found, err = c.TaskFind(ctx, TaskFindInput{}); err != nil || len(found) != 2 {
			t.Fatalf("TaskFind all: %v %v", found, err)
		}
		dry := true
		phase, err := c.TaskStart(ctx, TaskStartInput{Sid: "t1", DryRun: &dry})
		if err != nil || phase != PhasePending {
			t.Fatalf("TaskStart dry: %v %v", phase, err)
		}
		if got, _ = c.TaskGet(ctx, TaskGetInput{Sid: "t1"}); got.Phase != PhasePending {
			t.Fatalf("dry run changed the phase to %s", got.Phase)
		}
		if phase, err = c.TaskStart(ctx, TaskStartInput{Sid: "t1"}); err != nil || phase != PhaseRunning {
			t.Fatalf("TaskStart: %v %v", phase, err)
		}
		echoed, err := c.Echo(ctx, EchoInput{Task: want, Note: strp("hi"), Counts: map[string]uint64{"n": math.MaxUint64}})
		if err != nil || asJSON(t, echoed) != asJSON(t, want) {
			t.Fatalf("Echo: %v %v", asJSON(t, echoed), err)
		}
		sum, err := c.Sum(ctx, SumInput{Values: []float64{1.5, 2.25, -1}})
		if err != nil || sum != 2.75 {
			t.Fatalf("Sum: %v %v", sum, err)
		}
		if sum, err = c.Sum(ctx, SumInput{}); err != nil || sum != 0 {
			t.Fatalf("Sum of nil values (sent as []): %v %v", sum, err)
		}
		if err := c.TaskDelete(ctx, TaskDeleteInput{Sid: "t2"}); err != nil {
			t.Fatal(err)
		}
		if err := c.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		if list, err = c.TaskList(ctx); err != nil || len(list) != 0 {
			t.Fatalf("TaskList after Reset: %v %v", list, err)
		}
		doc, err := c.Discover(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			OpenRPC string `json:"openrpc"`
			Info    struct{ Title, Version string }
		}
		if err := json.Unmarshal(doc, &d); err != nil || d.OpenRPC == "" || d.Info.Version != ServiceVersion {
			t.Fatalf("Discover: %v %+v", err, d)
		}
	})
}

func TestApplicationErrors(t *testing.T) {
	forEach(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		c := f.client
		_, err := c.TaskGet(ctx, TaskGetInput{Sid: "missing"})
		if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrBadPhase) {
			t.Fatalf("TaskGet missing: errors.Is NotFound failed: %v", err)
		}
		e := wantCode(t, err, 1004)
		if e.Message != "The task does not exist." || string(e.Data) != `{"sid":"missing"}` {
			t.Fatalf("NotFound message/data: %q %s", e.Message, e.Data)
		}
		// The server unwraps fmt.Errorf("...: %w", ErrNotFound).
		if _, err := c.TaskSet(ctx, TaskSetInput{Task: Task{Sid: "missing", Phase: PhasePending}}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("TaskSet missing: %v", err)
		}
		if err := c.TaskDelete(ctx, TaskDeleteInput{Sid: "missing"}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("TaskDelete missing: %v", err)
		}
		if _, err := c.TaskNew(ctx, TaskNewInput{Task: Task{Sid: "d", Phase: PhaseDone}}); err != nil {
			t.Fatal(err)
		}
		_, err = c.TaskStart(ctx, TaskStartInput{Sid: "d"})
		if !errors.Is(err, ErrBadPhase) {
			t.Fatalf("TaskStart done task: %v", err)
		}
		if e := wantCode(t, err, 1005); string(e.Data) != `{"phase":"done"}` {
			t.Fatalf("BadPhase data: %s", e.Data)
		}
		// A server error that is not one of the schema's.
		_, err = c.TaskGet(ctx, TaskGetInput{Sid: "boom"})
		if e := wantCode(t, err, -32000); e.Message != "boom" || string(e.Data) != `{"sid":"boom"}` || errors.Is(err, ErrNotFound) {
			t.Fatalf("boom: %v", e)
		}
		// A plain error is an internal error carrying its text.
		_, err = c.TaskStart(ctx, TaskStartInput{Sid: "fail"})
		if e := wantCode(t, err, CodeInternalError); !strings.Contains(e.Message, "disk on fire") {
			t.Fatalf("plain error: %v", e)
		}
		// A panic is an internal error, and the server keeps serving.
		_, err = c.TaskStart(ctx, TaskStartInput{Sid: "panic"})
		wantCode(t, err, CodeInternalError)
		if _, err := c.TaskList(ctx); err != nil {
			t.Fatalf("server did not survive the panic: %v", err)
		}
		// An enum value outside the enum is invalid params.
		bad := Phase("bogus")
		_, err = c.TaskFind(ctx, TaskFindInput{Phase: &bad})
		if e := wantCode(t, err, CodeInvalidParams); !strings.Contains(e.Message, `phase: "bogus" is not a Phase`) {
			t.Fatalf("bad enum: %v", e)
		}
		_, err = c.Echo(ctx, EchoInput{Task: Task{Phase: PhasePending, Steps: []Step{{Title: "x"}}, Owner: Actor{}}})
		if err != nil {
			t.Fatalf("Echo with valid enums: %v", err)
		}
		_, err = c.TaskNew(ctx, TaskNewInput{Task: Task{Sid: "e", Phase: "nope"}})
		if e := wantCode(t, err, CodeInvalidParams); !strings.Contains(e.Message, `task.phase: "nope" is not a Phase`) {
			t.Fatalf("bad nested enum: %v", e)
		}
		// Unknown methods.
		err = c.Transport.Call(ctx, "no_such_method", nil, nil)
		wantCode(t, err, CodeMethodNotFound)
	})
}

func TestContext(t *testing.T) {
	forEach(t, func(t *testing.T, f *fixture) {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := f.client.TaskStart(ctx, TaskStartInput{Sid: "slow"})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("client context: %v", err)
		}
		// The server method saw the request's context end when the
		// client went away.
		select {
		case err := <-f.impl.Canceled:
			if err == nil {
				t.Fatal("no context error")
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the Server method's context was not canceled")
		}
	})
}

func TestNotifyAndBatch(t *testing.T) {
	forEach(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		c := f.client
		if _, err := c.TaskNew(ctx, TaskNewInput{Task: Task{Sid: "n1", Phase: PhasePending}}); err != nil {
			t.Fatal(err)
		}
		if err := c.Notify(ctx, MethodReset, nil); err != nil {
			t.Fatal(err)
		}
		if ok, _ := c.TaskExists(ctx, TaskExistsInput{Sid: "n1"}); ok {
			t.Fatal("the reset notification was not executed")
		}
		var sum float64
		var list []string
		var created Task
		calls := []*BatchCall{
			{Method: MethodTaskNew, Params: TaskNewInput{Task: Task{Sid: "b1", Phase: PhasePending}}, Result: &created},
			{Method: MethodSum, Params: SumInput{Values: []float64{1, 2}}, Result: &sum},
			{Method: MethodTaskGet, Params: TaskGetInput{Sid: "nope"}},
			{Method: MethodTaskStart, Params: TaskStartInput{Sid: "b1"}, Notify: true},
			{Method: MethodTaskList, Result: &list},
			{Method: "missing"},
		}
		if err := c.Batch(ctx, calls...); err != nil {
			t.Fatal(err)
		}
		if calls[0].Err != nil || created.Sid != "b1" || calls[1].Err != nil || sum != 3 {
			t.Fatalf("batch results: %v %v %v %v", calls[0].Err, created.Sid, calls[1].Err, sum)
		}
		if !errors.Is(calls[2].Err, ErrNotFound) || calls[3].Err != nil {
			t.Fatalf("batch errors: %v %v", calls[2].Err, calls[3].Err)
		}
		if calls[4].Err != nil || !reflect.DeepEqual(list, []string{"b1"}) {
			t.Fatalf("batch list: %v %v", list, calls[4].Err)
		}
		wantCode(t, calls[5].Err, CodeMethodNotFound)
		if got, _ := c.TaskGet(ctx, TaskGetInput{Sid: "b1"}); got.Phase != PhaseRunning {
			t.Fatalf("the notification in the batch did not run: %q", got.Phase)
		}
		// A batch of notifications only.
		err := c.Batch(ctx, &BatchCall{Method: MethodReset, Notify: true}, &BatchCall{Method: MethodReset, Notify: true})
		if err != nil {
			t.Fatal(err)
		}
		if list, _ = c.TaskList(ctx); len(list) != 0 {
			t.Fatalf("batch of notifications did not run: %v", list)
		}
	})
}

// TestProtocol sends raw JSON-RPC and checks the raw answers.
func TestProtocol(t *testing.T) {
	forEach(t, func(t *testing.T, f *fixture) {
		for _, tc := range []struct{ name, body, want string }{
			{"parse error", `{"jsonrpc":"2.0",`, `{"jsonrpc":"2.0","error":{"code":-32700,"message":"parse error: invalid JSON"},"id":null}`},
			{"no version", `{"method":"sum","params":{"values":[]},"id":1}`, `{"jsonrpc":"2.0","error":{"code":-32600,"message":"invalid request: \"jsonrpc\" must be \"2.0\""},"id":1}`},
			{"method not a string", `{"jsonrpc":"2.0","method":1,"id":"x"}`, `{"jsonrpc":"2.0","error":{"code":-32600,"message":"invalid request: \"method\" must be a non-empty string"},"id":"x"}`},
			{"bad id", `{"jsonrpc":"2.0","method":"sum","id":{}}`, `{"jsonrpc":"2.0","error":{"code":-32600,"message":"invalid request: id must be a string, number or null"},"id":null}`},
			{"not an object", `42`, `{"jsonrpc":"2.0","error":{"code":-32600,"message":"invalid request: not a JSON object"},"id":null}`},
			{"empty batch", `[]`, `{"jsonrpc":"2.0","error":{"code":-32600,"message":"invalid request: empty batch"},"id":null}`},
			{"unknown method", `{"jsonrpc":"2.0","method":"nope","id":2}`, `{"jsonrpc":"2.0","error":{"code":-32601,"message":"method not found: \"nope\""},"id":2}`},
			{"unknown param", `{"jsonrpc":"2.0","method":"sum","params":{"values":[],"extra":1},"id":3}`, `{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid params: unknown param \"extra\""},"id":3}`},
			{"missing param", `{"jsonrpc":"2.0","method":"task_start","params":{"dry_run":true},"id":4}`, `{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid params: missing required param \"sid\""},"id":4}`},
			{"null required param", `{"jsonrpc":"2.0","method":"task_start","params":{"sid":null},"id":4}`, `{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid params: missing required param \"sid\""},"id":4}`},
			{"positional params", `{"jsonrpc":"2.0","method":"sum","params":[[1]],"id":5}`, `{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid params: params must be an object of named params"},"id":5}`},
			{"params to a method without", `{"jsonrpc":"2.0","method":"reset","params":{"x":1},"id":6}`, `{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid params: unknown param \"x\""},"id":6}`},
			{"discover with params", `{"jsonrpc":"2.0","method":"rpc.discover","params":{"x":1},"id":6}`, `{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid params: unknown param \"x\""},"id":6}`},
			{"optional null", `{"jsonrpc":"2.0","method":"task_find","params":{"name":null,"phase":null},"id":7}`, `{"jsonrpc":"2.0","result":[],"id":7}`},
			{"no params", `{"jsonrpc":"2.0","method":"task_list","id":8}`, `{"jsonrpc":"2.0","result":[],"id":8}`},
			{"null result", `{"jsonrpc":"2.0","method":"reset","params":{},"id":null}`, `{"jsonrpc":"2.0","result":null,"id":null}`},
			{"string id", `{"jsonrpc":"2.0","method":"sum","params":{"values":[1,2]},"id":"abc"}`, `{"jsonrpc":"2.0","result":3,"id":"abc"}`},
			{"batch", `[{"jsonrpc":"2.0","method":"sum","params":{"values":[1]},"id":1},{"jsonrpc":"2.0","method":"reset"},1,{"jsonrpc":"2.0","method":"nope","id":2}]`,
				`[{"jsonrpc":"2.0","result":1,"id":1},{"jsonrpc":"2.0","error":{"code":-32600,"message":"invalid request: not a JSON object"},"id":null},{"jsonrpc":"2.0","error":{"code":-32601,"message":"method not found: \"nope\""},"id":2}]`},
		} {
			code, body := f.post(t, "/rpc", tc.body)
			if code != http.StatusOK || body != tc.want {
				t.Errorf("%s: HTTP %d\n got %s\nwant %s", tc.name, code, body, tc.want)
			}
		}
		// Wrong types name the param.
		_, body := f.post(t, "/rpc", `{"jsonrpc":"2.0","method":"task_start","params":{"sid":"x","dry_run":"yes"},"id":9}`)
		if !strings.Contains(body, `"code":-32602`) || !strings.Contains(body, "dry_run") {
			t.Errorf("wrong type: %s", body)
		}
		numericSid := strings.Replace(asJSON(t, Task{Phase: PhaseDone}), `"sid":""`, `"sid":1`, 1)
		_, body = f.post(t, "/rpc", `{"jsonrpc":"2.0","method":"echo","params":{"task":`+numericSid+`,"counts":{}},"id":9}`)
		if !strings.Contains(body, `"code":-32602`) || !strings.Contains(body, "sid") || !strings.Contains(body, "number") {
			t.Errorf("wrong nested type: %s", body)
		}
		_, body = f.post(t, "/rpc", `{"jsonrpc":"2.0","method":"sum","params":{"values":[-1, 1e400]},"id":9}`)
		if !strings.Contains(body, `"code":-32602`) {
			t.Errorf("number out of range: %s", body)
		}
		// Notifications get no answer, alone or in a batch.
		for _, notif := range []string{
			`{"jsonrpc":"2.0","method":"reset"}`,
			`{"jsonrpc":"2.0","method":"nope"}`,
			`[{"jsonrpc":"2.0","method":"reset"},{"jsonrpc":"2.0","method":"sum","params":{"values":[]}}]`,
		} {
			if code, body := f.post(t, "/rpc", notif); code != http.StatusNoContent || body != "" {
				t.Errorf("notification %s: HTTP %d %q", notif, code, body)
			}
		}
		// Records lacking a required field are invalid params, as in the
		// other languages' servers; null is a value for an any field.
		_, body = f.post(t, "/rpc", `{"jsonrpc":"2.0","method":"echo","params":{"task":{"sid":"z","phase":"done"},"counts":{}},"id":10}`)
		if !strings.Contains(body, `"code":-32602`) || !strings.Contains(body, `Task: missing required field \"name\"`) {
			t.Errorf("sparse task: %s", body)
		}
		sparse := asJSON(t, Task{Phase: PhasePending, Steps: []Step{{}}})
		_, body = f.post(t, "/rpc", `{"jsonrpc":"2.0","method":"echo","params":{"task":`+sparse+`,"counts":{}},"id":11}`)
		if !strings.Contains(body, `"result":{`) || !strings.Contains(body, `"extra":null`) {
			t.Errorf("task with zero values: %s", body)
		}
		_, body = f.post(t, "/rpc", `{"jsonrpc":"2.0","method":"echo","params":{"task":`+strings.Replace(sparse, `"title":""`, `"title":null`, 1)+`,"counts":{}},"id":12}`)
		if !strings.Contains(body, `Step: missing required field \"title\"`) {
			t.Errorf("nested record with a null required field: %s", body)
		}
		// The other endpoints.
		code, body := f.get(t, "/openrpc.json")
		if code != http.StatusOK || body != string(ServedDocument(f.addr)) {
			t.Errorf("GET /openrpc.json: %d", code)
		}
		if code, body = f.get(t, "/health"); code != http.StatusOK || body != `{"status":"ok","service":"TaskService"}` {
			t.Errorf("GET /health: %d %s", code, body)
		}
		if code, _ = f.get(t, "/rpc"); code != http.StatusMethodNotAllowed {
			t.Errorf("GET /rpc: %d", code)
		}
		if code, _ = f.get(t, "/elsewhere"); code != http.StatusNotFound {
			t.Errorf("GET /elsewhere: %d", code)
		}
		_, body = f.post(t, "/rpc", `{"jsonrpc":"2.0","method":"rpc.discover","id":1}`)
		var resp struct{ Result json.RawMessage }
		if err := json.Unmarshal([]byte(body), &resp); err != nil || !bytes.Equal(resp.Result, compact(t, ServedDocument(f.addr))) {
			t.Errorf("rpc.discover did not return the document: %v", err)
		}
		// servers names the server itself; the rest is the document as
		// generated, keys in order.
		var served struct {
			Servers []struct{ Name, URL string }
		}
		if err := json.Unmarshal(resp.Result, &served); err != nil || len(served.Servers) != 1 || served.Servers[0].URL != f.url {
			t.Errorf("rpc.discover servers: %v %+v, want %s", err, served.Servers, f.url)
		}
		if want := `{"openrpc":`; !bytes.HasPrefix(resp.Result, []byte(want)) || !bytes.Contains(resp.Result, []byte(`},"servers":[{"name":`)) {
			t.Errorf("rpc.discover: servers not after info: %.200s", resp.Result)
		}
		if doc := string(OpenRPCDocument()); strings.Contains(doc, `"servers"`) {
			t.Errorf("the embedded document names servers")
		}
	})
}

func compact(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestBodyLimit(t *testing.T) {
	h := quietHandler(NewImpl())
	h.MaxBodyBytes = 64
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := NewClient(NewHTTPTransport(srv.URL + "/rpc"))
	_, err := c.Sum(context.Background(), SumInput{Values: make([]float64, 100)})
	wantCode(t, err, CodeInvalidRequest)
}

func TestListenUnixStaleAndBusy(t *testing.T) {
	dir, err := os.MkdirTemp("", "ks")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "rpc.sock")
	l, err := ListenUnix(sock)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ListenUnix(sock); err == nil || !strings.Contains(err.Error(), "another server") {
		t.Fatalf("second listener on a live socket: %v", err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close() // leaves a stale socket file behind
	l, err = ListenUnix(sock)
	if err != nil {
		t.Fatalf("stale socket not replaced: %v", err)
	}
	l.Close()
}

func TestListenAndServe(t *testing.T) {
	dir, err := os.MkdirTemp("", "ks")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "rpc.sock")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ListenAndServe(ctx, sock, NewImpl()) }()
	c := Dial(sock)
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := c.TaskList(context.Background())
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server never answered: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ListenAndServe after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ListenAndServe did not return after cancel")
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Fatalf("socket left behind: %v", err)
	}
}

// TestListenAndServeTCP: the TCP helper serves with NewHTTPServer's
// limits, cuts off a client that holds its request body, and returns nil
// once ctx ends.
func TestListenAndServeTCP(t *testing.T) {
	srv := NewHTTPServer(nil)
	if srv.ReadHeaderTimeout != DefaultReadHeaderTimeout || srv.ReadTimeout != DefaultReadTimeout ||
		srv.WriteTimeout != DefaultWriteTimeout || srv.IdleTimeout != DefaultIdleTimeout ||
		srv.MaxHeaderBytes != DefaultMaxHeaderBytes || srv.ReadTimeout == 0 {
		t.Fatalf("NewHTTPServer limits: %+v", srv)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ListenAndServeTCP(ctx, addr, NewImpl()) }()
	c := NewClient(NewHTTPTransport("http://" + addr + "/rpc"))
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := c.TaskList(context.Background())
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server never answered: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ListenAndServeTCP after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ListenAndServeTCP did not return after cancel")
	}
}

// TestServeUntilCutsOffSlowClients: a request whose body is held past
// ReadTimeout, or whose headers are, is cut off; the socket of ListenUnix
// is mode 0600.
func TestServeUntilCutsOffSlowClients(t *testing.T) {
	dir, err := os.MkdirTemp("", "ks")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "rpc.sock")
	l, err := ListenUnix(sock)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(sock); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode: %v %v", fi.Mode(), err)
	}
	srv := NewHTTPServer(NewHandler(NewImpl()))
	srv.ReadHeaderTimeout, srv.ReadTimeout = 300*time.Millisecond, 300*time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = ServeUntil(ctx, srv, l) }()
	for _, req := range []string{
		"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\"",
		"POST /rpc HTTP/1.1\r\nHost: x\r\n",
	} {
		conn, err := net.Dial("unix", sock)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(conn, req); err != nil {
			t.Fatal(err)
		}
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.ReadAll(conn); err != nil {
			t.Fatalf("%q: the server kept the connection open: %v", req, err)
		}
		conn.Close()
	}
}

func TestDialErrors(t *testing.T) {
	c := Dial(filepath.Join(os.TempDir(), "no-such-dir-oschema", "rpc.sock"))
	if _, err := c.TaskList(context.Background()); err == nil || !strings.Contains(err.Error(), "task_list") {
		t.Fatalf("dialing a missing socket: %v", err)
	}
	var e *RPCError
	if errors.As(err0(c), &e) {
		t.Fatal("a transport failure must not look like an RPC error")
	}
}

func err0(c *Client) error {
	_, err := c.TaskList(context.Background())
	return err
}

// TestNilIsEmpty: required lists, maps and bytes left nil are sent as
// empty values (other languages reject null there); absent optionals are
// left out.
func TestNilIsEmpty(t *testing.T) {
	got := asJSON(t, Task{})
	for _, want := range []string{`"tags":[]`, `"labels":{}`, `"steps":[]`, `"matrix":{}`, `"payload":""`, `"extra":null`, `"owner":{"name":""}`} {
		if !strings.Contains(got, want) {
			t.Errorf("Task{} lacks %s: %s", want, got)
		}
	}
	for _, absent := range []string{"parent", "deadline", "from", "type", "email"} {
		if strings.Contains(got, `"`+absent+`"`) {
			t.Errorf("Task{} has the absent optional %s: %s", absent, got)
		}
	}
	if got := asJSON(t, &SumInput{}); got != `{"values":[]}` {
		t.Errorf("SumInput{}: %s", got)
	}
	var back Task
	if err := json.Unmarshal([]byte(got0()), &back); err != nil {
		t.Fatalf("a marshaled Task{} does not decode: %v", err)
	}
}

func got0() string {
	b, _ := json.Marshal(Task{})
	return string(b)
}

func TestRPCErrorHelpers(t *testing.T) {
	e := ErrNotFound.WithData(math.NaN())
	if !errors.Is(e, ErrNotFound) || !strings.Contains(string(e.Data), "not encodable") {
		t.Fatalf("WithData of an unencodable value: %v", e)
	}
	if ErrNotFound.Data != nil {
		t.Fatal("WithData changed the shared ErrNotFound")
	}
	if m := ErrBadPhase.WithMessage("other"); m.Message != "other" || m.Code != 1005 || ErrBadPhase.Message == "other" {
		t.Fatalf("WithMessage: %v", m)
	}
	var nilErr *RPCError
	if nilErr.Error() == "" {
		t.Fatal("a nil *RPCError must still describe itself")
	}
	if !PhaseDone.Valid() || Phase("x").Valid() {
		t.Fatal("Phase.Valid")
	}
}

// badClock serves the kitchen_sink with task_get answering a Task whose
// otime the otime rule refuses.
type badClock struct {
	*Impl
	at time.Time
}

func (b badClock) TaskGet(ctx context.Context, in TaskGetInput) (Task, error) {
	task := fullTask(in.Sid)
	task.CreatedAt = b.at
	return task, nil
}

// TestOtimeRule: params and replies with an otime the otime rule refuses
// fail (-32602 naming the field on the server, an error naming method
// and field in the client, before time.Time's laxer parser sees them),
// and neither side sends one.
func TestOtimeRule(t *testing.T) {
	forEach(t, func(t *testing.T, f *fixture) {
		task := asJSON(t, fullTask("t1"))
		for _, bad := range []string{"2026-11-23t16:46:31Z", "2026-11-23T16:46:31.1234567890Z", "2026-11-23T16:46:31+24:00", "2026-11-23T16:46:60Z"} {
			for _, tc := range []struct{ body, path string }{
				{`{"jsonrpc":"2.0","method":"task_new","params":{"task":` + strings.Replace(task, `"2026-11-23T16:46:31.123456789Z"`, `"`+bad+`"`, 1) + `},"id":1}`, "task.created_at"},
				{`{"jsonrpc":"2.0","method":"task_new","params":{"task":` + strings.Replace(task, `"2030-01-02T03:04:05Z"`, `"`+bad+`"`, 1) + `},"id":1}`, "task.deadline"},
			} {
				if !strings.Contains(tc.body, bad) {
					t.Fatalf("no otime replaced in %s", tc.body)
				}
				_, body := f.post(t, "/rpc", tc.body)
				want := `{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid params: ` + tc.path + `: \"` + bad + `\" is not an RFC 3339 date-time (otime)"},"id":1}`
				if body != want {
					t.Errorf("%s:\n got %s\nwant %s", bad, body, want)
				}
			}
		}
		if !ValidTime("2024-02-29T12:00:00.123456789+05:30") || ValidTime("2023-02-29T12:00:00Z") {
			t.Error("ValidTime does not follow the otime rule")
		}
	})
	ctx := context.Background()
	for _, at := range []time.Time{
		time.Date(2024, 1, 1, 0, 0, 0, 0, time.FixedZone("", 24*3600)),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		f := httpFixture(t)
		task := fullTask("t1")
		task.CreatedAt = at
		if _, err := f.client.TaskNew(ctx, TaskNewInput{Task: task}); err == nil || !strings.Contains(err.Error(), "task_new: encoding params") {
			t.Errorf("%v: the client sent it (%v)", at, err)
		}
		srv := httptest.NewServer(quietHandler(badClock{NewImpl(), at}))
		_, err := NewClient(NewHTTPTransport(srv.URL+"/rpc")).TaskGet(ctx, TaskGetInput{Sid: "t1"})
		srv.Close()
		if e := wantCode(t, err, CodeInternalError); !strings.Contains(e.Message, "encoding result") {
			t.Errorf("%v: server error %v", at, e)
		}
	}
	// A reply the rule refuses: the client names method and field.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ ID json.RawMessage }
		_ = json.NewDecoder(r.Body).Decode(&req)
		task := strings.Replace(asJSON(t, fullTask("t1")), `"2030-01-02T03:04:05Z"`, `"2030-01-02T03:04:05+24:00"`, 1)
		_, _ = io.WriteString(w, `{"jsonrpc":"2.0","id":`+string(req.ID)+`,"result":[`+task+`]}`)
	}))
	defer srv.Close()
	_, err := NewClient(NewHTTPTransport(srv.URL + "/rpc")).TaskListFull(ctx)
	want := `task_list_full: decoding result: result[0].deadline: "2030-01-02T03:04:05+24:00" is not an RFC 3339 date-time (otime)`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}
