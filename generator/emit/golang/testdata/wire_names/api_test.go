package wirenames

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// wire echoes what it was sent, so the tests see the wire names both ways.
type wire struct{}

func (wire) ServiceStart(ctx context.Context, in ServiceStartInput) (ServiceStatus, error) {
	s := ServiceStatus{Name: in.Name, State: ServiceStateRunning, UserID: "u1"}
	if in.DryRun != nil && *in.DryRun {
		s.State = ServiceStateStopped
	}
	return s, nil
}

func (wire) ServiceListPage(ctx context.Context, in ServiceListPageInput) (Page, error) {
	p := Page{Items: []ServiceStatus{}}
	if in.PageToken != nil {
		p.NextPageToken = in.PageToken
	}
	return p, nil
}

func (wire) StreamCurrentLogs(ctx context.Context, in StreamCurrentLogsInput) ([]string, error) {
	if in.Name == nil {
		return []string{"all"}, nil
	}
	return []string{*in.Name}, nil
}

func (wire) GetUserByID(ctx context.Context, in GetUserByIDInput) (ServiceStatus, error) {
	return ServiceStatus{Name: "n", State: ServiceStateRunning, UserID: in.UserID}, nil
}

func (wire) SystemShutdown(ctx context.Context) error { return nil }
func (wire) Ping(ctx context.Context) error           { return nil }

func (wire) NodeGetBalance(ctx context.Context, in NodeGetBalanceInput) (string, error) {
	height := "latest"
	if in.AtHeight != nil {
		height = fmt.Sprint(*in.AtHeight)
	}
	return in.Address + "@" + height + ":" + string(in.XUnit), nil
}

func (wire) NodeSyncing(ctx context.Context) (bool, error) { return true, nil }

// recorder is a handler that keeps the params of the last request.
type recorder struct {
	h    http.Handler
	last json.RawMessage
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	var msg struct{ Params json.RawMessage }
	json.Unmarshal(body, &msg) //nolint:errcheck
	r.last = msg.Params
	req.Body = io.NopCloser(bytes.NewReader(body))
	r.h.ServeHTTP(w, req)
}

// TestWireNamesOnTheWire posts raw requests: the method names and the
// param and field names are the schema's wire names.
func TestWireNamesOnTheWire(t *testing.T) {
	srv := httptest.NewServer(NewHandler(wire{}))
	defer srv.Close()
	for _, tc := range []struct{ req, want string }{
		{`{"jsonrpc":"2.0","method":"service.start","params":{"name":"web","dryRun":true},"id":1}`,
			`{"jsonrpc":"2.0","result":{"name":"web","state":"stopped","userId":"u1"},"id":1}`},
		{`{"jsonrpc":"2.0","method":"service.list_page","params":{"pageSize":5,"pageToken":"t"},"id":2}`,
			`{"jsonrpc":"2.0","result":{"items":[],"nextPageToken":"t"},"id":2}`},
		{`{"jsonrpc":"2.0","method":"stream_currentLogs","params":{"name":"web"},"id":3}`,
			`{"jsonrpc":"2.0","result":["web"],"id":3}`},
		{`{"jsonrpc":"2.0","method":"getUserById","params":{"userId":"u7"},"id":4}`,
			`{"jsonrpc":"2.0","result":{"name":"n","state":"running","userId":"u7"},"id":4}`},
		{`{"jsonrpc":"2.0","method":"system.shutdown","id":5}`, `{"jsonrpc":"2.0","result":null,"id":5}`},
		{`{"jsonrpc":"2.0","method":"getUserById","params":{"user_id":"u7"},"id":6}`,
			`{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid params: unknown param \"user_id\""},"id":6}`},
		{`{"jsonrpc":"2.0","method":"service_start","params":{"name":"web"},"id":7}`,
			`{"jsonrpc":"2.0","error":{"code":-32601,"message":"method not found: \"service_start\""},"id":7}`},
		// @positional: an array in declared order, null for a param left
		// out, or the by-name object.
		{`{"jsonrpc":"2.0","method":"node_getBalance","params":["a",7,"running"],"id":8}`,
			`{"jsonrpc":"2.0","result":"a@7:running","id":8}`},
		{`{"jsonrpc":"2.0","method":"node_getBalance","params":["a",null,"stopped"],"id":9}`,
			`{"jsonrpc":"2.0","result":"a@latest:stopped","id":9}`},
		{`{"jsonrpc":"2.0","method":"node_getBalance","params":{"address":"a","x-unit":"running"},"id":10}`,
			`{"jsonrpc":"2.0","result":"a@latest:running","id":10}`},
		{`{"jsonrpc":"2.0","method":"node_getBalance","params":["a"],"id":11}`,
			`{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid params: missing required param \"x-unit\""},"id":11}`},
		{`{"jsonrpc":"2.0","method":"node_getBalance","params":["a",1,"running",2],"id":12}`,
			`{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid params: 4 params given by position, the method takes 3"},"id":12}`},
		{`{"jsonrpc":"2.0","method":"node_getBalance","params":["a",1,"idle"],"id":13}`,
			`{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid params: x-unit: \"idle\" is not a ServiceState"},"id":13}`},
		{`{"jsonrpc":"2.0","method":"node_syncing","params":[],"id":14}`, `{"jsonrpc":"2.0","result":true,"id":14}`},
		{`{"jsonrpc":"2.0","method":"node_syncing","params":[1],"id":15}`,
			`{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid params: 1 params given by position, the method takes 0"},"id":15}`},
		// A by-name method still refuses an array.
		{`{"jsonrpc":"2.0","method":"getUserById","params":["u7"],"id":16}`,
			`{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid params: params must be an object of named params"},"id":16}`},
	} {
		resp, err := http.Post(srv.URL+"/rpc", "application/json", strings.NewReader(tc.req))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.req, body, tc.want)
		}
	}
}

// TestClientCallsWireNames runs the generated Client against the Handler.
func TestClientCallsWireNames(t *testing.T) {
	srv := httptest.NewServer(NewHandler(wire{}))
	defer srv.Close()
	c := NewClient(NewHTTPTransport(srv.URL + "/rpc"))
	ctx := context.Background()
	dry := true
	s, err := c.ServiceStart(ctx, ServiceStartInput{Name: "web", DryRun: &dry})
	if err != nil || s.State != ServiceStateStopped || s.UserID != "u1" {
		t.Fatalf("ServiceStart: %+v, %v", s, err)
	}
	logs, err := c.StreamCurrentLogs(ctx, StreamCurrentLogsInput{})
	if err != nil || len(logs) != 1 || logs[0] != "all" {
		t.Fatalf("StreamCurrentLogs: %v, %v", logs, err)
	}
	u, err := c.GetUserByID(ctx, GetUserByIDInput{UserID: "u9"})
	if err != nil || u.UserID != "u9" {
		t.Fatalf("GetUserByID: %+v, %v", u, err)
	}
	if err := c.SystemShutdown(ctx); err != nil {
		t.Fatal(err)
	}
	// @positional methods go as arrays: up to the last param given, null
	// for one left out before it.
	rec := &recorder{h: NewHandler(wire{})}
	posSrv := httptest.NewServer(rec)
	defer posSrv.Close()
	pc := NewClient(NewHTTPTransport(posSrv.URL + "/rpc"))
	height := uint64(9)
	for _, tc := range []struct {
		in           NodeGetBalanceInput
		wire, result string
	}{
		{NodeGetBalanceInput{Address: "a", AtHeight: &height, XUnit: ServiceStateRunning}, `["a",9,"running"]`, "a@9:running"},
		{NodeGetBalanceInput{Address: "a", XUnit: ServiceStateStopped}, `["a",null,"stopped"]`, "a@latest:stopped"},
	} {
		r, err := pc.NodeGetBalance(ctx, tc.in)
		if err != nil || r != tc.result || string(rec.last) != tc.wire {
			t.Fatalf("NodeGetBalance(%+v) = %q, %v; sent %s, want %s", tc.in, r, err, rec.last, tc.wire)
		}
	}
	if ok, err := pc.NodeSyncing(ctx); err != nil || !ok || string(rec.last) != `[]` {
		t.Fatalf("NodeSyncing = %v, %v; sent %s", ok, err, rec.last)
	}
	if MethodServiceStart != "service.start" || MethodStreamCurrentLogs != "stream_currentLogs" || MethodGetUserByID != "getUserById" {
		t.Fatal("method constants are not the wire names")
	}
	trace, proxy := "t", "p"
	b, err := json.Marshal(ServiceStatus{Name: "a", State: ServiceStateRunning, UserID: "u", XTrace: &trace, HTTPProxy: &proxy})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"name":"a","state":"running","userId":"u","x-trace":"t","HTTPProxy":"p"}`; string(b) != want {
		t.Fatalf("got %s, want %s", b, want)
	}
}
