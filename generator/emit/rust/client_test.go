package rust

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/emit/clienttest"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// The driver of testdata/driver/main.rs, built once per test binary.
var driver struct {
	once sync.Once
	bin  string
	err  string
}

// driverBin builds testdata/driver/main.rs with the kitchen_sink
// rust_types.rs and rust_client.rs (the client through include!).
func driverBin(t *testing.T) string {
	t.Helper()
	testtool.SkipUnderBazel(t, "cargo")
	driver.once.Do(func() {
		driver.err = "failed in an earlier test"
		s, svc := loadKitchenSink(t)
		main, err := os.ReadFile(filepath.Join("testdata", "driver", "main.rs"))
		require.NoError(t, err)
		files := map[string][]byte{"src/main.rs": main}
		for _, gen := range []emit.Generator{GenerateTypes, GenerateClient} {
			out, err := gen(s, svc, emit.Options{})
			require.NoError(t, err)
			for _, f := range out {
				files["src/kitchen_sink/"+f.Name] = f.Content
			}
		}
		driver.bin = testtool.CargoBuild(t, t.TempDir(), "oschema_rust_client_driver", files)
		driver.err = ""
	})
	if driver.err != "" {
		t.Fatalf("building the driver: %s", driver.err)
	}
	return driver.bin
}

func runRustDriver(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(driverBin(t), args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "driver %s: %s\nstdout:\n%s", strings.Join(args, " "), stderr.String(), out)
	return string(out)
}

// TestClientScript runs the scripted conversation against the reference
// server, which checks every request on the wire, over both transports.
func TestClientScript(t *testing.T) {
	for _, transport := range []string{"unix", "http"} {
		transport := transport
		t.Run(transport, func(t *testing.T) {
			srv := clienttest.NewServer(t, clienttest.KitchenSink(t))
			endpoint := srv.ListenHTTP(t)
			if transport == "unix" {
				endpoint = clienttest.Endpoint(srv.ListenUnix(t))
			}
			out := runRustDriver(t, "script", endpoint, clienttest.Task1, clienttest.Task2)
			clienttest.CheckTranscript(t, out)
			clienttest.CheckRequests(t, srv.Requests())
		})
	}
}

// probeResult is the line `driver probe` prints.
type probeResult struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Type    string `json:"type"`
		Message string `json:"message"`
		Method  string `json:"method"`
		Path    string `json:"path"`
		Code    int    `json:"code"`
	} `json:"error"`
	ElapsedMS int64 `json:"elapsed_ms"`
}

func probe(t *testing.T, endpoint, method string, defaultMS, callMS, maxBytes int) probeResult {
	t.Helper()
	out := runRustDriver(t, "probe", endpoint, method, strconv.Itoa(defaultMS), strconv.Itoa(callMS), strconv.Itoa(maxBytes))
	var r probeResult
	require.NoError(t, json.Unmarshal([]byte(out), &r), out)
	return r
}

// TestClientHangingServer: a server that never answers fails the call
// with Timeout at its deadline, on both transports.
func TestClientHangingServer(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.KitchenSink(t))
	srv.Hang = true
	for _, endpoint := range []string{clienttest.Endpoint(srv.ListenUnix(t)), srv.ListenHTTP(t)} {
		r := probe(t, endpoint, "task_list", 300, 0, 1<<20)
		require.NotNil(t, r.Error, endpoint)
		assert.Equal(t, "Timeout", r.Error.Type, endpoint)
		assert.Equal(t, "task_list", r.Error.Method)
		assert.Contains(t, r.Error.Message, "task_list: no reply within 300ms")
		assert.InDelta(t, 300, r.ElapsedMS, 250, endpoint)
	}
}

// misbehaving is a raw HTTP/1.1 server (TCP and a Unix socket) whose reply
// depends on the request path: /<mode>. Over the Unix socket, whose path
// is always /rpc, it uses unixMode.
type misbehaving struct {
	t        *testing.T
	unixMode string
	mu       sync.Mutex
	headers  []string // the request heads received
}

func (m *misbehaving) serve(ln net.Listener) {
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go m.handle(conn)
		}
	}()
	m.t.Cleanup(func() { ln.Close() })
}

func (m *misbehaving) handle(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	var head strings.Builder
	length := 0
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		head.WriteString(line)
		if line == "\r\n" {
			break
		}
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok && strings.EqualFold(k, "content-length") {
			length, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(r, body); err != nil {
		return
	}
	m.mu.Lock()
	m.headers = append(m.headers, head.String())
	m.mu.Unlock()
	var req struct {
		ID json.RawMessage `json:"id"`
	}
	_ = json.Unmarshal(body, &req)
	id := string(req.ID)
	mode := strings.TrimPrefix(strings.Fields(head.String())[1], "/")
	if mode == "rpc" {
		mode = m.unixMode
	}
	reply := func(status, body string) {
		fmt.Fprintf(conn, "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", status, len(body), body)
	}
	task := func(edit func(map[string]interface{})) string {
		var v map[string]interface{}
		require.NoError(m.t, json.Unmarshal([]byte(clienttest.Task1), &v))
		edit(v)
		b, _ := json.Marshal(v)
		return `{"jsonrpc":"2.0","id":` + id + `,"result":` + string(b) + `}`
	}
	switch mode {
	case "ok":
		reply("200 OK", `{"jsonrpc":"2.0","id":`+id+`,"result":["ok"],"unknown":1}`)
	case "slow":
		time.Sleep(700 * time.Millisecond)
		reply("200 OK", `{"jsonrpc":"2.0","id":`+id+`,"result":["slow"]}`)
	case "drip":
		// A valid head, then one byte of the body at a time, forever.
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
		for {
			if _, err := conn.Write([]byte(" ")); err != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	case "drip_head":
		for _, b := range []byte("HTTP/1.1 200 OK\r\nX-Slow: " + strings.Repeat("x", 1000)) {
			if _, err := conn.Write([]byte{b}); err != nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	case "endless_chunked":
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
		chunk := fmt.Sprintf("%x\r\n%s\r\n", 64<<10, strings.Repeat("[", 64<<10))
		for {
			if _, err := io.WriteString(conn, chunk); err != nil {
				return
			}
		}
	case "endless_eof":
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
		junk := []byte(strings.Repeat("x", 64<<10))
		for {
			if _, err := conn.Write(junk); err != nil {
				return
			}
		}
	case "huge_length":
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Length: 1000000000000\r\n\r\n{")
	case "cut_short":
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\"")
	case "close":
	case "not_http":
		io.WriteString(conn, "SSH-2.0-OpenSSH_9.2\r\n\r\n") //nolint:errcheck
	case "long_header":
		io.WriteString(conn, "HTTP/1.1 200 OK\r\nX-Big: "+strings.Repeat("y", 100<<10)+"\r\n\r\n") //nolint:errcheck
	case "bad_chunk":
		io.WriteString(conn, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") //nolint:errcheck
	case "binary":
		conn.Write([]byte{0, 0xff, 0xfe, '\n', '\n', 0x80}) //nolint:errcheck
	case "chunked_ok":
		io.WriteString(conn, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"+ //nolint:errcheck
			"5;x=1\r\n{\"jso\r\n"+fmt.Sprintf("%x", len(`nrpc":"2.0","id":`+id+`,"result":["chunked"]}`))+"\r\n"+
			`nrpc":"2.0","id":`+id+`,"result":["chunked"]}`+"\r\n0\r\nX-Trailer: 1\r\n\r\n")
	case "continue":
		io.WriteString(conn, "HTTP/1.1 100 Continue\r\n\r\n") //nolint:errcheck
		reply("200 OK", `{"jsonrpc":"2.0","id":`+id+`,"result":["after_100"]}`)
	case "bad_json":
		reply("200 OK", `{"jsonrpc":"2.0","id":`+id+`,"result":[`)
	case "not_rpc":
		reply("200 OK", `{"hello":"world"}`)
	case "bad_gateway":
		reply("502 Bad Gateway", "<html>bad gateway</html>")
	case "rpc_error_500":
		reply("500 Internal Server Error", `{"jsonrpc":"2.0","id":`+id+`,"error":{"code":-32603,"message":"internal"}}`)
	case "wrong_id":
		reply("200 OK", `{"jsonrpc":"2.0","id":999,"result":[]}`)
	case "null_id_error":
		reply("200 OK", `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}`)
	case "error_not_object":
		reply("200 OK", `{"jsonrpc":"2.0","id":`+id+`,"error":5}`)
	case "error_odd_fields":
		reply("200 OK", `{"jsonrpc":"2.0","id":`+id+`,"error":{"code":"x","message":7,"data":null}}`)
	case "bad_element":
		reply("200 OK", `{"jsonrpc":"2.0","id":`+id+`,"result":["a",1]}`)
	case "bad_nested":
		reply("200 OK", task(func(v map[string]interface{}) {
			v["steps"].([]interface{})[0].(map[string]interface{})["children"].([]interface{})[0].(map[string]interface{})["title"] = 5
		}))
	case "missing_field":
		reply("200 OK", task(func(v map[string]interface{}) { delete(v["owner"].(map[string]interface{}), "name") }))
	case "out_of_range":
		reply("200 OK", task(func(v map[string]interface{}) { v["attempts"] = -1 }))
	case "unknown_field":
		reply("200 OK", task(func(v map[string]interface{}) {
			v["added_later"] = map[string]interface{}{"x": 1}
			v["owner"].(map[string]interface{})["added_later"] = true
		}))
	case "unknown_enum":
		reply("200 OK", task(func(v map[string]interface{}) { v["phase"] = "paused" }))
	default:
		m.t.Errorf("misbehaving: unknown mode %q", mode)
	}
}

func (m *misbehaving) listenTCP() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(m.t, err)
	m.serve(ln)
	return "http://" + ln.Addr().String()
}

func (m *misbehaving) listenUnix() string {
	dir, err := os.MkdirTemp("", "osr")
	require.NoError(m.t, err)
	m.t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "rpc.sock")
	ln, err := net.Listen("unix", path)
	require.NoError(m.t, err)
	m.serve(ln)
	return "unix:" + path
}

// TestClientMisbehavingServers: deadlines bound the whole call, the size
// limit bounds memory, and every broken reply is an error of the right
// kind, never a panic (the driver would exit 101).
func TestClientMisbehavingServers(t *testing.T) {
	m := &misbehaving{t: t}
	base := m.listenTCP()
	const limit = 1 << 20
	cases := []struct {
		mode, method string
		defaultMS    int
		callMS       int
		kind         string // the error's type, "" for a result
		want         string // in the message, or the result (JSON)
		path         string
	}{
		{"ok", "task_list", 2000, 0, "", `["ok"]`, ""},
		{"chunked_ok", "task_list", 2000, 0, "", `["chunked"]`, ""},
		{"continue", "task_list", 2000, 0, "", `["after_100"]`, ""},
		// A per-call timeout longer than the default lets a slow call end.
		{"slow", "task_list", 200, 0, "Timeout", "task_list: no reply within 200ms", ""},
		{"slow", "task_list", 200, 3000, "", `["slow"]`, ""},
		// Dripping servers cannot stretch the deadline.
		{"drip", "task_list", 600, 0, "Timeout", "no reply within 600ms", ""},
		{"drip_head", "task_list", 600, 0, "Timeout", "no reply within 600ms", ""},
		{"endless_chunked", "task_list", 10000, 0, "ResponseTooLarge", "exceeds the limit of 1048576 bytes", ""},
		{"endless_eof", "task_list", 10000, 0, "ResponseTooLarge", "exceeds the limit of 1048576 bytes", ""},
		{"huge_length", "task_list", 10000, 0, "ResponseTooLarge", "exceeds the limit", ""},
		{"cut_short", "task_list", 2000, 0, "Io", "reading the reply: ", ""},
		{"close", "task_list", 2000, 0, "Io", "reading the reply", ""},
		{"not_http", "task_list", 2000, 0, "Protocol", "not an HTTP/1.x status line", ""},
		{"long_header", "task_list", 2000, 0, "Protocol", "header line too long", ""},
		{"bad_chunk", "task_list", 2000, 0, "Protocol", "bad chunk size", ""},
		{"binary", "task_list", 2000, 0, "Protocol", "malformed HTTP reply", ""},
		{"bad_json", "task_list", 2000, 0, "Protocol", "not a JSON-RPC response", ""},
		{"not_rpc", "task_list", 2000, 0, "Protocol", `not a JSON-RPC response: "{\"hello\":\"world\"}"`, ""},
		{"bad_gateway", "task_list", 2000, 0, "Http", "task_list: HTTP 502: <html>bad gateway</html>", ""},
		{"rpc_error_500", "task_list", 2000, 0, "RpcError", "internal", ""},
		{"wrong_id", "task_list", 2000, 0, "Protocol", "the response id 999 does not match the request id", ""},
		{"null_id_error", "task_list", 2000, 0, "RpcError", "parse error", ""},
		{"error_not_object", "task_list", 2000, 0, "Protocol", "malformed error object: 5", ""},
		{"error_odd_fields", "task_list", 2000, 0, "RpcError", "7", ""},
		{"bad_element", "task_list", 2000, 0, "Protocol", "invalid type: integer `1`, expected a string", "result[1]"},
		{"bad_nested", "task_get", 2000, 0, "Protocol", "invalid type: integer `5`, expected a string", "result.steps[0].children[0].title"},
		{"missing_field", "task_get", 2000, 0, "Protocol", "missing field `name`", "result.owner"},
		{"out_of_range", "task_get", 2000, 0, "Protocol", "expected u32", "result.attempts"},
		{"unknown_field", "task_get", 2000, 0, "", `"sid":"t1"`, ""},
		// A value added by a newer server is kept (Phase::Unknown), as
		// the Go, Python and JS clients keep it.
		{"unknown_enum", "task_get", 2000, 0, "", `"phase":"paused"`, ""},
	}
	for _, c := range cases {
		c := c
		t.Run(fmt.Sprintf("%s_%d_%d", c.mode, c.defaultMS, c.callMS), func(t *testing.T) {
			start := time.Now()
			r := probe(t, base+"/"+c.mode, c.method, c.defaultMS, c.callMS, limit)
			took := time.Since(start)
			if c.kind == "" {
				require.Nil(t, r.Error, "%+v", r.Error)
				assert.Contains(t, strings.ReplaceAll(string(r.Result), " ", ""), c.want)
				return
			}
			require.NotNil(t, r.Error, "result %s", r.Result)
			assert.Equal(t, c.kind, r.Error.Type, r.Error.Message)
			assert.Contains(t, r.Error.Message, c.want)
			assert.Equal(t, c.path, r.Error.Path)
			if c.kind == "Timeout" {
				assert.InDelta(t, c.defaultMS, r.ElapsedMS, 300, "the deadline bounds the whole call")
			}
			assert.Less(t, took, 8*time.Second)
		})
	}

	// The Unix socket transport has the same deadline and limit.
	for _, mode := range []string{"drip", "endless_chunked"} {
		u := &misbehaving{t: t, unixMode: mode}
		r := probe(t, u.listenUnix(), "task_list", 600, 0, limit)
		require.NotNil(t, r.Error, mode)
		want := map[string]string{"drip": "Timeout", "endless_chunked": "ResponseTooLarge"}[mode]
		assert.Equal(t, want, r.Error.Type, mode)
	}

	// Every request carried the bearer token and the extra header, with
	// the JSON-RPC content type.
	m.mu.Lock()
	defer m.mu.Unlock()
	require.NotEmpty(t, m.headers)
	for _, h := range m.headers {
		assert.Contains(t, h, "Authorization: Bearer s3cret\r\n")
		assert.Contains(t, h, "X-Trace: probe\r\n")
		assert.Contains(t, h, "Content-Type: application/json\r\n")
		assert.True(t, strings.HasPrefix(h, "POST /"), h)
	}
}

// TestClientEndpoints: what connect refuses, and a missing socket.
func TestClientEndpoints(t *testing.T) {
	for _, c := range []struct{ endpoint, kind, want string }{
		{"https://example.com/rpc", "InvalidEndpoint", "https is not supported"},
		{"ftp://x", "InvalidEndpoint", "must start with http://"},
		{"http://:80/rpc", "InvalidEndpoint", "needs a host"},
		{"http://host:99999/rpc", "InvalidEndpoint", "port"},
		{"http://user@host/rpc", "InvalidEndpoint", "user info"},
		{"unix:", "InvalidEndpoint", "no socket path"},
		{"unix:/nonexistent/dir/rpc.sock", "Io", "connecting to the Unix socket: "},
		{"http://127.0.0.1:1/rpc", "Io", "connecting: "},
	} {
		out, err := exec.Command(driverBin(t), "probe", c.endpoint, "task_list", "1000", "0", "1000").CombinedOutput()
		if c.kind == "InvalidEndpoint" {
			// The driver expects a usable endpoint: it reports the error and exits.
			require.Error(t, err, "%s: %s", c.endpoint, out)
			assert.Contains(t, string(out), c.want, c.endpoint)
			continue
		}
		require.NoError(t, err, "%s", out)
		var r probeResult
		require.NoError(t, json.Unmarshal(out, &r), "%s", out)
		require.NotNil(t, r.Error, c.endpoint)
		assert.Equal(t, c.kind, r.Error.Type, c.endpoint)
		assert.Contains(t, r.Error.Message, c.want, c.endpoint)
	}
}

// TestClientNames: the client's own names win over the schema's, and a
// decl cannot take the name of an item the client defines.
func TestClientNames(t *testing.T) {
	s, svc := edgeSchema()
	svc.Methods[0].Name = "discover"
	files, err := GenerateClient(s, svc, emit.Options{})
	require.NoError(t, err)
	src := string(files[0].Content)
	for _, want := range []string{
		"    pub fn discover(&self) -> Result<serde_json::Value, ClientError> {\n",
		"    /// Calls `discover`.\n    pub fn discover_(&self",
		`(&self.core, "discover", &params)`,
	} {
		assert.True(t, strings.Contains(src, want), "rust_client.rs lacks %q", want)
	}
	var code []string // the lines outside the header's // comments
	for _, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(line, "//") {
			code = append(code, line)
		}
	}
	assert.NotContains(t, strings.Join(code, "\n"), "#!", "no inner attributes: the file is compiled with include!")
	assert.NotContains(t, strings.Join(code, "\n"), "super::", "no paths to other modules")

	for _, name := range []string{"EdgeServiceClient", "EdgeServiceError", "ClientError", "ErrorObject"} {
		s, svc := edgeSchema()
		s.Decls[1].Name = name
		_, err := GenerateClient(s, svc, emit.Options{})
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "which the client of service EdgeService defines", name)
		_, err = GenerateTypes(s, svc, emit.Options{})
		assert.NoError(t, err, "only the client reserves %s", name)
	}
}
