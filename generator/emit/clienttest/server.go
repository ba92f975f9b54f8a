package clienttest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
)

// Request is one JSON-RPC request the server received.
type Request struct {
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
}

// Server is an in-memory TaskService (the reference behaviour documented
// in script.go) that checks every request against the model: POST /rpc,
// Content-Type application/json, JSON-RPC 2.0 with an id, params by name
// with exactly the method's params, values of the right JSON type (RFC 3339
// otimes, standard base64 bytes, integers in range, enum values), no
// unknown keys and optionals omitted rather than null. Violations fail t.
type Server struct {
	t   testing.TB
	s   *model.Schema
	svc *model.Service

	// Hang makes every call wait until the client gives up (or 10 s), to
	// test client timeouts.
	Hang bool

	mu       sync.Mutex
	tasks    map[string]map[string]interface{}
	requests []Request
}

// NewServer returns a Server for the kitchen_sink schema s.
func NewServer(t testing.TB, s *model.Schema) *Server {
	svc := s.Service("TaskService")
	if svc == nil {
		t.Fatal("clienttest: schema has no TaskService")
	}
	return &Server{t: t, s: s, svc: svc, tasks: map[string]map[string]interface{}{}}
}

// Requests returns the requests received so far, in order.
func (srv *Server) Requests() []Request {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return append([]Request(nil), srv.requests...)
}

// ListenUnix serves srv on a fresh Unix socket until the test ends and
// returns the socket's path (short, to stay under the 108-byte limit).
func (srv *Server) ListenUnix(t testing.TB) string {
	dir, err := os.MkdirTemp("", "osk")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "rpc.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	srv.serve(t, ln)
	return path
}

// ListenHTTP serves srv on a loopback TCP port until the test ends and
// returns the endpoint URL (http://127.0.0.1:port/rpc).
func (srv *Server) ListenHTTP(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.serve(t, ln)
	return "http://" + ln.Addr().String() + "/rpc"
}

func (srv *Server) serve(t testing.TB, ln net.Listener) {
	hs := &http.Server{Handler: srv}
	go hs.Serve(ln) //nolint:errcheck // returns when closed
	t.Cleanup(func() { hs.Close() })
}

type rpcError struct {
	Code    int         `json:"code"`
	Message string      `json:"message"`
	Data    interface{} `json:"data,omitempty"`
}

// ServeHTTP answers one JSON-RPC request.
func (srv *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/rpc" {
		srv.t.Errorf("clienttest: got %s %s, want POST /rpc", r.Method, r.URL.Path)
		http.Error(w, "want POST /rpc", http.StatusNotFound)
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		srv.t.Errorf("clienttest: Content-Type %q, want application/json", ct)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	var req struct {
		JSONRPC string           `json:"jsonrpc"`
		ID      *json.RawMessage `json:"id"`
		Method  string           `json:"method"`
		Params  json.RawMessage  `json:"params"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		srv.t.Errorf("clienttest: request is not JSON: %v: %s", err, body)
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	if req.JSONRPC != "2.0" || req.ID == nil {
		srv.t.Errorf("clienttest: want jsonrpc 2.0 with an id: %s", body)
	}
	srv.mu.Lock()
	srv.requests = append(srv.requests, Request{Method: req.Method, Params: req.Params})
	srv.mu.Unlock()

	if srv.Hang {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		return
	}
	result, rerr := srv.call(req.Method, req.Params)
	reply := map[string]interface{}{"jsonrpc": "2.0", "id": req.ID}
	if rerr != nil {
		reply["error"] = rerr
	} else {
		reply["result"] = result
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(reply) //nolint:errcheck
}

func (srv *Server) appError(name string, data interface{}) *rpcError {
	for _, e := range srv.svc.Errors {
		if e.Name == name {
			return &rpcError{Code: e.Code, Message: strings.SplitN(e.Doc, "\n", 2)[0], Data: data}
		}
	}
	panic("clienttest: no error " + name)
}

func (srv *Server) call(method string, raw json.RawMessage) (interface{}, *rpcError) {
	if method == "rpc.discover" {
		doc, err := openrpc.Document(srv.s, srv.svc)
		if err != nil {
			return nil, &rpcError{Code: -32603, Message: err.Error()}
		}
		return json.RawMessage(doc), nil
	}
	m := srv.svc.Method(method)
	if m == nil {
		srv.t.Errorf("clienttest: unknown method %q", method)
		return nil, &rpcError{Code: -32601, Message: "method not found"}
	}
	var params map[string]interface{}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if m.Positional {
		var err error
		if params, err = ByPosition(m, raw); err != nil {
			srv.t.Errorf("clienttest: %v", err)
			return nil, &rpcError{Code: -32602, Message: err.Error()}
		}
	} else if err := dec.Decode(&params); err != nil || params == nil {
		srv.t.Errorf("clienttest: %s: params must be an object (by name), got %s", method, raw)
		return nil, &rpcError{Code: -32602, Message: "params must be an object"}
	}
	if err := CheckParams(m, params); err != nil {
		srv.t.Errorf("clienttest: %s: %v", method, err)
		return nil, &rpcError{Code: -32602, Message: err.Error()}
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	sid, _ := params["sid"].(string)
	switch method {
	case "reset":
		srv.tasks = map[string]map[string]interface{}{}
		return nil, nil
	case "task_new":
		task := params["task"].(map[string]interface{})
		srv.tasks[task["sid"].(string)] = task
		return task, nil
	case "task_get":
		if sid == "boom" {
			return nil, &rpcError{Code: -32000, Message: "boom", Data: map[string]interface{}{"sid": sid}}
		}
		if t, ok := srv.tasks[sid]; ok {
			return t, nil
		}
		return nil, srv.appError("NotFound", map[string]interface{}{"sid": sid})
	case "task_set":
		task := params["task"].(map[string]interface{})
		id := task["sid"].(string)
		if _, ok := srv.tasks[id]; !ok {
			return nil, srv.appError("NotFound", map[string]interface{}{"sid": id})
		}
		srv.tasks[id] = task
		return task, nil
	case "task_delete":
		if _, ok := srv.tasks[sid]; !ok {
			return nil, srv.appError("NotFound", map[string]interface{}{"sid": sid})
		}
		delete(srv.tasks, sid)
		return nil, nil
	case "task_list":
		return srv.sids(), nil
	case "task_list_full":
		return srv.find(nil, nil), nil
	case "task_exists":
		_, ok := srv.tasks[sid]
		return ok, nil
	case "task_find":
		return srv.find(params["name"], params["phase"]), nil
	case "task_start":
		t, ok := srv.tasks[sid]
		if !ok {
			return nil, srv.appError("NotFound", map[string]interface{}{"sid": sid})
		}
		if p := t["phase"]; p == "done" || p == "failed" {
			return nil, srv.appError("BadPhase", map[string]interface{}{"phase": p})
		}
		if params["dry_run"] == true {
			return "pending", nil
		}
		t["phase"] = "running"
		return "running", nil
	case "echo":
		return params["task"], nil
	case "sum":
		total := 0.0
		for _, v := range params["values"].([]interface{}) {
			f, _ := v.(json.Number).Float64()
			total += f
		}
		return total, nil
	case "scale":
		factor, offset := 1.0, 0.0
		if f, ok := params["factor"].(json.Number); ok {
			factor, _ = f.Float64()
		}
		if o, ok := params["offset"].(json.Number); ok {
			offset, _ = o.Float64()
		}
		out := []float64{}
		for _, v := range params["values"].([]interface{}) {
			f, _ := v.(json.Number).Float64()
			out = append(out, f*factor+offset)
		}
		return out, nil
	}
	return nil, &rpcError{Code: -32601, Message: "method not implemented by the test server"}
}

// ByPosition reads the params of a @positional method the way clients
// must send them: an array in declared order, no longer than the params,
// ending at the last one given (no trailing null for an optional param),
// with null for an optional one left out before it. It returns them by
// name (numbers as json.Number), without those nulls.
func ByPosition(m *model.Method, raw json.RawMessage) (map[string]interface{}, error) {
	var values []interface{}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&values); err != nil || values == nil {
		return nil, fmt.Errorf("%s: params must be an array (by position), got %s", m.Name, raw)
	}
	if n := len(values); n > len(m.Params) || (n > 0 && values[n-1] == nil && m.Params[n-1].Optional) {
		return nil, fmt.Errorf("%s: %d params by position (at most %d, no trailing null): %s", m.Name, n, len(m.Params), raw)
	}
	params := map[string]interface{}{}
	for i, v := range values {
		if v != nil || !m.Params[i].Optional {
			params[m.Params[i].Name] = v
		}
	}
	return params, nil
}

func (srv *Server) sids() []string {
	sids := make([]string, 0, len(srv.tasks))
	for sid := range srv.tasks {
		sids = append(sids, sid)
	}
	sort.Strings(sids)
	return sids
}

func (srv *Server) find(name, phase interface{}) []interface{} {
	out := []interface{}{}
	for _, sid := range srv.sids() {
		t := srv.tasks[sid]
		if name != nil && t["name"] != name || phase != nil && t["phase"] != phase {
			continue
		}
		out = append(out, t)
	}
	return out
}

// CheckParams checks decoded params (numbers as json.Number) against m.
func CheckParams(m *model.Method, params map[string]interface{}) error {
	return checkObject(m.Params, params, "params")
}

func checkObject(fields []*model.Field, obj map[string]interface{}, where string) error {
	known := map[string]bool{}
	for _, f := range fields {
		known[f.Name] = true
		v, ok := obj[f.Name]
		if !ok {
			if !f.Optional {
				return fmt.Errorf("%s: required %q missing", where, f.Name)
			}
			continue
		}
		if v == nil && f.Optional {
			return fmt.Errorf("%s: optional %q sent as null; omit it instead", where, f.Name)
		}
		if err := CheckValue(f.Type, v, where+"."+f.Name); err != nil {
			return err
		}
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !known[k] {
			return fmt.Errorf("%s: unknown key %q", where, k)
		}
	}
	return nil
}

// CheckValue checks that the decoded JSON value v (numbers as
// json.Number) is a valid wire value of t.
func CheckValue(t *model.TypeRef, v interface{}, where string) error {
	bad := func(want string) error { return fmt.Errorf("%s: want %s, got %#v", where, want, v) }
	switch t.Kind {
	case model.KindAny:
		return nil
	case model.KindStr, model.KindOtime, model.KindBytes:
		s, ok := v.(string)
		if !ok {
			return bad("a string")
		}
		if t.Kind == model.KindOtime {
			if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
				return bad("an RFC 3339 date-time")
			}
		}
		if t.Kind == model.KindBytes {
			if _, err := base64.StdEncoding.DecodeString(s); err != nil {
				return bad("standard base64")
			}
		}
	case model.KindBool:
		if _, ok := v.(bool); !ok {
			return bad("a boolean")
		}
	case model.KindI32, model.KindI64, model.KindU32, model.KindU64:
		n, ok := v.(json.Number)
		if !ok {
			return bad("an integer")
		}
		i, err := n.Int64()
		if err != nil {
			return bad("an integer")
		}
		lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
		switch t.Kind {
		case model.KindI32:
			lo, hi = math.MinInt32, math.MaxInt32
		case model.KindU32:
			lo, hi = 0, math.MaxUint32
		case model.KindU64:
			lo = 0
		}
		if i < lo || i > hi {
			return bad("an integer in range of " + t.Kind.String())
		}
	case model.KindF32, model.KindF64:
		if _, ok := v.(json.Number); !ok {
			return bad("a number")
		}
	case model.KindList:
		l, ok := v.([]interface{})
		if !ok {
			return bad("an array")
		}
		for i, e := range l {
			if err := CheckValue(t.Elem, e, fmt.Sprintf("%s[%d]", where, i)); err != nil {
				return err
			}
		}
	case model.KindMap:
		m, ok := v.(map[string]interface{})
		if !ok {
			return bad("an object")
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := CheckValue(t.Elem, m[k], where+"["+k+"]"); err != nil {
				return err
			}
		}
	case model.KindNamed:
		if t.Decl.Kind == model.DeclEnum {
			for _, ev := range t.Decl.Values {
				if v == ev.Value {
					return nil
				}
			}
			return bad("a value of " + t.Decl.Name)
		}
		obj, ok := v.(map[string]interface{})
		if !ok {
			return bad("a " + t.Decl.Name + " object")
		}
		return checkObject(t.Decl.Fields, obj, where)
	}
	return nil
}

// ListenBroken serves, on a Unix socket, replies that are not proper
// answers: task_list gets HTTP 502 with a text body, task_exists a parse
// error with id null (a proper JSON-RPC error), sum a reply with the wrong
// id. Clients must report each clearly.
func ListenBroken(t testing.TB) string {
	dir, err := os.MkdirTemp("", "osk")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "rpc.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Method string }
		json.NewDecoder(r.Body).Decode(&req) //nolint:errcheck
		switch req.Method {
		case "task_list":
			http.Error(w, "bad gateway", http.StatusBadGateway)
		case "task_exists":
			io.WriteString(w, `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}`) //nolint:errcheck
		default:
			io.WriteString(w, `{"jsonrpc":"2.0","id":999,"result":1}`) //nolint:errcheck
		}
	})
	hs := &http.Server{Handler: h}
	go hs.Serve(ln) //nolint:errcheck
	t.Cleanup(func() { hs.Close() })
	return path
}
