package stage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
)

// ErrTimeout is wrapped by Discover's error when the service did not
// answer in time.
var ErrTimeout = errors.New("timeout")

// maxDocument bounds the reply read from a service (a document of a
// thousand methods is well below it).
const maxDocument = 64 << 20

// Discover calls rpc.discover over HTTP/1.1 POST /rpc on the Unix socket
// and returns the OpenRPC document. A result that is a JSON string
// holding the document (as zinit returns it) is unwrapped. The deadline
// of ctx bounds the whole exchange; running out gives an error wrapping
// ErrTimeout.
func Discover(ctx context.Context, socket string) ([]byte, error) {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		},
		DisableKeepAlives: true,
	}
	defer tr.CloseIdleConnections()
	body := []byte(`{"jsonrpc":"2.0","id":1,"method":"rpc.discover","params":{}}`)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://unix/rpc", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return nil, classify(ctx, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument))
	if err != nil {
		return nil, classify(ctx, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("rpc.discover: HTTP %s: %s", resp.Status, snippet(data))
	}
	return DocumentOf(data)
}

func classify(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("rpc.discover: no answer in time: %w", ErrTimeout)
	}
	return fmt.Errorf("rpc.discover: %w", err)
}

// DocumentOf extracts the OpenRPC document from a JSON-RPC reply to
// rpc.discover: the result object, or a JSON string holding it.
func DocumentOf(reply []byte) ([]byte, error) {
	var r struct {
		JSONRPC string          `json:"jsonrpc"`
		Result  json.RawMessage `json:"result"`
		Error   *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(reply, &r); err != nil {
		return nil, fmt.Errorf("rpc.discover: the reply is not JSON-RPC: %v: %s", err, snippet(reply))
	}
	if r.Error != nil {
		return nil, fmt.Errorf("rpc.discover: error %d: %s", r.Error.Code, r.Error.Message)
	}
	res := bytes.TrimSpace(r.Result)
	if len(res) > 0 && res[0] == '"' {
		var s string
		if err := json.Unmarshal(res, &s); err != nil {
			return nil, fmt.Errorf("rpc.discover: %v", err)
		}
		res = bytes.TrimSpace([]byte(s))
	}
	if len(res) == 0 || res[0] != '{' {
		return nil, fmt.Errorf("rpc.discover: the result is not an OpenRPC document: %s", snippet(reply))
	}
	return res, nil
}

// LoadLive discovers the document of the service on socket and imports
// it, with the importer's warnings (constructs imported by a documented
// best mapping, such as a union as any). The schema's Path (named in
// generated headers) is "rpc.discover:" + socket.
func LoadLive(ctx context.Context, socket string) (*model.Schema, []byte, []string, error) {
	doc, err := Discover(ctx, socket)
	if err != nil {
		return nil, nil, nil, err
	}
	s, warnings, err := openrpc.ImportWithWarnings("rpc.discover:"+socket, doc)
	if err != nil {
		return nil, doc, warnings, fmt.Errorf("the rpc.discover result is not an OpenRPC document oschema accepts: %w", err)
	}
	return s, doc, warnings, nil
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 120 {
		s = s[:120] + "..."
	}
	return fmt.Sprintf("%q", s)
}
