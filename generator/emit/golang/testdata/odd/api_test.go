package oddschema

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// odd returns nil for every result, to check what the serve helpers send.
type odd struct{}

func (odd) Select(ctx context.Context, in SelectInput) ([]Item, error) { return nil, nil }
func (odd) Ping(ctx context.Context) error                             { return nil }
func (odd) HTTPURL(ctx context.Context) (map[string]json.RawMessage, error) {
	return nil, nil
}
func (odd) Raw(ctx context.Context, in RawInput) (json.RawMessage, error) { return in.V, nil }

func TestServeHelpers(t *testing.T) {
	srv := httptest.NewServer(NewHandler(odd{}))
	defer srv.Close()
	for _, tc := range []struct{ req, want string }{
		{`{"jsonrpc":"2.0","method":"select","params":{},"id":1}`, `{"jsonrpc":"2.0","result":[],"id":1}`},
		{`{"jsonrpc":"2.0","method":"select","params":{"range":null},"id":1}`, `{"jsonrpc":"2.0","result":[],"id":1}`},
		{`{"jsonrpc":"2.0","method":"select","params":{"range":"nope"},"id":1}`, `{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid params: range: \"nope\" is not a State"},"id":1}`},
		{`{"jsonrpc":"2.0","method":"select","params":{"x":1},"id":1}`, `{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid params: unknown param \"x\""},"id":1}`},
		{`{"jsonrpc":"2.0","method":"http_url","id":2}`, `{"jsonrpc":"2.0","result":{},"id":2}`},
		{`{"jsonrpc":"2.0","method":"ping","params":{"x":1},"id":3}`, `{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid params: unknown param \"x\""},"id":3}`},
		{`{"jsonrpc":"2.0","method":"ping","id":3}`, `{"jsonrpc":"2.0","result":null,"id":3}`},
		// A required any may be null, and a null any result stays null.
		{`{"jsonrpc":"2.0","method":"raw","params":{"v":null},"id":4}`, `{"jsonrpc":"2.0","result":null,"id":4}`},
		{`{"jsonrpc":"2.0","method":"raw","params":{"v":[1]},"id":4}`, `{"jsonrpc":"2.0","result":[1],"id":4}`},
		{`{"jsonrpc":"2.0","method":"raw","params":{},"id":4}`, `{"jsonrpc":"2.0","error":{"code":-32602,"message":"invalid params: missing required param \"v\""},"id":4}`},
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
