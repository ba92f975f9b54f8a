package matrix

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
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/emit/golang/golangtest"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// serverProc is a generated kitchen_sink server started by a test of this
// file, which stops it by its pid.
type serverProc struct {
	name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	socket string // Unix socket path
	tcp    string // host:port
	stderr *lockedBuffer
	done   chan struct{}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startProc starts a server command following golangtest.Start's
// protocol; t's cleanup closes its stdin and kills it (by pid) if it has
// not exited within 10 s.
func startProc(t testing.TB, name, bin string, args ...string) *serverProc {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	p := &serverProc{name: name, cmd: cmd, stdin: stdin, stderr: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	require.NoError(t, cmd.Start())
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.stdin.Close()
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case l, ok := <-line:
		require.True(t, ok, "%s exited before listening: %s", name, p.stderr)
		for _, ep := range strings.Fields(strings.TrimPrefix(l, "LISTENING ")) {
			switch {
			case strings.HasPrefix(ep, "unix:"):
				p.socket = strings.TrimPrefix(ep, "unix:")
			case strings.HasPrefix(ep, "http://"):
				p.tcp = strings.TrimSuffix(strings.TrimPrefix(ep, "http://"), "/rpc")
			}
		}
		require.True(t, p.socket != "" && p.tcp != "", "%s announced %q", name, l)
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not start within 60s: %s", name, p.stderr)
	}
	return p
}

// startServers starts the generated Rust and Go kitchen_sink servers with
// the given whole-request read timeout (0: their defaults).
func startServers(t *testing.T, readTimeout time.Duration) []*serverProc {
	rustArgs := []string{"serve", socketPath(t)}
	goArgs := []string{"-socket", socketPath(t), "-http", "127.0.0.1:0"}
	if readTimeout > 0 {
		rustArgs = append(rustArgs, strconv.FormatInt(readTimeout.Milliseconds(), 10))
		goArgs = append(goArgs, "-read-timeout", readTimeout.String())
	}
	return []*serverProc{
		startProc(t, "rust", ksRust(t), rustArgs...),
		startProc(t, "go", golangtest.Binary(t), goArgs...),
	}
}

func (p *serverProc) dial(t testing.TB, transport string) net.Conn {
	t.Helper()
	network, addr := "tcp", p.tcp
	if transport == "unix" {
		network, addr = "unix", p.socket
	}
	c, err := net.DialTimeout(network, addr, 10*time.Second)
	require.NoError(t, err)
	return c
}

func (p *serverProc) client(transport string) *http.Client {
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			if transport == "unix" {
				return d.DialContext(ctx, "unix", p.socket)
			}
			return d.DialContext(ctx, "tcp", p.tcp)
		},
		MaxIdleConnsPerHost: 64,
	}}
}

// exchange sends a raw HTTP request on a fresh connection and returns the
// response's status and body.
func (p *serverProc) exchange(t testing.TB, transport, method, path, body string) (int, string) {
	t.Helper()
	c := p.dial(t, transport)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(30*time.Second)))
	req := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		method, path, len(body), body)
	_, err := io.WriteString(c, req)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// procStatus is a field of /proc/<pid>/status as written there ("VmHWM"
// gives "524288 kB"), or "?" when the process or the field is gone.
func procStatus(pid int, field string) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field+":") {
			return strings.TrimSpace(strings.TrimPrefix(line, field+":"))
		}
	}
	return "?"
}

// TestServersAgree sends the same raw requests to the generated Go and
// Rust servers: both answer invalid UTF-8 with -32700, params of a wrong
// JSON type with -32600, ids that are not a string, number or null with
// -32600 and id null, echo every id exactly as sent, and serve the same
// /health body.
func TestServersAgree(t *testing.T) {
	testtool.SkipUnderBazel(t, "TestServersAgree")
	servers := startServers(t, 0)
	call := func(id, params string) string {
		return `{"jsonrpc":"2.0","id":` + id + `,"method":"sum","params":` + params + `}`
	}
	type outcome struct {
		Code int    // 0 for a result
		ID   string // the raw text of the id
	}
	decode := func(t *testing.T, body string) []outcome {
		var many []map[string]json.RawMessage
		if json.Unmarshal([]byte(body), &many) != nil {
			var one map[string]json.RawMessage
			require.NoError(t, json.Unmarshal([]byte(body), &one), body)
			many = append(many, one)
		}
		var out []outcome
		for _, r := range many {
			o := outcome{ID: string(r["id"])}
			if e, ok := r["error"]; ok {
				var eo struct{ Code int }
				require.NoError(t, json.Unmarshal(e, &eo))
				o.Code = eo.Code
			}
			out = append(out, o)
		}
		return out
	}
	ids := []string{
		`123456789012345678901234567890`, `-7`, `-0`, `0.5`, `-12.75e-3`, `1e3`, `1E+2`,
		`"a\"b\\c\u00e9\n\/x"`, `"\ud83d\ude00"`, `"<a&b>"`, "\"\u2028é\"", `""`, `null`,
	}
	cases := []struct {
		name, body string
		want       []outcome
	}{
		{"invalid utf-8", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sum\",\"params\":{\"values\":[]},\"x\":\"\xff\"}", []outcome{{-32700, "null"}}},
		{"invalid utf-8 in a string", `{"jsonrpc":"2.0","id":1,"method":"sum\xc3\x28","params":{"values":[]}}`, []outcome{{-32700, "null"}}},
		{"params a string", call("1", `"x"`), []outcome{{-32600, "1"}}},
		{"params a number", call("2", `3`), []outcome{{-32600, "2"}}},
		{"params true", call("3", `true`), []outcome{{-32600, "3"}}},
		{"id an object", call(`{"a":1}`, `{"values":[1]}`), []outcome{{-32600, "null"}}},
		{"id an array", call(`[1]`, `{"values":[1]}`), []outcome{{-32600, "null"}}},
		{"id true", call(`true`, `{"values":[1]}`), []outcome{{-32600, "null"}}},
		{"batch ids", "[" + call(ids[0], `{"values":[1]}`) + " , " + call(ids[7], `{"values":[2]}`) + "]",
			[]outcome{{0, ids[0]}, {0, ids[7]}}},
		{"duplicate id", `{"jsonrpc":"2.0","id":1,"method":"sum","params":{"values":[]},"id":22222222222222222222}`,
			[]outcome{{0, "22222222222222222222"}}},
		{"escaped id key", `{"jsonrpc":"2.0","\u0069d":33333333333333333333,"method":"sum","params":{"values":[]}}`,
			[]outcome{{0, "33333333333333333333"}}},
	}
	for i, id := range ids {
		cases = append(cases, struct {
			name, body string
			want       []outcome
		}{fmt.Sprintf("id %d %s", i, id), call(id, `{"values":[1]}`), []outcome{{0, id}}})
	}
	for _, tr := range []string{"unix", "tcp"} {
		tr := tr
		t.Run(tr, func(t *testing.T) {
			for _, c := range cases {
				c := c
				t.Run(c.name, func(t *testing.T) {
					var bodies []string
					for _, p := range servers {
						status, body := p.exchange(t, tr, "POST", "/rpc", c.body)
						assert.Equal(t, 200, status, "%s: %s", p.name, body)
						assert.Equal(t, c.want, decode(t, body), "%s answered %s", p.name, body)
						bodies = append(bodies, p.name+": "+body)
					}
					t.Log(strings.Join(bodies, "\n"))
				})
			}
			var health []string
			for _, p := range servers {
				status, body := p.exchange(t, tr, "GET", "/health", "")
				assert.Equal(t, 200, status)
				health = append(health, body)
			}
			assert.Equal(t, `{"status":"ok","service":"TaskService"}`, health[0])
			assert.Equal(t, health[0], health[1], "rust and go /health")
		})
	}
}

// closedWithin reads c until the server closes it and returns how long
// that took; it fails t when the server kept it open for limit.
func closedWithin(t *testing.T, c net.Conn, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	require.NoError(t, c.SetReadDeadline(start.Add(limit)))
	_, err := io.ReadAll(c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the server kept the connection open for %v", limit)
	}
	return time.Since(start)
}

// TestServersHostileClients: with a whole-request read timeout of 1 s,
// both servers cut off, over both transports, a client dripping its
// headers or its body a byte at a time and one sending less body than
// its Content-Length; 500 idle connections do not stop a call.
func TestServersHostileClients(t *testing.T) {
	testtool.SkipUnderBazel(t, "TestServersHostileClients")
	servers := startServers(t, time.Second)
	drip := func(c net.Conn, stop <-chan struct{}) {
		for {
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
			}
			if _, err := c.Write([]byte("x")); err != nil {
				return
			}
		}
	}
	for _, p := range servers {
		p := p
		t.Run(p.name, func(t *testing.T) {
			for _, tr := range []string{"unix", "tcp"} {
				tr := tr
				t.Run(tr, func(t *testing.T) {
					t.Run("slow headers", func(t *testing.T) {
						c := p.dial(t, tr)
						defer c.Close()
						_, err := io.WriteString(c, "POST /rpc HTTP/1.1\r\nHost: x\r\nX-Slow: ")
						require.NoError(t, err)
						stop := make(chan struct{})
						defer close(stop)
						go drip(c, stop)
						t.Logf("cut off after %v", closedWithin(t, c, 10*time.Second))
					})
					t.Run("held body", func(t *testing.T) {
						c := p.dial(t, tr)
						defer c.Close()
						_, err := io.WriteString(c, "POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\"")
						require.NoError(t, err)
						t.Logf("cut off after %v", closedWithin(t, c, 10*time.Second))
					})
					t.Run("dripping body", func(t *testing.T) {
						c := p.dial(t, tr)
						defer c.Close()
						_, err := io.WriteString(c, "POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n\"")
						require.NoError(t, err)
						stop := make(chan struct{})
						defer close(stop)
						go drip(c, stop)
						t.Logf("cut off after %v", closedWithin(t, c, 10*time.Second))
					})
					t.Run("500 idle connections", func(t *testing.T) {
						var idle []net.Conn
						defer func() {
							for _, c := range idle {
								c.Close()
							}
						}()
						for i := 0; i < 500; i++ {
							idle = append(idle, p.dial(t, tr))
						}
						start := time.Now()
						status, body := p.exchange(t, tr, "POST", "/rpc", `{"jsonrpc":"2.0","id":1,"method":"sum","params":{"values":[2,3]}}`)
						assert.Equal(t, 200, status)
						assert.Contains(t, body, `"result":5`)
						t.Logf("answered in %v beside 500 idle connections", time.Since(start))
					})
				})
			}
		})
	}
}

// TestServersLargeRequests: both servers (default timeouts) answer 20
// parallel requests of 15 MB, just under the 16 MiB body limit, half on
// the Unix socket and half on TCP; their peak RSS is logged.
func TestServersLargeRequests(t *testing.T) {
	testtool.SkipUnderBazel(t, "TestServersLargeRequests")
	for _, p := range startServers(t, 0) {
		p := p
		t.Run(p.name, func(t *testing.T) {

			big := `{"jsonrpc":"2.0","id":1,"method":"task_exists","params":{"sid":"` +
				strings.Repeat("s", 15<<20-100) + `"}}`
			require.Less(t, len(big), 16<<20)
			var wg sync.WaitGroup
			errs := make(chan error, 20)
			start := time.Now()
			for i := 0; i < 20; i++ {
				tr := []string{"unix", "tcp"}[i%2]
				wg.Add(1)
				go func() {
					defer wg.Done()
					resp, err := p.client(tr).Post("http://x/rpc", "application/json", strings.NewReader(big))
					if err != nil {
						errs <- err
						return
					}
					defer resp.Body.Close()
					b, err := io.ReadAll(resp.Body)
					if err == nil && !strings.Contains(string(b), `"result":false`) {
						err = fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, b)
					}
					errs <- err
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				assert.NoError(t, err)
			}
			t.Logf("%s server: 20 x 15 MB answered in %v; peak RSS (VmHWM) %s, threads %s",
				p.name, time.Since(start).Round(time.Millisecond),
				procStatus(p.cmd.Process.Pid, "VmHWM"), procStatus(p.cmd.Process.Pid, "Threads"))
		})
	}
}

// TestRustServerShutdown: Server::shutdown (the test server calls it when
// its stdin closes) answers the call in flight, refuses new connections
// and removes the socket file.
func TestRustServerShutdown(t *testing.T) {
	testtool.SkipUnderBazel(t, "TestRustServerShutdown")
	p := startProc(t, "rust", ksRust(t), "serve", socketPath(t))
	fi, err := os.Stat(p.socket)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "socket mode")
	type answer struct {
		status int
		body   string
		err    error
	}
	answers := make(chan answer, 2)
	for _, tr := range []string{"unix", "tcp"} {
		tr := tr
		go func() {
			resp, err := p.client(tr).Post("http://x/rpc", "application/json",
				strings.NewReader(`{"jsonrpc":"2.0","id":7,"method":"task_get","params":{"sid":"sleep:1500"}}`))
			if err != nil {
				answers <- answer{err: err}
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			answers <- answer{resp.StatusCode, string(b), err}
		}()
	}
	time.Sleep(500 * time.Millisecond) // both calls are in flight
	start := time.Now()
	require.NoError(t, p.stdin.Close())
	for i := 0; i < 2; i++ {
		a := <-answers
		require.NoError(t, a.err)
		assert.Equal(t, 200, a.status)
		assert.Contains(t, a.body, `"code":1004`)
		assert.Contains(t, a.body, `"id":7`)
	}
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("the server did not exit within 10 s of the shutdown: %s", p.stderr)
	}
	t.Logf("shut down in %v with two calls in flight", time.Since(start))
	assert.True(t, p.cmd.ProcessState.Success(), "exit status %v: %s", p.cmd.ProcessState, p.stderr)
	_, err = os.Stat(p.socket)
	assert.True(t, os.IsNotExist(err), "the socket file is still there: %v", err)
	_, err = net.DialTimeout("tcp", p.tcp, 2*time.Second)
	assert.Error(t, err, "the TCP port still accepts")
}

// TestRustRequestContext: handler methods of the Rust server read the
// request's headers and peer with request_context() (the test server's
// task_get of sid "context" answers them as error data): the peer's pid
// and uid on the Unix socket (SO_PEERCRED), its address on TCP.
func TestRustRequestContext(t *testing.T) {
	testtool.SkipUnderBazel(t, "TestRustRequestContext")
	p := startProc(t, "rust", ksRust(t), "serve", socketPath(t))
	for _, tr := range []string{"unix", "tcp"} {
		req, err := http.NewRequest("POST", "http://x/rpc",
			strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"task_get","params":{"sid":"context"}}`))
		require.NoError(t, err)
		req.Header.Set("X-Oschema-Test", "hello "+tr)
		resp, err := p.client(tr).Do(req)
		require.NoError(t, err)
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		var r struct {
			Error struct {
				Data struct {
					Header   *string
					Pid, UID *int
					PeerAddr bool `json:"peer_addr"`
				}
			}
		}
		require.NoError(t, json.Unmarshal(b, &r), "%s", b)
		d := r.Error.Data
		require.NotNil(t, d.Header, "%s", b)
		assert.Equal(t, "hello "+tr, *d.Header)
		if tr == "unix" {
			require.True(t, d.Pid != nil && d.UID != nil, "%s", b)
			assert.Equal(t, os.Getpid(), *d.Pid)
			assert.Equal(t, os.Getuid(), *d.UID)
			assert.False(t, d.PeerAddr)
		} else {
			assert.Nil(t, d.Pid)
			assert.True(t, d.PeerAddr, "%s", b)
		}
	}
}

// TestRustServerOverload: with one worker and a queue of one
// (ServerOptions max_connections and max_queued), a third connection is
// answered 503 and closed at once, and logged; the queued one is served
// as soon as the worker is free, and the server goes on serving.
func TestRustServerOverload(t *testing.T) {
	testtool.SkipUnderBazel(t, "TestRustServerOverload")
	p := startProc(t, "rust", ksRust(t), "serve", socketPath(t), "10000", "1", "1")
	call := `{"jsonrpc":"2.0","id":3,"method":"task_get","params":{"sid":"t-1"}}`
	request := fmt.Sprintf("POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(call), call)
	for _, tr := range []string{"unix", "tcp"} {
		tr := tr
		t.Run(tr, func(t *testing.T) {
			// The worker reads A's request, which never ends.
			a := p.dial(t, tr)
			defer a.Close()
			_, err := io.WriteString(a, "POST /rpc HTTP/1.1\r\nHost: x\r\n")
			require.NoError(t, err)
			time.Sleep(300 * time.Millisecond)
			// B waits in the queue.
			b := p.dial(t, tr)
			defer b.Close()
			_, err = io.WriteString(b, request)
			require.NoError(t, err)
			time.Sleep(300 * time.Millisecond)
			// C finds the queue full. It sends its request at once: the
			// server reads it before closing, else the close would reset
			// the connection and C would lose the answer.
			c := p.dial(t, tr)
			defer c.Close()
			_, err = io.WriteString(c, request)
			require.NoError(t, err)
			require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
			refused, err := io.ReadAll(c)
			require.NoError(t, err, "answered and closed, not held")
			assert.True(t, strings.HasPrefix(string(refused), "HTTP/1.1 503 "), "%q", refused)
			assert.Contains(t, string(refused), "too many connections")
			// stderr reaches the buffer through a pipe, a moment later.
			assert.Eventually(t, func() bool {
				return strings.Contains(p.stderr.String(), "overloaded: refused a connection with 503")
			}, 5*time.Second, 20*time.Millisecond, "logged: %s", p.stderr)

			// A goes away: B is served.
			require.NoError(t, a.Close())
			require.NoError(t, b.SetReadDeadline(time.Now().Add(10*time.Second)))
			served, err := io.ReadAll(b)
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(string(served), "HTTP/1.1 200 "), "%q", served)
			assert.Contains(t, string(served), `"id":3`)
			status, body := p.exchange(t, tr, "POST", "/rpc", call)
			assert.Equal(t, 200, status, body)
		})
	}
}
