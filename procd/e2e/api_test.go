package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
	"github.com/lhumina-code/rules_oschema/procd/procdtest"
)

// unixHTTP is a plain HTTP client of a Unix socket.
func unixHTTP(sock string) *http.Client {
	return &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		},
	}}
}

type rawReply struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   *struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	} `json:"error"`
}

// rawPost POSTs body to url and returns the status, the body and the
// response headers.
func rawPost(t *testing.T, hc *http.Client, url string, body []byte, hdr map[string]string) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b, resp.Header
}

func rawCall(t *testing.T, hc *http.Client, url, body string) rawReply {
	t.Helper()
	code, b, _ := rawPost(t, hc, url, []byte(body), nil)
	require.Equal(t, http.StatusOK, code, "%s", b)
	var r rawReply
	require.NoError(t, json.Unmarshal(b, &r), "%s", b)
	return r
}

func requireHealthy(t *testing.T, d *procdtest.Daemon) {
	t.Helper()
	h, err := d.Client().SystemHealth(ctxT(t, 5*time.Second))
	require.NoError(t, err, "the daemon stopped answering\n%s", d.Output())
	require.True(t, h.Ok)
}

func TestAPIRobustness(t *testing.T) {
	d := procdtest.Start(t)
	hc := unixHTTP(d.Socket)
	const url = "http://unix/rpc"

	r := rawCall(t, hc, url, `{"jsonrpc":"2.0","id":1,"method":"system.health"`)
	require.NotNil(t, r.Error)
	assert.Equal(t, -32700, r.Error.Code)
	requireHealthy(t, d)

	r = rawCall(t, hc, url, `{"jsonrpc":"2.0","id":2,"method":"no.such"}`)
	require.NotNil(t, r.Error)
	assert.Equal(t, -32601, r.Error.Code)
	assert.JSONEq(t, "2", string(r.ID))

	for _, body := range []string{
		`{"jsonrpc":"2.0","id":3,"method":"service.get","params":{"name":5}}`,
		`{"jsonrpc":"2.0","id":3,"method":"service.get","params":{}}`,
		`{"jsonrpc":"2.0","id":3,"method":"run.list","params":{"phase":"sideways"}}`,
		`{"jsonrpc":"2.0","id":3,"method":"run.start","params":{"name":"x","actions":"nope"}}`,
	} {
		r = rawCall(t, hc, url, body)
		require.NotNil(t, r.Error, body)
		assert.Equal(t, -32602, r.Error.Code, body)
	}
	requireHealthy(t, d)

	// 20 MiB body: refused, the daemon stays up.
	big := append([]byte(`{"jsonrpc":"2.0","id":4,"method":"secret.set","params":{"context":"default","key":"big","value":"`), bytes.Repeat([]byte("x"), 20<<20)...)
	big = append(big, `"}}`...)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(big))
	require.NoError(t, err)
	resp, err := hc.Do(req)
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			var rr rawReply
			require.NoError(t, json.Unmarshal(b, &rr), "%s", b)
			require.NotNil(t, rr.Error, "a 20 MiB request was accepted")
			assert.Contains(t, rr.Error.Message, "too large")
		} else {
			assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
		}
	} else {
		t.Logf("20 MiB body: the daemon closed the connection: %v", err)
	}
	requireHealthy(t, d)
	_, err = d.Client().SecretGet(ctxT(t, 5*time.Second), heroproc.SecretGetInput{Context: "default", Key: "big"})
	assert.ErrorIs(t, err, heroproc.ErrNotFound, "the oversized request was executed")

	// rpc.discover, GET /openrpc.json, GET /health.
	r = rawCall(t, hc, url, `{"jsonrpc":"2.0","id":5,"method":"rpc.discover"}`)
	require.Nil(t, r.Error)
	var doc map[string]interface{}
	require.NoError(t, json.Unmarshal(r.Result, &doc))
	assert.Contains(t, doc, "openrpc")
	assert.Contains(t, doc, "methods")
	for _, p := range []string{"/openrpc.json", "/health"} {
		resp, err := hc.Get("http://unix" + p)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, p)
		assert.True(t, json.Valid(b), "%s: %s", p, b)
		if p == "/openrpc.json" {
			assert.Contains(t, string(b), `"openrpc"`)
		}
	}
	// A batch and a notification.
	code, b, _ := rawPost(t, hc, url, []byte(`[{"jsonrpc":"2.0","id":1,"method":"system.version"},{"jsonrpc":"2.0","method":"system.health"},{"jsonrpc":"2.0","id":2,"method":"no.such"}]`), nil)
	require.Equal(t, http.StatusOK, code)
	var batch []rawReply
	require.NoError(t, json.Unmarshal(b, &batch), "%s", b)
	require.Len(t, batch, 2)
	assert.Nil(t, batch[0].Error)
	assert.Equal(t, -32601, batch[1].Error.Code)
}

func TestSlowClientDoesNotBlockOthers(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	// One client sends half a request and holds it; another never sends
	// a byte; a third long-polls.
	half, err := net.Dial("unix", d.Socket)
	require.NoError(t, err)
	defer half.Close()
	_, err = half.Write([]byte("POST /rpc HTTP/1.1\r\nHost: unix\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"jsonrpc\":"))
	require.NoError(t, err)
	mute, err := net.Dial("unix", d.Socket)
	require.NoError(t, err)
	defer mute.Close()
	r, err := c.RunStart(ctxT(t, 10*time.Second), heroproc.RunStartInput{Name: "long", Actions: []heroproc.ActionSpec{sh("a", "exec sleep 300")}})
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		ms := uint64(3000)
		_, _ = c.RunWait(context.Background(), heroproc.RunWaitInput{ID: r.ID, TimeoutMs: &ms})
	}()
	time.Sleep(100 * time.Millisecond)
	t0 := time.Now()
	for i := 0; i < 20; i++ {
		_, err := c.SystemVersion(ctxT(t, 2*time.Second))
		require.NoError(t, err)
		_, err = c.ServiceList(ctxT(t, 2*time.Second))
		require.NoError(t, err)
	}
	assert.True(t, time.Since(t0) < 2*time.Second, "40 calls took %s next to slow clients", time.Since(t0))
	_, err = c.RunCancel(ctxT(t, 10*time.Second), heroproc.RunCancelInput{ID: r.ID})
	require.NoError(t, err)
	wg.Wait()
}

func TestSocketModes(t *testing.T) {
	d := procdtest.Start(t)
	require.NoError(t, d.Stop(10*time.Second))
	// A socket in a directory the daemon creates itself.
	dir := filepath.Join(t.TempDir(), "s", "hero_proc")
	d.Socket = filepath.Join(dir, "rpc.sock")
	d.Restart()
	fi, err := os.Stat(d.Socket)
	require.NoError(t, err)
	assert.True(t, fi.Mode()&os.ModeSocket != 0)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "socket mode")
	di, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), di.Mode().Perm(), "socket directory mode")
	for _, f := range []string{"state.db", "logs.db", "secret.key", "instance"} {
		fi, err := os.Stat(filepath.Join(d.DataDir, f))
		require.NoError(t, err, f)
		assert.Zero(t, fi.Mode().Perm()&0o077, "%s mode %o", f, fi.Mode().Perm())
	}
	// A second daemon on the same socket is refused; the first keeps serving.
	out, err := exec2(t, d.Bin, "--socket", d.Socket, "--data", t.TempDir())
	assert.Error(t, err)
	assert.Contains(t, out, "served by another process")
	requireHealthy(t, d)
	// And on the same data directory.
	out, err = exec2(t, d.Bin, "--socket", filepath.Join(t.TempDir(), "o.sock"), "--data", d.DataDir)
	assert.Error(t, err)
	assert.Contains(t, out, "in use by another hero_procd")
	requireHealthy(t, d)
}

func TestHTTPModeRequiresToken(t *testing.T) {
	if os.Getenv("HERO_PROC_TOKEN") != "" {
		t.Skip("HERO_PROC_TOKEN is set in the environment")
	}
	addr := freePort(t)
	d := procdtest.Start(t, "--http", addr)
	tb, err := os.ReadFile(filepath.Join(d.DataDir, "http.token"))
	require.NoError(t, err)
	fi, err := os.Stat(filepath.Join(d.DataDir, "http.token"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	token := strings.TrimSpace(string(tb))
	require.NotEmpty(t, token)
	url := "http://" + addr + "/rpc"
	hc := &http.Client{Timeout: 10 * time.Second}
	body := []byte(`{"jsonrpc":"2.0","id":1,"method":"system.version"}`)
	origin := map[string]string{"Origin": "http://evil.example"}

	code, _, h := rawPost(t, hc, url, body, origin)
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Empty(t, h.Get("Access-Control-Allow-Origin"))
	code, _, _ = rawPost(t, hc, url, body, map[string]string{"Authorization": "Bearer wrong" + token})
	assert.Equal(t, http.StatusUnauthorized, code)
	code, _, _ = rawPost(t, hc, url, body, map[string]string{"Authorization": token})
	assert.Equal(t, http.StatusUnauthorized, code, "the token without Bearer")

	code, b, h := rawPost(t, hc, url, body, map[string]string{"Authorization": "Bearer " + token, "Origin": "http://evil.example"})
	require.Equal(t, http.StatusOK, code, "%s", b)
	var r rawReply
	require.NoError(t, json.Unmarshal(b, &r))
	require.Nil(t, r.Error)
	assert.Contains(t, string(r.Result), `"api_version"`)
	assert.Empty(t, h.Get("Access-Control-Allow-Origin"), "no CORS header")

	// A CORS preflight gets no permission either.
	req, err := http.NewRequest(http.MethodOptions, url, nil)
	require.NoError(t, err)
	req.Header.Set("Origin", "http://evil.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err := hc.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
	assert.NotEqual(t, http.StatusOK, resp.StatusCode)

	// The generated client with the header works; GET /health needs no token.
	cl := heroproc.NewClient(heroproc.NewHTTPTransport(url, heroproc.WithHeader("Authorization", "Bearer "+token)))
	_, err = cl.SystemHealth(ctxT(t, 5*time.Second))
	require.NoError(t, err)
	resp, err = hc.Get("http://" + addr + "/health")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, err = hc.Get("http://" + addr + "/openrpc.json")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	// Only loopback.
	out, err := exec2(t, d.Bin, "--socket", filepath.Join(t.TempDir(), "o.sock"), "--data", t.TempDir(), "--http", "0.0.0.0:0")
	assert.Error(t, err)
	assert.Contains(t, out, "loopback only")
}
