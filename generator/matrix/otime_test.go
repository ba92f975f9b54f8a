package matrix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/emit/clienttest"
	"github.com/lhumina-code/rules_oschema/generator/emit/golang"
	"github.com/lhumina-code/rules_oschema/generator/emit/js"
	"github.com/lhumina-code/rules_oschema/generator/emit/python"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// otimeSchema has otimes as a param (by name and by position), in a record field, in a list inside
// a record and in records inside a map of lists (params), and as a result,
// in a record and in a map of lists (results, chosen by index).
const otimeSchema = `Stamp = {
    at: otime
    more?: [otime]
}

service Clock {
    version "1.0.0"
    take(at: otime) -> bool
    take_by_position(at: otime, note?: str) -> bool @positional
    stamp(s: Stamp) -> bool
    nested(m: {str: [Stamp]}) -> bool
    time_of(i: i32) -> otime
    stamp_of(i: i32) -> Stamp
    times_of(i: i32) -> {str: [otime]}
}
`

var otimeRule = regexp.MustCompile(openrpc.DateTimePattern)

// TestOtimeEdgesFollowTheRule keeps the table honest: its verdicts are
// those of openrpc.DateTimePattern.
func TestOtimeEdgesFollowTheRule(t *testing.T) {
	for _, e := range clienttest.OtimeEdges {
		assert.Equal(t, e.Valid, otimeRule.MatchString(e.Value), "%q", e.Value)
	}
}

// TestOtimeServers sends every edge value raw on the wire to the generated
// Go and Rust servers, as a param, as a record field, in a list inside a
// record and in a record inside a map of lists: each accepts exactly the
// values the otime rule accepts and answers -32602 to the others (the Go
// server naming the param or field).
func TestOtimeServers(t *testing.T) {
	testtool.SkipUnderBazel(t, "builds generated Go and Rust servers")
	s, svc := evolutionSchema(t, otimeSchema)
	servers := []struct {
		name  string
		start func(t *testing.T) endpoints
	}{
		{"go", func(t *testing.T) endpoints {
			return startServer(t, conformanceGoServer(t, "otime", s, svc), "-socket", socketPath(t), "-http", "127.0.0.1:0")
		}},
		{"rust", func(t *testing.T) endpoints {
			return startServer(t, conformanceRustServer(t, "otime", s, svc), socketPath(t))
		}},
	}
	const valid = `"2024-05-06T07:08:09Z"`
	cases := []struct {
		method, params, path string // %s is the value
	}{
		{"take", `{"at": %s}`, `at`},
		{"take_by_position", `[%s]`, `at`},
		{"take_by_position", `[%s, "n"]`, `at`},
		{"stamp", `{"s": {"at": %s}}`, `s.at`},
		{"stamp", `{"s": {"at": ` + valid + `, "more": [` + valid + `, %s]}}`, `s.more[1]`},
		{"nested", `{"m": {"k": [{"at": ` + valid + `}, {"at": %s}]}}`, `m["k"][1].at`},
	}
	for _, srv := range servers {
		srv := srv
		t.Run(srv.name, func(t *testing.T) {
			ep := srv.start(t)
			for _, e := range clienttest.OtimeEdges {
				value, err := json.Marshal(e.Value)
				require.NoError(t, err)
				for _, c := range cases {
					params := fmt.Sprintf(c.params, value)
					code, message := rawCall(t, ep.HTTP, c.method, params)
					if e.Valid {
						assert.Equal(t, 0, code, "%s %s: refused (%s), the rule accepts it", c.method, params, message)
						continue
					}
					if !assert.Equal(t, -32602, code, "%s %s: want invalid params (%s)", c.method, params, message) {
						continue
					}
					if srv.name == "go" {
						assert.Contains(t, message, c.path+": ", "%s %s: the error names the param", c.method, params)
					}
				}
			}
			// Thousands of near misses in one batch: the Rust server's
			// hand-written check and the Go server's must agree with the
			// pattern on every one.
			values := otimeNearMisses()
			verdicts := batchVerdicts(t, ep.HTTP, values)
			wrong := 0
			for i, v := range values {
				if want := otimeRule.MatchString(v); verdicts[i] != want {
					wrong++
					if wrong <= 10 {
						t.Errorf("%q: accepted %v, the rule says %v", v, verdicts[i], want)
					}
				}
			}
			assert.Zero(t, wrong, "of %d near misses", len(values))
		})
	}
}

// otimeNearMisses returns otimes one edit away from valid ones (each
// character replaced, deleted or doubled) and every day 00-32 of every
// month 00-13 of years that test the leap year rule.
func otimeNearMisses() []string {
	var out []string
	chars := "0123456789:-+.TZtz x"
	for _, base := range []string{"2024-02-29T23:59:59.123456789+05:30", "2000-02-29T00:00:00Z", "1900-02-28T12:30:45-23:59"} {
		for i := 0; i <= len(base); i++ {
			if i < len(base) {
				for _, c := range chars {
					out = append(out, base[:i]+string(c)+base[i+1:])
				}
				out = append(out, base[:i]+base[i+1:], base[:i]+base[i:i+1]+base[i:])
			}
			out = append(out, base[:i])
		}
	}
	for _, y := range []string{"0000", "0004", "0100", "0400", "1900", "1996", "1999", "2000", "2024", "2100", "2400", "9996"} {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				out = append(out, fmt.Sprintf("%s-%02d-%02dT12:00:00Z", y, m, d))
			}
		}
	}
	for h := 0; h <= 25; h++ {
		for _, mm := range []int{0, 59, 60} {
			out = append(out, fmt.Sprintf("2024-01-01T%02d:%02d:%02dZ", h, mm, mm), fmt.Sprintf("2024-01-01T00:00:00+%02d:%02d", h, mm))
		}
	}
	return out
}

// batchVerdicts calls take with each of values in one JSON-RPC batch and
// reports which the server accepted; any error but -32602 fails t.
func batchVerdicts(t *testing.T, endpoint string, values []string) []bool {
	t.Helper()
	type request struct {
		JSONRPC string            `json:"jsonrpc"`
		ID      int               `json:"id"`
		Method  string            `json:"method"`
		Params  map[string]string `json:"params"`
	}
	batch := make([]request, len(values))
	for i, v := range values {
		batch[i] = request{"2.0", i, "take", map[string]string{"at": v}}
	}
	body, err := json.Marshal(batch)
	require.NoError(t, err)
	client := &http.Client{Timeout: 60 * time.Second}
	resp, err := client.Post(endpoint, "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var replies []struct {
		ID     int             `json:"id"`
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code int `json:"code"`
		} `json:"error"`
	}
	require.NoError(t, json.Unmarshal(b, &replies), "%.500s", b)
	require.Len(t, replies, len(values))
	verdicts := make([]bool, len(values))
	for _, r := range replies {
		require.True(t, r.ID >= 0 && r.ID < len(values), "id %d", r.ID)
		if r.Error != nil {
			require.Equal(t, -32602, r.Error.Code, "%q", values[r.ID])
			continue
		}
		require.Equal(t, "true", string(r.Result), "%q", values[r.ID])
		verdicts[r.ID] = true
	}
	return verdicts
}

// rawCall posts one JSON-RPC call with params as written and returns the
// error code (0 for a result) and message.
func rawCall(t *testing.T, endpoint, method, params string) (int, string) {
	t.Helper()
	body := `{"jsonrpc": "2.0", "id": 1, "method": ` + strconv.Quote(method) + `, "params": ` + params + `}`
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Post(endpoint, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	require.NoError(t, json.Unmarshal(b, &r), "%s", b)
	if r.Error != nil {
		return r.Error.Code, r.Error.Message
	}
	require.Equal(t, "true", string(r.Result), "%s", b)
	return 0, ""
}

// otimeReplies answers time_of, stamp_of and times_of with the edge value
// at index i: alone, in a record, in a list (after a valid one) in a map.
type otimeReplies struct{ t testing.TB }

func (o otimeReplies) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
		Params struct {
			I int `json:"i"`
		} `json:"params"`
	}
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil || req.Params.I < 0 || req.Params.I >= len(clienttest.OtimeEdges) {
		o.t.Errorf("otimeReplies: unexpected request %s", body)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	v, _ := json.Marshal(clienttest.OtimeEdges[req.Params.I].Value)
	var result string
	switch req.Method {
	case "time_of":
		result = string(v)
	case "stamp_of":
		result = `{"at": ` + string(v) + `}`
	case "times_of":
		result = `{"k": ["2024-05-06T07:08:09Z", ` + string(v) + `]}`
	default:
		o.t.Errorf("otimeReplies: unexpected method %q", req.Method)
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"jsonrpc": "2.0", "id": %s, "result": %s}`, req.ID, result)
}

const (
	// Each driver calls time_of, stamp_of and times_of for every index
	// below its count and prints "ok" or "refused <error>" for each.
	otimeGoDriver = `package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	api "example.com/kitchensink"
)

func report(err error) {
	if err == nil {
		fmt.Println("ok")
		return
	}
	fmt.Println("refused", strings.ReplaceAll(err.Error(), "\n", " "))
}

func main() {
	c := api.NewClient(api.NewHTTPTransport(os.Args[1]))
	n, _ := strconv.Atoi(os.Args[2])
	ctx := context.Background()
	for i := 0; i < n; i++ {
		in := int32(i)
		_, err := c.TimeOf(ctx, api.TimeOfInput{I: in})
		report(err)
		_, err = c.StampOf(ctx, api.StampOfInput{I: in})
		report(err)
		_, err = c.TimesOf(ctx, api.TimesOfInput{I: in})
		report(err)
	}
}
`
	otimePython = `
import sys
sys.path.insert(0, sys.argv[1])
import client
c = client.ClockClient(client.HttpTransport(sys.argv[2], timeout=10))
for i in range(int(sys.argv[3])):
    for call in (c.time_of, c.stamp_of, c.times_of):
        try:
            call(i)
            print("ok")
        except client.ProtocolError as e:
            print("refused", str(e).replace("\n", " "))
`
	otimeJS = `
const [clientPath, endpoint, n] = process.argv.slice(1);
const api = await import(clientPath);
const c = new api.ClockClient({ url: endpoint, timeoutMs: 10000 });
for (let i = 0; i < Number(n); i++) {
  for (const call of [c.timeOf, c.stampOf, c.timesOf]) {
    try {
      await call.call(c, { i });
      console.log("ok");
    } catch (e) {
      if (!(e instanceof api.ProtocolError)) throw e;
      console.log("refused", e.message.replace(/\n/g, " "));
    }
  }
}
`
)

// TestOtimeClients has a server reply with every edge value, alone, in a
// record field and in a list in a map: the generated Go, Python and
// JavaScript clients accept exactly the replies the otime rule accepts
// and refuse the others with an error naming the method and the value's
// path.
func TestOtimeClients(t *testing.T) {
	testtool.SkipUnderBazel(t, "builds a Go client and runs Python and node")
	s, svc := evolutionSchema(t, otimeSchema)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	hs := &http.Server{Handler: otimeReplies{t}}
	go hs.Serve(ln) //nolint:errcheck // returns when closed
	t.Cleanup(func() { hs.Close() })
	endpoint := "http://" + ln.Addr().String() + "/rpc"
	n := strconv.Itoa(len(clienttest.OtimeEdges))

	clients := []struct {
		name string
		run  func(t *testing.T) string
	}{
		{"go", func(t *testing.T) string {
			files, err := golang.Generate(s, svc, emit.Options{})
			require.NoError(t, err)
			bin := goBuild(t, scratchDir(t, "otime-go-client"), map[string][]byte{
				"api.go": files[0].Content, "openrpc.json": openrpcDoc(t, s, svc), "cmd/client/main.go": []byte(otimeGoDriver),
			}, "./cmd/client")
			return run(t, "", filepath.Join(bin, "client"), endpoint, n)
		}},
		{"python", func(t *testing.T) string {
			dir := t.TempDir()
			files, err := python.Generate(s, svc, emit.Options{})
			require.NoError(t, err)
			writeGenerated(t, dir, files)
			return run(t, "", testtool.Look(t, "python3"), "-c", otimePython, dir, endpoint, n)
		}},
		{"javascript", func(t *testing.T) string {
			dir := t.TempDir()
			files, err := js.Generate(s, svc, emit.Options{})
			require.NoError(t, err)
			writeGenerated(t, dir, files)
			cmd := exec.Command(testtool.Look(t, "node"), "--input-type=module", "-e", otimeJS,
				filepath.Join(dir, "client.js"), endpoint, n)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			require.NoError(t, err, "%s", stderr.String())
			return string(out)
		}},
	}
	methods := []struct{ name, path string }{
		{"time_of", "result: "}, {"stamp_of", "result.at: "}, {"times_of", `result["k"][1]`},
	}
	for _, c := range clients {
		c := c
		t.Run(c.name, func(t *testing.T) {
			lines := strings.Split(strings.TrimSuffix(c.run(t), "\n"), "\n")
			require.Len(t, lines, len(clienttest.OtimeEdges)*len(methods), "%s", strings.Join(lines, "\n"))
			for i, e := range clienttest.OtimeEdges {
				for j, m := range methods {
					line := lines[i*len(methods)+j]
					if e.Valid {
						assert.Equal(t, "ok", line, "%s reply %q: refused, the rule accepts it", m.name, e.Value)
						continue
					}
					if assert.True(t, strings.HasPrefix(line, "refused "), "%s reply %q: accepted (%s)", m.name, e.Value, line) {
						assert.Contains(t, line, m.name+": ", "%s reply %q: the error names the method", m.name, e.Value)
						path := m.path
						if c.name == "python" && m.name == "times_of" {
							path = "result.k[1]" // Python joins map keys with a dot
						}
						assert.Contains(t, line, path, "%s reply %q: the error names the value's path", m.name, e.Value)
					}
				}
			}
		})
	}
}
