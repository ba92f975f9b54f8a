package matrix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/emit/golang"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// conformanceSchemas are the schemas whose generated servers
// TestOpenRPCConformance checks with @open-rpc/test-coverage.
// The kitchen_sink test schema is not among them: on its recursive Step
// record (a list of Step inside Step) test-coverage 2.2.4 runs node out
// of its 4 GB heap after 90 s, whatever the document says about it.
var conformanceSchemas = []string{
	"examples/hero_logic",
	"proc/hero_proc",
	// Dotted and camelCase wire names, and @positional methods.
	"generator/testdata/schemas/wire_names",
}

// TestOpenRPCConformance runs @open-rpc/test-coverage (tools/js) against
// the generated Go and Rust servers of conformanceSchemas, each given the
// server's own rpc.discover answer, unmodified: the tool generates params
// from the param schemas (json-schema-faker), calls the server at the
// document's servers[0].url and validates each result against its result
// schema with a strict ajv. Every call must be valid. The servers answer
// every method with a fixed, fully populated value of its result type
// (sample), whatever the params; the generated code decodes the params
// and encodes the result, so the params the tool makes from the document
// must be ones the server accepts, and the result schemas must accept
// what the server sends.
func TestOpenRPCConformance(t *testing.T) {
	node := testtool.Look(t, "node")
	cli := filepath.Join(testtool.NodeModules(t), "@open-rpc", "test-coverage", "bin", "cli.js")
	if _, err := os.Stat(cli); err != nil {
		if testtool.Required() {
			t.Fatalf("%s not found (OSCHEMA_REQUIRE_TOOLS=1): run tools/setup", cli)
		}
		t.Skipf("%s not found: run tools/setup (set OSCHEMA_REQUIRE_TOOLS=1 to make this a failure)", cli)
	}
	root := testtool.RepoRoot(t)
	for _, dir := range conformanceSchemas {
		dir := dir
		s, err := resolve.Load(os.DirFS(root), dir)
		require.NoError(t, err, dir)
		require.Len(t, s.Services, 1, dir)
		svc := s.Services[0]
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			t.Run("go", func(t *testing.T) {
				bin := conformanceGoServer(t, name, s, svc)
				ep := startServer(t, bin, "-socket", socketPath(t), "-http", "127.0.0.1:0")
				runTestCoverage(t, node, cli, ep.HTTP)
			})
			t.Run("rust", func(t *testing.T) {
				bin := conformanceRustServer(t, name, s, svc)
				ep := startServer(t, bin, socketPath(t))
				runTestCoverage(t, node, cli, ep.HTTP)
			})
		})
	}
}

// conformanceGoServer builds the generated api.go of svc with the Fixed
// implementation (every method answers sample(result), params unchecked)
// and the harness of generator/emit/golang.
func conformanceGoServer(t *testing.T, name string, s *model.Schema, svc *model.Service) string {
	files, err := golang.Generate(s, svc, emit.Options{})
	require.NoError(t, err)
	apiGo := files[0].Content
	bin := goBuild(t, scratchDir(t, "conf-go-"+name), map[string][]byte{
		"api.go":              apiGo,
		"openrpc.json":        openrpcDoc(t, s, svc),
		"impl.go":             fixedImpl(t, s, svc, apiGo, nil, true),
		"cmd/harness/main.go": emitterTestdata(t, "golang", "harness", "main.go"),
	}, "./cmd/harness")
	return filepath.Join(bin, "harness")
}

// rustTraitMethod matches a method of the generated handler trait, its
// whitespace collapsed: name, input type (empty without params), result.
var rustTraitMethod = regexp.MustCompile(`fn (\w+)\( ?&self(?:, (\w+): (\w+))?,? ?\) -> Result<(.+?), RpcError>;`)

// conformanceRustServer builds the generated Rust server of svc with a
// handler whose every method answers sample(result), and serves it like
// testdata/rust/main.rs: `serve <socket>`, on the socket and a free TCP
// port of 127.0.0.1.
func conformanceRustServer(t *testing.T, name string, s *model.Schema, svc *model.Service) string {
	files := map[string][]byte{}
	addGenerated(t, files, "src/svc", "rust_types,rust_server", s, svc)
	server := string(files["src/svc/rust/rust_server.rs"])
	start := strings.Index(server, "\npub trait ")
	require.NotEqual(t, -1, start, "rust_server.rs has no handler trait")
	end := strings.Index(server[start:], "\n}\n")
	require.NotEqual(t, -1, end)
	trait := server[start+1 : start+end]
	traitName := strings.Fields(trait)[2]
	var body []string
	for _, line := range strings.Split(trait, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "///") {
			body = append(body, line)
		}
	}
	flat := strings.Join(strings.Fields(strings.Join(body, " ")), " ")
	flat = strings.ReplaceAll(strings.ReplaceAll(flat, "( ", "("), " )", ")")
	ms := rustTraitMethod.FindAllStringSubmatch(flat, -1)
	require.Len(t, ms, len(svc.Methods), "trait methods of %s:\n%s", traitName, flat)

	var b strings.Builder
	b.WriteString(`#![deny(warnings)]

mod svc {
    pub mod rust_server {
        #[allow(unused_imports)] // a service without methods uses no type
        use super::rust_types::*;
        include!("svc/rust/rust_server.rs");
    }
    #[path = "rust/rust_types.rs"]
    pub mod rust_types;
}

use std::io::Write;
use std::sync::Arc;
use svc::rust_server::{bind_unix, serve_tcp, serve_unix, RpcError, ` + traitName + `};
#[allow(unused_imports)]
use svc::rust_types::*;
#[allow(unused_imports)]
use std::collections::BTreeMap;

struct Fixed;

fn answer<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, RpcError> {
    Ok(serde_json::from_str(json).expect("a sample of the result type"))
}

impl ` + traitName + ` for Fixed {
`)
	for i, m := range ms {
		wire := svc.Methods[i].Name
		require.Equal(t, strings.ReplaceAll(strings.ToLower(strings.ReplaceAll(wire, ".", "_")), "_", ""),
			strings.ReplaceAll(m[1], "_", ""), "trait method %d", i)
		param := ""
		if m[3] != "" {
			param = ", _input: " + m[3]
		}
		fmt.Fprintf(&b, "    fn %s(&self%s) -> Result<%s, RpcError> {\n        answer(%s)\n    }\n\n",
			m[1], param, m[4], rustRawString(sampleJSON(t, svc.Methods[i])))
	}
	b.WriteString(`}

fn main() {
    let socket = std::env::args().nth(1).expect("usage: conformance <socket>");
    let handler = Arc::new(Fixed);
    let unix = bind_unix(&socket).expect("bind the socket");
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a TCP port");
    let addr = tcp.local_addr().unwrap();
    let tcp_handler = handler.clone();
    std::thread::spawn(move || serve_tcp(tcp_handler, tcp).expect("serve TCP"));
    std::thread::spawn(move || serve_unix(handler, unix).expect("serve the socket"));
    println!("LISTENING unix:{} http://{}/rpc", socket, addr);
    std::io::stdout().flush().unwrap();
    let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
    let _ = std::fs::remove_file(&socket);
}
`)
	files["src/main.rs"] = []byte(b.String())
	return cargoBuild(t, scratchDir(t, "conf-rust-"+name), "oschema_conformance", files)
}

// rustRawString quotes s as a Rust raw string literal.
func rustRawString(s string) string {
	hashes := "#"
	for strings.Contains(s, "\""+hashes) {
		hashes += "#"
	}
	return "r" + hashes + "\"" + s + "\"" + hashes
}

// coverageCall is one call in the report of test-coverage's json reporter.
type coverageCall struct {
	Title        string          `json:"title"`
	MethodName   string          `json:"methodName"`
	Params       json.RawMessage `json:"params"`
	URL          string          `json:"url"`
	Result       json.RawMessage `json:"result"`
	Error        json.RawMessage `json:"error"`
	Valid        bool            `json:"valid"`
	Reason       string          `json:"reason"`
	RequestError json.RawMessage `json:"requestError"`
}

// runTestCoverage calls rpc.discover at endpoint, gives the answer as it
// came to test-coverage and requires every call it makes to be valid.
func runTestCoverage(t *testing.T, node, cli, endpoint string) {
	t.Helper()
	doc := discover(t, endpoint)
	var top struct {
		Servers []struct{ URL string } `json:"servers"`
	}
	require.NoError(t, json.Unmarshal(doc, &top))
	if len(top.Servers) == 0 || top.Servers[0].URL != endpoint {
		t.Errorf("rpc.discover at %s: servers is %+v, want the server's own URL first", endpoint, top.Servers)
	}
	path := filepath.Join(t.TempDir(), "discovered.json")
	require.NoError(t, os.WriteFile(path, doc, 0o644))

	cmd := exec.Command(node, cli, "-s", path, "-t", "http", "-r", "json")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	done := make(chan error, 1)
	require.NoError(t, cmd.Start())
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "test-coverage: %s", stderr.String())
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("test-coverage did not finish within 60s: %s", stderr.String())
	}
	out := stdout.Bytes()
	if i := bytes.IndexByte(out, '['); i > 0 {
		out = out[i:] // anything logged before the report
	}
	var calls []coverageCall
	require.NoError(t, json.Unmarshal(out, &calls), "test-coverage output:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	require.NotEmpty(t, calls)

	invalid := 0
	reasons := map[string]int{}
	var examples []string
	for _, c := range calls {
		if c.Valid {
			continue
		}
		invalid++
		reason := c.Reason
		if len(c.RequestError) > 0 && string(c.RequestError) != "null" {
			reason = "request error: " + string(c.RequestError)
		}
		key := firstLine(reason)
		if i := strings.Index(reason, "but got:"); i >= 0 {
			key = "result does not match its schema: " + reason[i+len("but got:"):]
		}
		if len(c.Error) > 0 && string(c.Error) != "null" {
			key = "error " + string(c.Error)
		}
		if reasons[key] == 0 && len(examples) < 5 {
			examples = append(examples, fmt.Sprintf("%s params %s: %s", c.MethodName, c.Params, truncateText(reason+" "+string(c.Error), 800)))
		}
		reasons[key]++
	}
	t.Logf("test-coverage at %s: %d calls, %d valid, %d invalid", endpoint, len(calls), len(calls)-invalid, invalid)
	if invalid > 0 {
		var keys []string
		for k := range reasons {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return reasons[keys[i]] > reasons[keys[j]] })
		var b strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&b, "  %4d  %s\n", reasons[k], truncateText(k, 300))
		}
		t.Errorf("test-coverage: %d of %d calls invalid; by reason:\n%s\nexamples:\n  %s",
			invalid, len(calls), b.String(), strings.Join(examples, "\n  "))
	}
}

// discover returns the result of rpc.discover at endpoint, as sent.
func discover(t *testing.T, endpoint string) []byte {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Post(endpoint, "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"rpc.discover"}`))
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	var r struct {
		Result json.RawMessage `json:"result"`
	}
	require.NoError(t, json.Unmarshal(body, &r), "%s", body)
	require.NotEmpty(t, r.Result, "%s", body)
	return r.Result
}

func firstLine(s string) string {
	return strings.SplitN(s, "\n", 2)[0]
}

func truncateText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
