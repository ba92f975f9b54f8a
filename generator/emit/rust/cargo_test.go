package rust

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

const harnessCrate = "oschema_rust_emit_harness"

// TestCargo proves the generated files with the real toolchain: rustfmt
// --check, `cargo build` under #![deny(warnings)], the Rust round-trip
// tests of testdata/harness/main.rs, and real JSON-RPC over a Unix socket
// against the harness binary serving kitchen_sink.
func TestCargo(t *testing.T) {
	home, _ := os.UserHomeDir()
	cargo := testtool.Look(t, "cargo", filepath.Join(home, ".cargo", "bin", "cargo"))
	rustfmt := testtool.Look(t, "rustfmt", filepath.Join(home, ".cargo", "bin", "rustfmt"))

	dir := t.TempDir()
	write := func(name string, content []byte) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, content, 0o644))
	}
	testtool.WriteCargoProject(t, dir, harnessCrate)
	harness, err := os.ReadFile(filepath.Join("testdata", "harness", "main.rs"))
	require.NoError(t, err)
	write("src/main.rs", harness)
	var generated []string
	for _, c := range cases() {
		s, svc := c.load(t)
		for name, content := range generateDir(t, s, svc) {
			rel := "src/" + c.module + "/" + name
			write(rel, content)
			if strings.HasSuffix(name, ".rs") {
				generated = append(generated, filepath.Join(dir, filepath.FromSlash(rel)))
			}
		}
	}

	target := os.Getenv("CARGO_TARGET_DIR")
	if target == "" {
		target = filepath.Join(os.TempDir(), "oschema-cargo-target")
	}
	env := append(os.Environ(),
		"CARGO_TARGET_DIR="+target,
		"PATH="+filepath.Dir(cargo)+string(os.PathListSeparator)+os.Getenv("PATH"))
	// run runs a tool in the crate directory; t is the (sub)test it
	// belongs to, env the environment (rustup's or Debian's toolchain).
	run := func(t *testing.T, env []string, name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s %s:\n%s", name, strings.Join(args, " "), out)
	}

	t.Run("rustfmt", func(t *testing.T) {
		run(t, env, rustfmt, append([]string{"--edition", "2021", "--check", "src/main.rs"}, generated...)...)
	})
	run(t, env, cargo, "build", "--offline", "--quiet")
	// Debian's rustc (1.63 on bookworm; tools/setup installs it) is the
	// oldest Rust that users of Debian's serde packages have: the generated
	// code and the round-trip tests must build and pass with it too.
	t.Run("debian_rustc", func(t *testing.T) {
		debCargo := testtool.At(t, "/usr/bin/cargo", "apt-get install cargo rustc (tools/setup does)")
		debRustc := testtool.At(t, "/usr/bin/rustc", "apt-get install rustc (tools/setup does)")
		if cargo == debCargo {
			t.Skip("the cargo on PATH is Debian's; the build above used it")
		}
		version, err := exec.Command(debRustc, "--version").Output()
		require.NoError(t, err)
		t.Logf("%s", bytes.TrimSpace(version))
		// Its rustfmt (1.5 on bookworm) must agree with the layout too.
		debRustfmt := testtool.At(t, "/usr/bin/rustfmt", "apt-get install rustfmt (tools/setup does)")
		run(t, env, debRustfmt, append([]string{"--edition", "2021", "--check"}, generated...)...)
		// The lock file rustup's cargo wrote may be a version Debian's
		// cargo cannot read; the sources are local, so let it write its own.
		require.NoError(t, os.Remove(filepath.Join(dir, "Cargo.lock")))
		debEnv := append(os.Environ(), "CARGO_TARGET_DIR="+target+"-debian", "RUSTC="+debRustc)
		run(t, debEnv, debCargo, "build", "--offline", "--quiet")
		run(t, debEnv, debCargo, "test", "--offline", "--quiet")
	})
	t.Run("rust_tests", func(t *testing.T) {
		run(t, env, cargo, "test", "--offline", "--quiet")
	})
	t.Run("clippy", func(t *testing.T) {
		// Clippy comes with rustup's default profile but is not a required
		// tool: users' CI often runs it, so generated code should pass it.
		if _, err := os.Stat(filepath.Join(filepath.Dir(cargo), "cargo-clippy")); err != nil {
			t.Skip("cargo-clippy not installed next to cargo")
		}
		run(t, env, cargo, "clippy", "--offline", "--quiet", "--all-targets", "--", "-D", "warnings")
	})

	sock := filepath.Join(dir, "sock", "rpc.sock")
	cmd := exec.Command(filepath.Join(target, "debug", harnessCrate), sock)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("harness stderr:\n%s", stderr.String())
		}
	})
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- line
	}()
	var tcpAddr, idleAddr string
	select {
	case line := <-ready:
		fields := strings.Fields(line)
		require.True(t, len(fields) == 3 && fields[0] == "ready", "harness said %q", line)
		tcpAddr, idleAddr = fields[1], fields[2]
	case <-time.After(30 * time.Second):
		t.Fatal("the harness did not start within 30s")
	}

	s, svc := loadKitchenSink(t)
	docFiles, err := openrpc.Generate(s, svc, emit.Options{})
	require.NoError(t, err)
	doc := string(docFiles[0].Content)
	testServer(t, sock, doc)

	t.Run("tcp", func(t *testing.T) {
		c := &client{t: t, http: &http.Client{Timeout: 10 * time.Second}, base: "http://" + tcpAddr}
		status, _, body := c.do("GET", "/health", "")
		assert.Equal(t, 200, status)
		assert.JSONEq(t, `{"status":"ok","service":"TaskService"}`, body)
		assert.Equal(t, 5.0, c.call("sum", map[string]interface{}{"values": []int{2, 3}})["result"])
		// rpc.discover names the address served on, inserted after info
		// in the document as written.
		status, _, body = c.do("POST", "/rpc", `{"jsonrpc":"2.0","id":1,"method":"rpc.discover"}`)
		assert.Equal(t, 200, status)
		url := "http://" + tcpAddr + "/rpc"
		info, servers, source := strings.Index(body, `"info"`), strings.Index(body, `"servers"`), strings.Index(body, `"x-oschema-source"`)
		assert.True(t, info >= 0 && info < servers && servers < source, "servers after info, before the rest: %.300s", body)
		var resp map[string]interface{}
		require.NoError(t, json.Unmarshal([]byte(body), &resp))
		assert.JSONEq(t, doc, withoutServers(t, resp["result"], url))
	})

	// serve_tcp_with_idle_timeout (1 s in the harness) closes a connection
	// that goes silent, before a request and inside one, and still serves
	// a connection that keeps talking.
	t.Run("idle timeout", func(t *testing.T) {
		closedWithin := func(conn net.Conn, limit time.Duration) (time.Duration, string) {
			t.Helper()
			start := time.Now()
			require.NoError(t, conn.SetReadDeadline(start.Add(limit)))
			all, err := io.ReadAll(conn)
			require.NoError(t, err, "the server kept the silent connection open for %v", limit)
			return time.Since(start), string(all)
		}
		silent, err := net.Dial("tcp", idleAddr)
		require.NoError(t, err)
		defer silent.Close()
		took, out := closedWithin(silent, 10*time.Second)
		assert.Empty(t, out)
		assert.GreaterOrEqual(t, took, 900*time.Millisecond, "closed before the timeout")

		partial, err := net.Dial("tcp", idleAddr)
		require.NoError(t, err)
		defer partial.Close()
		_, err = io.WriteString(partial, "POST /rpc HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
		require.NoError(t, err)
		took, out = closedWithin(partial, 10*time.Second)
		assert.Empty(t, out)
		assert.GreaterOrEqual(t, took, 900*time.Millisecond, "closed before the timeout")

		// One connection, four requests 400 ms apart: 1.6 s in all, longer
		// than the timeout, but never silent for a second.
		talking, err := net.Dial("tcp", idleAddr)
		require.NoError(t, err)
		defer talking.Close()
		require.NoError(t, talking.SetDeadline(time.Now().Add(10*time.Second)))
		replies := bufio.NewReader(talking)
		body := `{"jsonrpc":"2.0","id":1,"method":"sum","params":{"values":[2,3]}}`
		for i := 0; i < 4; i++ {
			if i > 0 {
				time.Sleep(400 * time.Millisecond)
			}
			_, err := fmt.Fprintf(talking, "POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
			require.NoError(t, err)
			resp, err := http.ReadResponse(replies, nil)
			require.NoError(t, err, "request %d on the talking connection", i+1)
			reply, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.NoError(t, err)
			assert.Equal(t, 200, resp.StatusCode)
			assert.Contains(t, string(reply), `"result":5.0`)
		}
	})
}

// client speaks HTTP/1.1 over the harness's Unix socket.
type client struct {
	t    *testing.T
	http *http.Client
	base string // "http://host:port"; the Unix socket client ignores the host
}

func (c *client) do(method, path, body string) (int, http.Header, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	require.NoError(c.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp.StatusCode, resp.Header, string(data)
}

// rpc posts body to /rpc and decodes the JSON answer.
func (c *client) rpc(body string) interface{} {
	c.t.Helper()
	status, _, text := c.do("POST", "/rpc", body)
	require.Equal(c.t, 200, status, text)
	var v interface{}
	require.NoError(c.t, json.Unmarshal([]byte(text), &v), text)
	return v
}

// call makes one call with id 1 and returns the response object.
func (c *client) call(method string, params interface{}) map[string]interface{} {
	c.t.Helper()
	req := map[string]interface{}{"jsonrpc": "2.0", "id": 1, "method": method}
	if params != nil {
		req["params"] = params
	}
	b, err := json.Marshal(req)
	require.NoError(c.t, err)
	resp, ok := c.rpc(string(b)).(map[string]interface{})
	require.True(c.t, ok)
	assert.Equal(c.t, "2.0", resp["jsonrpc"])
	assert.Equal(c.t, 1.0, resp["id"])
	return resp
}

// errorOf returns the error object of a response, failing when there is
// none or when it has not the wanted code.
func errorOf(t *testing.T, resp map[string]interface{}, code int) map[string]interface{} {
	t.Helper()
	e, ok := resp["error"].(map[string]interface{})
	require.True(t, ok, "want error %d, got %v", code, resp)
	assert.Equal(t, float64(code), e["code"], "%v", e)
	assert.NotContains(t, resp, "result")
	return e
}

// withoutServers checks that a served document names one server, at url,
// and returns the document without it, as JSON.
func withoutServers(t *testing.T, doc interface{}, url string) string {
	t.Helper()
	m, ok := doc.(map[string]interface{})
	require.True(t, ok, "the document is not an object: %v", doc)
	assert.Equal(t, []interface{}{map[string]interface{}{"name": strings.SplitN(url, ":", 2)[0], "url": url}}, m["servers"])
	delete(m, "servers")
	return jsonText(t, m)
}

func jsonText(t *testing.T, v interface{}) string {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func fullTask(sid string) map[string]interface{} {
	return map[string]interface{}{
		"sid": sid, "name": "build", "phase": "pending", "priority": -3,
		"attempts": 4000000000, "size": -9000000000, "quota": 9007199254740991,
		"ratio": 0.5, "score": 2.25, "done": false, "created_at": "2024-05-01T12:00:00Z",
		"payload": "aGkA/w==", "extra": map[string]interface{}{"k": []interface{}{1, "two", nil}},
		"tags": []string{"a", "b"}, "labels": map[string]string{"env": "prod"},
		"steps": []interface{}{map[string]interface{}{
			"title": "outer", "children": []interface{}{map[string]interface{}{"title": "c", "children": []interface{}{}}},
			"note": map[string]interface{}{"title": "n", "children": []interface{}{}},
		}},
		"matrix": map[string]interface{}{"row": []int{1, -2}},
		"owner":  map[string]interface{}{"name": "ann", "email": "ann@example.com"},
		"parent": "t0", "deadline": "2024-06-01T00:00:00+02:00", "from": "cli", "type": "batch",
	}
}

func testServer(t *testing.T, sock, doc string) {
	c := &client{t: t, base: "http://harness", http: &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		}},
	}}

	t.Run("health", func(t *testing.T) {
		status, header, body := c.do("GET", "/health", "")
		assert.Equal(t, 200, status)
		assert.Equal(t, "application/json", header.Get("Content-Type"))
		assert.JSONEq(t, `{"status":"ok","service":"TaskService"}`, body)
	})
	t.Run("openrpc.json", func(t *testing.T) {
		status, _, body := c.do("GET", "/openrpc.json", "")
		assert.Equal(t, 200, status)
		var served interface{}
		require.NoError(t, json.Unmarshal([]byte(body), &served))
		assert.JSONEq(t, doc, withoutServers(t, served, "unix://"+sock))
	})
	t.Run("rpc.discover", func(t *testing.T) {
		resp := c.call("rpc.discover", nil)
		assert.JSONEq(t, doc, withoutServers(t, resp["result"], "unix://"+sock))
		errorOf(t, c.call("rpc.discover", map[string]interface{}{"x": 1}), -32602)
	})
	t.Run("http errors", func(t *testing.T) {
		status, header, _ := c.do("GET", "/rpc", "")
		assert.Equal(t, 405, status)
		assert.Equal(t, "POST", header.Get("Allow"))
		status, _, _ = c.do("GET", "/nope", "")
		assert.Equal(t, 404, status)
	})

	t.Run("crud and echo round trip", func(t *testing.T) {
		c.call("reset", nil)
		task := fullTask("t1")
		resp := c.call("task_new", map[string]interface{}{"task": task})
		assert.JSONEq(t, jsonText(t, task), jsonText(t, resp["result"]))
		resp = c.call("task_get", map[string]interface{}{"sid": "t1"})
		assert.JSONEq(t, jsonText(t, task), jsonText(t, resp["result"]))
		resp = c.call("echo", map[string]interface{}{"task": task, "note": "hi", "counts": map[string]int{"a": 1}})
		assert.JSONEq(t, jsonText(t, task), jsonText(t, resp["result"]))
		assert.Equal(t, []interface{}{"t1"}, c.call("task_list", nil)["result"])
		assert.Equal(t, true, c.call("task_exists", map[string]interface{}{"sid": "t1"})["result"])
		found := c.call("task_find", map[string]interface{}{"phase": "pending"})["result"]
		assert.Len(t, found, 1)
		found = c.call("task_find", map[string]interface{}{"name": "other"})["result"]
		assert.Len(t, found, 0)

		// Optional fields left out come back left out, never as null.
		minimal := fullTask("t2")
		for _, k := range []string{"parent", "deadline", "from", "type"} {
			delete(minimal, k)
		}
		minimal["owner"] = map[string]interface{}{"name": "bob", "email": nil}
		resp = c.call("echo", map[string]interface{}{"task": minimal, "counts": map[string]int{}})
		got := resp["result"].(map[string]interface{})
		for _, k := range []string{"parent", "deadline", "from", "type"} {
			assert.NotContains(t, got, k)
		}
		assert.Equal(t, map[string]interface{}{"name": "bob"}, got["owner"])
	})

	t.Run("application errors", func(t *testing.T) {
		c.call("reset", nil)
		e := errorOf(t, c.call("task_get", map[string]interface{}{"sid": "nope"}), 1004)
		assert.Equal(t, "The task does not exist.", e["message"])
		assert.Equal(t, map[string]interface{}{"sid": "nope"}, e["data"])

		done := fullTask("d1")
		done["phase"] = "done"
		c.call("task_new", map[string]interface{}{"task": done})
		e = errorOf(t, c.call("task_start", map[string]interface{}{"sid": "d1"}), 1005)
		assert.Equal(t, "The task is in a phase that does not allow this.", e["message"])
		assert.Equal(t, map[string]interface{}{"phase": "done"}, e["data"])

		c.call("task_new", map[string]interface{}{"task": fullTask("p1")})
		assert.Equal(t, "pending", c.call("task_start", map[string]interface{}{"sid": "p1", "dry_run": true})["result"])
		assert.Equal(t, "running", c.call("task_start", map[string]interface{}{"sid": "p1"})["result"])
	})

	t.Run("results", func(t *testing.T) {
		assert.Equal(t, 3.75, c.call("sum", map[string]interface{}{"values": []float64{1.5, 2.25}})["result"])
		resp := c.call("reset", map[string]interface{}{})
		assert.Contains(t, resp, "result")
		assert.Nil(t, resp["result"])
		assert.NotContains(t, resp, "error")
	})

	t.Run("invalid params", func(t *testing.T) {
		for _, params := range []interface{}{
			map[string]interface{}{},                             // missing required param
			map[string]interface{}{"values": "x"},                // wrong type
			map[string]interface{}{"values": []int{}, "x": 1},    // unknown param
			[]interface{}{[]int{1}},                              // by position
			map[string]interface{}{"values": []interface{}{"1"}}, // wrong element type
		} {
			e := errorOf(t, c.call("sum", params), -32602)
			assert.Contains(t, e["message"], "Invalid params", "%v", params)
		}
		task := fullTask("x")
		task["attempts"] = -1 // u32
		errorOf(t, c.call("echo", map[string]interface{}{"task": task, "counts": map[string]int{}}), -32602)
		task = fullTask("x")
		task["payload"] = "not base64"
		errorOf(t, c.call("echo", map[string]interface{}{"task": task, "counts": map[string]int{}}), -32602)
	})

	t.Run("protocol errors", func(t *testing.T) {
		e := errorOf(t, c.call("no_such_method", nil), -32601)
		assert.Contains(t, e["message"], "no_such_method")
		errorOf(t, c.call("task_delete", map[string]interface{}{"sid": "panic"}), -32603)

		resp := c.rpc(`{"jsonrpc": "2.0", "id": 1, "method": "sum", "params": {`).(map[string]interface{})
		errorOf(t, resp, -32700)
		assert.Nil(t, resp["id"])
		for body, id := range map[string]interface{}{
			`{"jsonrpc": "1.0", "id": 7, "method": "sum"}`:                7.0,
			`{"jsonrpc": "2.0", "id": 7, "method": 5}`:                    7.0,
			`{"jsonrpc": "2.0", "id": 7, "method": "reset", "params": 3}`: 7.0,
			`{"jsonrpc": "2.0", "id": {}, "method": "reset"}`:             nil,
			`[]`: nil,
			`5`:  nil,
		} {
			resp, ok := c.rpc(body).(map[string]interface{})
			require.True(t, ok, body)
			errorOf(t, resp, -32600)
			assert.Equal(t, id, resp["id"], body)
		}
	})

	t.Run("notifications and batches", func(t *testing.T) {
		c.call("task_new", map[string]interface{}{"task": fullTask("n1")})
		status, _, body := c.do("POST", "/rpc", `{"jsonrpc": "2.0", "method": "reset"}`)
		assert.Equal(t, 204, status)
		assert.Empty(t, body)
		assert.Equal(t, []interface{}{}, c.call("task_list", nil)["result"], "the notification ran")
		// A failing notification is not answered either.
		status, _, _ = c.do("POST", "/rpc", `{"jsonrpc": "2.0", "method": "no_such_method"}`)
		assert.Equal(t, 204, status)

		batch := c.rpc(`[
			{"jsonrpc": "2.0", "id": "a", "method": "sum", "params": {"values": [1, 2]}},
			{"jsonrpc": "2.0", "method": "reset"},
			{"jsonrpc": "2.0", "id": "b", "method": "task_get", "params": {"sid": "gone"}},
			{"jsonrpc": "2.0", "id": "c", "method": "nope"},
			1
		]`).([]interface{})
		require.Len(t, batch, 4)
		byID := map[interface{}]map[string]interface{}{}
		for _, r := range batch {
			r := r.(map[string]interface{})
			byID[r["id"]] = r
		}
		assert.Equal(t, 3.0, byID["a"]["result"])
		errorOf(t, byID["b"], 1004)
		errorOf(t, byID["c"], -32601)
		errorOf(t, byID[nil], -32600)

		status, _, body = c.do("POST", "/rpc", `[{"jsonrpc": "2.0", "method": "reset"}]`)
		assert.Equal(t, 204, status, "a batch of notifications gets no body")
		assert.Empty(t, body)
	})

	t.Run("raw http", func(t *testing.T) {
		conn, err := net.Dial("unix", sock)
		require.NoError(t, err)
		defer conn.Close()
		require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
		// Two requests on one connection (keep-alive), the second closing it.
		body := `{"jsonrpc":"2.0","id":1,"method":"sum","params":{"values":[2]}}`
		req := "POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: " + fmt.Sprint(len(body)) + "\r\n\r\n" + body
		_, err = io.WriteString(conn, req+"GET /health HTTP/1.1\r\nConnection: close\r\n\r\n")
		require.NoError(t, err)
		all, err := io.ReadAll(conn)
		require.NoError(t, err)
		text := string(all)
		assert.Equal(t, 2, strings.Count(text, "HTTP/1.1 200 OK\r\n"), text)
		assert.Contains(t, text, `"result":2.0`)
		assert.Contains(t, text, `{"status":"ok","service":"TaskService"}`)

		// Chunked bodies (RFC 9112 7.1), as streaming HTTP clients send
		// them, and the requests the server must refuse.
		exchange := func(req string) string {
			t.Helper()
			conn, err := net.Dial("unix", sock)
			require.NoError(t, err)
			defer conn.Close()
			require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
			_, err = io.WriteString(conn, req)
			require.NoError(t, err)
			all, err := io.ReadAll(conn)
			require.NoError(t, err)
			return string(all)
		}
		const chunkedHead = "POST /rpc HTTP/1.1\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n"
		// Two chunks (one with an extension), then a trailer.
		chunk := func(data, ext string) string { return fmt.Sprintf("%x%s\r\n%s\r\n", len(data), ext, data) }
		out := exchange(chunkedHead + "\r\n" +
			chunk(`{"jsonrpc":"2.0","id":7,"me`, ";ext=1") +
			chunk(`thod":"sum","params":{"values"`, "") +
			chunk(`:[4,5]}}`, "") +
			"0\r\nX-Trailer: 1\r\n\r\n")
		assert.True(t, strings.HasPrefix(out, "HTTP/1.1 200 "), out)
		assert.Contains(t, out, `"id":7`)
		assert.Contains(t, out, `"result":9.0`)
		for _, c := range []struct{ req, status string }{
			{chunkedHead + "\r\nzz\r\n", "400"},
			{chunkedHead + "\r\n2\r\n{}xx\r\n0\r\n\r\n", "400"},
			{chunkedHead + "Content-Length: 2\r\n\r\n0\r\n\r\n", "400"},
			{chunkedHead + "\r\n" + "2000000\r\n", "413"},
			{"POST /rpc HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "501"},
			{"POST /rpc HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", "400"},
		} {
			out := exchange(c.req)
			assert.True(t, strings.HasPrefix(out, "HTTP/1.1 "+c.status+" "), "%q:\n%s", c.req, out)
		}
	})
}
