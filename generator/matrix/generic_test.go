package matrix

// Helpers to check the clients of any model: sample values of a type,
// a Go implementation of a generated Server that answers fixed values,
// a recording server, and the generic drivers of testdata/generic.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/emit/clienttest"
	"github.com/lhumina-code/rules_oschema/generator/emit/golang"
	"github.com/lhumina-code/rules_oschema/generator/emit/js"
	"github.com/lhumina-code/rules_oschema/generator/emit/python"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/names"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// sample returns a valid, fully populated wire value of t (optionals
// included, recursion cut off).
func sample(t *model.TypeRef, depth int) interface{} {
	switch t.Kind {
	case model.KindStr:
		return "text"
	case model.KindBool:
		return true
	case model.KindI32, model.KindI64:
		return -42
	case model.KindU32, model.KindU64:
		return 4000000000
	case model.KindF32:
		return 0.5
	case model.KindF64:
		return 2.25
	case model.KindOtime:
		return "2024-05-06T07:08:09.5+02:00"
	case model.KindBytes:
		return "+/8="
	case model.KindAny:
		return map[string]interface{}{"k": []interface{}{1.0, "two", nil}}
	case model.KindList:
		if depth > 3 {
			return []interface{}{}
		}
		return []interface{}{sample(t.Elem, depth+1)}
	case model.KindMap:
		if depth > 3 {
			return map[string]interface{}{}
		}
		return map[string]interface{}{"key": sample(t.Elem, depth+1)}
	case model.KindNamed:
		if t.Decl.Kind == model.DeclEnum {
			return t.Decl.Values[len(t.Decl.Values)-1].Value
		}
		obj := map[string]interface{}{}
		for _, f := range t.Decl.Fields {
			if f.Optional && depth > 3 {
				continue
			}
			obj[f.Name] = sample(f.Type, depth+1)
		}
		return obj
	}
	panic("sample: invalid type")
}

func sampleJSON(t testing.TB, m *model.Method) string {
	if m.Result == nil {
		return "null"
	}
	b, err := json.Marshal(sample(m.Result, 0))
	require.NoError(t, err)
	return string(b)
}

// pythonType is the Python type name driver.py reports for a sample of t.
func pythonType(t *model.TypeRef) string {
	switch t.Kind {
	case model.KindStr:
		return "str"
	case model.KindBool:
		return "bool"
	case model.KindI32, model.KindI64, model.KindU32, model.KindU64:
		return "int"
	case model.KindF32, model.KindF64:
		return "float"
	case model.KindOtime:
		return "datetime"
	case model.KindBytes:
		return "bytes"
	case model.KindAny:
		return "dict"
	case model.KindList:
		return "list[" + pythonType(t.Elem) + "]"
	case model.KindMap:
		return "dict[str, " + pythonType(t.Elem) + "]"
	}
	return names.Escape(names.Python, names.Pascal(t.Decl.Name))
}

// goType is the %T of a Go client's result for t, in package pkg.
func goType(pkg string, t *model.TypeRef) string {
	switch t.Kind {
	case model.KindStr:
		return "string"
	case model.KindBool:
		return "bool"
	case model.KindI32, model.KindI64, model.KindU32, model.KindU64, model.KindF64:
		return map[model.Kind]string{model.KindI32: "int32", model.KindI64: "int64", model.KindU32: "uint32",
			model.KindU64: "uint64", model.KindF64: "float64"}[t.Kind]
	case model.KindF32:
		return "float32"
	case model.KindOtime:
		return "time.Time"
	case model.KindBytes:
		return "[]uint8"
	case model.KindAny:
		return "json.RawMessage"
	case model.KindList:
		return "[]" + goType(pkg, t.Elem)
	case model.KindMap:
		return "map[string]" + goType(pkg, t.Elem)
	}
	return pkg + "." + names.GoExported(t.Decl.Name)
}

// rpcCall is one call a test makes through every client: the wire method
// and its wire params.
type rpcCall struct {
	Method string
	Params string // by name, as the client is called
	Wire   string // the params on the wire, when not Params (@positional)
}

// wire is the params the call puts on the wire.
func (c rpcCall) wire() string {
	if c.Wire != "" {
		return c.Wire
	}
	return c.Params
}

// fixedImpl writes the Go source of type Fixed, which implements the
// Server interface of the generated api.go: each method checks that its
// input equals the params of the test's call of it (else -32099
// "unexpected params") and answers sample(result). newImpl adds
// NewImpl() *Fixed, the constructor the Go harness calls.
func fixedImpl(t testing.TB, s *model.Schema, svc *model.Service, apiGo []byte, calls []rpcCall, newImpl bool) []byte {
	t.Helper()
	type fixture struct {
		Params json.RawMessage `json:"params,omitempty"`
		Result json.RawMessage `json:"result"`
	}
	fixtures := map[string]fixture{}
	wireOf := map[string]string{} // Go method name -> wire name
	for _, m := range svc.Methods {
		fixtures[m.Name] = fixture{Result: json.RawMessage(sampleJSON(t, m))}
		wireOf[names.GoExported(m.Name)] = m.Name
	}
	for _, c := range calls {
		f := fixtures[c.Method]
		f.Params = json.RawMessage(c.Params)
		fixtures[c.Method] = f
	}
	fixtureJSON, err := json.Marshal(fixtures) // sorted keys
	require.NoError(t, err)

	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "api.go", apiGo, 0)
	require.NoError(t, err)
	var server *ast.InterfaceType
	ast.Inspect(file, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok && ts.Name.Name == "Server" {
			server, _ = ts.Type.(*ast.InterfaceType)
		}
		return server == nil
	})
	require.NotNil(t, server, "api.go has no Server interface")
	expr := func(e ast.Expr) string {
		var b bytes.Buffer
		require.NoError(t, printer.Fprint(&b, fset, e))
		return b.String()
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "package %s\n\n", file.Name.Name)
	b.WriteString(`import (
	"context"
	"encoding/json"
	"reflect"
	"time"
)

// Server methods may take or return otimes.
var _ time.Time

// Fixed answers every method with a fixed value (generated by the matrix test).
type Fixed struct{ fixtures map[string]struct{ Params, Result json.RawMessage } }

func newFixed() *Fixed {
	f := &Fixed{}
	if err := json.Unmarshal([]byte(fixturesJSON), &f.fixtures); err != nil {
		panic(err)
	}
	return f
}

func (f *Fixed) answer(method string, in, out interface{}) error {
	fx := f.fixtures[method]
	if in != nil && fx.Params != nil {
		got, _ := json.Marshal(in)
		var a, b interface{}
		_ = json.Unmarshal(got, &a)
		_ = json.Unmarshal(fx.Params, &b)
		if !reflect.DeepEqual(a, b) {
			return (&RPCError{Code: -32099, Message: "unexpected params"}).WithData(map[string]interface{}{"got": a, "want": b})
		}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(fx.Result, out)
}

`)
	if newImpl {
		b.WriteString("// NewImpl returns the Fixed implementation the harness serves.\nfunc NewImpl() *Fixed { return newFixed() }\n\n")
	}
	fmt.Fprintf(&b, "const fixturesJSON = %q\n", fixtureJSON)
	for _, field := range server.Methods.List {
		ft, ok := field.Type.(*ast.FuncType)
		if !ok || len(field.Names) != 1 {
			continue
		}
		name := field.Names[0].Name
		wire, ok := wireOf[name]
		require.True(t, ok, "Server method %s has no method in the model", name)
		params, in := "ctx context.Context", "nil"
		if len(ft.Params.List) == 2 {
			params += ", in " + expr(ft.Params.List[1].Type)
			in = "in"
		}
		if len(ft.Results.List) == 1 {
			fmt.Fprintf(&b, "\nfunc (f *Fixed) %s(%s) error {\n\treturn f.answer(%q, %s, nil)\n}\n", name, params, wire, in)
			continue
		}
		res := expr(ft.Results.List[0].Type)
		fmt.Fprintf(&b, "\nfunc (f *Fixed) %s(%s) (%s, error) {\n\tvar out %s\n\terr := f.answer(%q, %s, &out)\n\treturn out, err\n}\n",
			name, params, res, res, wire, in)
	}
	return b.Bytes()
}

// recorder is an in-process JSON-RPC server for any model: it checks every
// request against the model with clienttest.CheckParams (params by name,
// exact keys, wire types), records it and answers sample(result).
type recorder struct {
	t   testing.TB
	s   *model.Schema
	svc *model.Service

	mu       sync.Mutex
	requests []clienttest.Request
}

func (r *recorder) take() []clienttest.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.requests
	r.requests = nil
	return got
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	var msg struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Method  string          `json:"method"`
		Params  json.RawMessage `json:"params"`
	}
	reply := map[string]interface{}{"jsonrpc": "2.0"}
	fail := func(format string, args ...interface{}) {
		r.t.Errorf("recorder: "+format, args...)
		reply["error"] = map[string]interface{}{"code": -32602, "message": fmt.Sprintf(format, args...)}
	}
	if err := json.Unmarshal(body, &msg); err != nil || msg.JSONRPC != "2.0" || len(msg.ID) == 0 ||
		req.Method != http.MethodPost || req.URL.Path != "/rpc" {
		fail("not a JSON-RPC 2.0 call on POST /rpc: %s %s %s", req.Method, req.URL.Path, body)
	} else if m := r.svc.Method(msg.Method); m == nil {
		fail("unknown method %q", msg.Method)
	} else {
		reply["id"] = msg.ID
		dec := json.NewDecoder(bytes.NewReader(msg.Params))
		dec.UseNumber()
		var params map[string]interface{}
		var err error
		if m.Positional {
			if params, err = clienttest.ByPosition(m, msg.Params); err != nil {
				fail("%v", err)
			}
		} else if err = dec.Decode(&params); err != nil || params == nil {
			fail("%s: params must be an object, got %s", msg.Method, msg.Params)
			err = fmt.Errorf("not an object")
		}
		if err != nil {
		} else if err := clienttest.CheckParams(m, params); err != nil {
			fail("%s: %v", msg.Method, err)
		} else {
			r.mu.Lock()
			r.requests = append(r.requests, clienttest.Request{Method: msg.Method, Params: msg.Params})
			r.mu.Unlock()
			reply["result"] = json.RawMessage(sampleJSON(r.t, m))
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(reply)
}

func (r *recorder) listen(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	hs := &http.Server{Handler: r}
	go hs.Serve(ln) //nolint:errcheck // returns when closed
	t.Cleanup(func() { hs.Close() })
	return "http://" + ln.Addr().String() + "/rpc"
}

// genericClients are the three generated clients of one model, driven by
// the generic drivers of testdata/generic.
type genericClients struct {
	s      *model.Schema
	svc    *model.Service
	pyDir  string // client.py, driver.py
	jsDir  string // client.js, client.d.ts, driver.mjs
	goBin  string // godriver
	apiGo  []byte
	goPkg  string
	server string // the Go harness serving Fixed (or impl), when built
}

// buildGeneric generates and builds the clients of svc, and a Go server
// of the generated api.go with impl (the files to add to its package)
// and the harness of generator/emit/golang.
func buildGeneric(t testing.TB, name string, s *model.Schema, svc *model.Service, impl func(apiGo []byte) map[string][]byte) *genericClients {
	t.Helper()
	g := &genericClients{s: s, svc: svc}
	g.pyDir = scratchDir(t, name+"-python")
	files, err := python.Generate(s, svc, emit.Options{})
	require.NoError(t, err)
	writeGenerated(t, g.pyDir, files)
	writeFiles(t, g.pyDir, map[string][]byte{"driver.py": readTestdata(t, "testdata", "generic", "driver.py")})

	g.jsDir = scratchDir(t, name+"-js")
	files, err = js.Generate(s, svc, emit.Options{})
	require.NoError(t, err)
	writeGenerated(t, g.jsDir, files)
	writeFiles(t, g.jsDir, map[string][]byte{"driver.mjs": readTestdata(t, "testdata", "generic", "driver.mjs")})

	files, err = golang.Generate(s, svc, emit.Options{})
	require.NoError(t, err)
	g.apiGo = files[0].Content
	g.goPkg, err = golang.PackageName(s, emit.Options{})
	require.NoError(t, err)
	src := map[string][]byte{
		"api.go":               g.apiGo,
		"openrpc.json":         openrpcDoc(t, s, svc),
		"cmd/godriver/main.go": readTestdata(t, "testdata", "generic", "godriver", "main.go"),
		"cmd/harness/main.go":  emitterTestdata(t, "golang", "harness", "main.go"),
	}
	for k, v := range impl(g.apiGo) {
		src[k] = v
	}
	bin := goBuild(t, scratchDir(t, name+"-go"), src, "./cmd/godriver", "./cmd/harness")
	g.goBin = filepath.Join(bin, "godriver")
	g.server = filepath.Join(bin, "harness")
	return g
}

// result is one line of a generic driver's output.
type result struct {
	Result json.RawMessage `json:"result"`
	Type   string          `json:"type"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// runClient runs one client's generic driver with calls against endpoint.
func (g *genericClients) runClient(t *testing.T, lang, endpoint string, calls []rpcCall) []result {
	t.Helper()
	class := names.Pascal(g.svc.Name) + "Client"
	var out string
	switch lang {
	case "python":
		type pyCall struct {
			Method string                     `json:"method"`
			Args   map[string]json.RawMessage `json:"args"`
		}
		var list []pyCall
		for _, c := range calls {
			var params map[string]json.RawMessage
			require.NoError(t, json.Unmarshal([]byte(c.Params), &params))
			args := map[string]json.RawMessage{}
			for k, v := range params {
				args[names.Escape(names.Python, names.Snake(k))] = v
			}
			list = append(list, pyCall{names.Escape(names.Python, names.Snake(c.Method)), args})
		}
		b, err := json.Marshal(list)
		require.NoError(t, err)
		out = run(t, "", testtool.Look(t, "python3"), filepath.Join(g.pyDir, "driver.py"), g.pyDir, class, endpoint, string(b))
	case "javascript", "go":
		type call struct {
			Method string          `json:"method"`
			Params json.RawMessage `json:"params"`
		}
		var list []call
		for _, c := range calls {
			n := names.Escape(names.JavaScript, names.Camel(c.Method))
			if lang == "go" {
				n = names.GoExported(c.Method)
			}
			list = append(list, call{n, json.RawMessage(c.Params)})
		}
		b, err := json.Marshal(list)
		require.NoError(t, err)
		if lang == "go" {
			out = run(t, "", g.goBin, endpoint, string(b))
		} else {
			out = run(t, "", testtool.Look(t, "node"), filepath.Join(g.jsDir, "driver.mjs"), filepath.Join(g.jsDir, "client.js"), class, endpoint, string(b))
		}
	}
	var results []result
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r result
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r), "%s driver printed %q", lang, sc.Text())
		results = append(results, r)
	}
	require.Len(t, results, len(calls), "%s driver output:\n%s", lang, out)
	return results
}

// checkResults checks each call's result: want(i, method) as a value of the
// method's result type, and the result's type in Python and Go.
func (g *genericClients) checkResults(t *testing.T, lang string, calls []rpcCall, got []result, want func(i int, m *model.Method) string) {
	t.Helper()
	for i, c := range calls {
		m := g.svc.Method(c.Method)
		r := got[i]
		if !assert.Nil(t, r.Error, "%s: error %+v", c.Method, r.Error) {
			continue
		}
		if m.Result == nil {
			assert.Equal(t, "null", string(r.Result), "%s returns nothing", c.Method)
			continue
		}
		assert.NoError(t, sameValue(m.Result, want(i, m), string(r.Result)), "%s result", c.Method)
		switch lang {
		case "python":
			assert.Equal(t, pythonType(m.Result), r.Type, "%s: Python type of the result", c.Method)
		case "go":
			assert.Equal(t, goType(g.goPkg, m.Result), r.Type, "%s: Go type of the result", c.Method)
		}
	}
}
