package matrix

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/emit/clienttest"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// tokioDependency is the Cargo.toml line of testdata/tokio: the features
// it uses, all of them in Debian's librust-tokio-dev.
const tokioDependency = `tokio = { version = "1", features = ["io-util", "net", "rt", "time"] }`

// ksTokio returns the binary of testdata/tokio/main.rs, the handler of
// testdata/rust/tasks.rs served by the generated handle_json from a tokio
// runtime, built with Debian's tokio crate.
func ksTokio(t testing.TB) string {
	testtool.CargoCrate(t, "tokio", "librust-tokio-dev")
	return ks.tokio.get(t, func(t testing.TB) string {
		return testtool.CargoBuildWith(t, scratchDir(t, "ks-tokio"), "oschema_matrix_tokio",
			[]string{tokioDependency}, ksRustServerFiles(t, "tokio"))
	})
}

// TestRustServerTokio mounts the generated Rust server in an async server
// (issue 16): testdata/tokio/main.rs answers POST /rpc from a
// current-thread tokio runtime by calling handle_json through
// tokio::task::spawn_blocking, as handle_json's doc comment says. Every
// generated client's conversation passes against it over both
// transports, and calls made while a handler blocks are answered before
// it returns; the control, with handle_json called on the runtime's
// thread, shows that they would otherwise wait for it.
func TestRustServerTokio(t *testing.T) {
	testtool.SkipUnderBazel(t, "TestRustServerTokio")
	bin := ksTokio(t)

	t.Run("clients", func(t *testing.T) {
		p := startProc(t, "tokio", bin, "serve", socketPath(t))
		ep := map[string]string{"unix": clienttest.Endpoint(p.socket), "http": "http://" + p.tcp + "/rpc"}
		for _, c := range kitchenSinkClients() {
			c := c
			t.Run(c.name, func(t *testing.T) {
				for _, tr := range []string{"unix", "http"} {
					tr := tr
					t.Run(tr, func(t *testing.T) {
						clienttest.CheckTranscript(t, c.run(t, ep[tr]))
					})
				}
			})
		}
	})

	t.Run("http", func(t *testing.T) {
		p := startProc(t, "tokio", bin, "serve", socketPath(t))
		for _, tc := range []struct {
			name, method, path, body string
			status                   int
			want                     string
		}{
			{"call", "POST", "/rpc", `{"jsonrpc":"2.0","id":"a","method":"task_exists","params":{"sid":"x"}}`,
				200, `{"jsonrpc":"2.0","id":"a","result":false}`},
			{"app_error", "POST", "/rpc", `{"jsonrpc":"2.0","id":2,"method":"task_get","params":{"sid":"x"}}`,
				200, `{"jsonrpc":"2.0","id":2,"error":{"code":1004,"message":"The task does not exist.","data":{"sid":"x"}}}`},
			{"notification", "POST", "/rpc", `{"jsonrpc":"2.0","method":"reset"}`, 204, ``},
			{"get", "GET", "/rpc", ``, 405, ``},
			{"path", "POST", "/other", `{}`, 404, ``},
		} {
			tc := tc
			t.Run(tc.name, func(t *testing.T) {
				for _, tr := range []string{"tcp", "unix"} {
					status, body := p.exchange(t, tr, tc.method, tc.path, tc.body)
					assert.Equal(t, tc.status, status, "%s: %s", tr, body)
					if tc.want == "" {
						assert.Empty(t, body, tr)
					} else {
						assert.JSONEq(t, tc.want, body, tr)
					}
				}
			})
		}
		// Two calls on one connection: the server keeps it open.
		c := p.dial(t, "tcp")
		defer c.Close()
		require.NoError(t, c.SetDeadline(time.Now().Add(30*time.Second)))
		call := `{"jsonrpc":"2.0","id":1,"method":"task_list"}`
		req := fmt.Sprintf("POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", len(call), call)
		_, err := io.WriteString(c, req+req)
		require.NoError(t, err)
		br := bufio.NewReader(c)
		for i := 0; i < 2; i++ {
			resp, err := http.ReadResponse(br, nil)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.NoError(t, err)
			assert.Equal(t, 200, resp.StatusCode)
			assert.JSONEq(t, `{"jsonrpc":"2.0","id":1,"result":[]}`, string(body))
		}
	})

	t.Run("blocking_handler", func(t *testing.T) {
		p := startProc(t, "tokio", bin, "serve", socketPath(t))
		durations, blockedDone := callsWhileBlocked(t, p, 3*time.Second)
		assert.False(t, blockedDone, "the blocking call was answered before the calls made after it")
		for i, d := range durations {
			assert.Less(t, d, time.Second, "call %d waited %v for the blocking handler", i, d)
		}
		t.Logf("answered in %v while a handler blocked", durations)
	})

	t.Run("inline_control", func(t *testing.T) {
		p := startProc(t, "tokio", bin, "serve", socketPath(t), "inline")
		const block = 1500 * time.Millisecond
		durations, _ := callsWhileBlocked(t, p, block)
		for i, d := range durations {
			// The blocking call was dispatched before these started.
			assert.GreaterOrEqual(t, d, block-300*time.Millisecond, "call %d was answered while the runtime's thread blocked", i)
		}
		t.Logf("answered in %v after a handler blocked the runtime's thread for %v", durations, block)
	})
}

// callsWhileBlocked sends task_get of sid "sleep:<block>" to p over TCP,
// waits until p has dispatched it, then makes four concurrent calls, each
// on a connection of its own, the first two over TCP and the last two on
// the Unix socket. It returns how long each of them took, and whether
// the blocking call had been answered by the time they all were; it checks
// every answer, the blocking call's too.
func callsWhileBlocked(t *testing.T, p *serverProc, block time.Duration) ([]time.Duration, bool) {
	type answer struct {
		status int
		body   string
		took   time.Duration
		err    error
	}
	post := func(transport, body string) answer {
		start := time.Now()
		c := p.client(transport)
		defer c.CloseIdleConnections()
		resp, err := c.Post("http://x/rpc", "application/json", strings.NewReader(body))
		if err != nil {
			return answer{err: err}
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return answer{resp.StatusCode, string(b), time.Since(start), err}
	}
	sid := fmt.Sprintf("sleep:%d", block.Milliseconds())
	blocked := make(chan answer, 1)
	go func() {
		blocked <- post("tcp", fmt.Sprintf(`{"jsonrpc":"2.0","id":0,"method":"task_get","params":{"sid":%q}}`, sid))
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(p.stderr.String(), `"`+sid+`"`) {
		require.True(t, time.Now().Before(deadline), "the blocking call was not dispatched within 30 s: %s", p.stderr)
		time.Sleep(5 * time.Millisecond)
	}

	const n = 4
	answers := make(chan answer, n)
	for i := 0; i < n; i++ {
		transport := []string{"tcp", "unix"}[i/2]
		body := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"task_exists","params":{"sid":"t%d"}}`, i+1, i+1)
		go func() { answers <- post(transport, body) }()
	}
	var durations []time.Duration
	for i := 0; i < n; i++ {
		select {
		case a := <-answers:
			require.NoError(t, a.err)
			assert.Equal(t, 200, a.status, a.body)
			var resp struct {
				ID     int   `json:"id"`
				Result *bool `json:"result"`
			}
			require.NoError(t, json.Unmarshal([]byte(a.body), &resp), a.body)
			assert.True(t, resp.ID >= 1 && resp.ID <= n && resp.Result != nil && !*resp.Result, "answer %s", a.body)
			durations = append(durations, a.took)
		case <-time.After(60 * time.Second):
			t.Fatalf("%d of %d calls unanswered after 60 s: %s", n-i, n, p.stderr)
		}
	}
	var blockedDone bool
	var a answer
	select {
	case a = <-blocked:
		blockedDone = true
	default:
		select {
		case a = <-blocked:
		case <-time.After(60 * time.Second):
			t.Fatalf("the blocking call was unanswered after 60 s: %s", p.stderr)
		}
	}
	require.NoError(t, a.err)
	assert.Equal(t, 200, a.status)
	assert.JSONEq(t, fmt.Sprintf(`{"jsonrpc":"2.0","id":0,"error":{"code":1004,"message":"The task does not exist.","data":{"sid":%q}}}`, sid), a.body)
	assert.GreaterOrEqual(t, a.took, block, "the blocking call")
	return durations, blockedDone
}
