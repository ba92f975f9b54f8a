package proc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

// DefaultMaxResponseBytes bounds a reply body unless WithMaxResponseBytes
// says otherwise.
const DefaultMaxResponseBytes int64 = 64 << 20

// transport implements heroproc.Transport: JSON-RPC 2.0 over HTTP POST, on
// a Unix socket or a TCP address, turning every failure into one of the
// package's error kinds. It never retries.
type transport struct {
	nextID uint64 // accessed atomically; first for alignment on 32-bit

	addr     string // the socket path or the base URL, for errors
	url      string // where requests are posted
	client   *http.Client
	auth     string // the Authorization header, "" for none
	maxBytes int64
}

var _ heroproc.Transport = (*transport)(nil)

// envelope is a JSON-RPC request or response.
type envelope struct {
	JSONRPC string             `json:"jsonrpc"`
	Method  string             `json:"method,omitempty"`
	Params  json.RawMessage    `json:"params,omitempty"`
	Result  json.RawMessage    `json:"result,omitempty"`
	Error   *heroproc.RPCError `json:"error,omitempty"`
	ID      json.RawMessage    `json:"id,omitempty"`
}

func (t *transport) request(method string, params interface{}, notify bool) (*envelope, error) {
	p := json.RawMessage("{}")
	if params != nil {
		b, err := json.Marshal(params)
		if err != nil {
			return nil, fmt.Errorf("hero_proc: %s: encoding params: %w", method, err)
		}
		p = b
	}
	req := &envelope{JSONRPC: "2.0", Method: method, Params: p}
	if !notify {
		req.ID = json.RawMessage(strconv.FormatUint(atomic.AddUint64(&t.nextID, 1), 10))
	}
	return req, nil
}

// post sends body, a request or a batch, and returns the reply body; nil
// with HTTP 204 No Content. what names the call in errors.
func (t *transport) post(ctx context.Context, what string, body interface{}) ([]byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("hero_proc: %s: encoding request: %w", what, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("hero_proc: %s: %w", what, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if t.auth != "" {
		req.Header.Set("Authorization", t.auth)
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, t.connError(ctx, what, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, t.maxBytes+1))
	if err != nil {
		return nil, t.connError(ctx, what, err)
	}
	if int64(len(data)) > t.maxBytes {
		return nil, &ProtocolError{Method: what, Detail: fmt.Sprintf("reply larger than %d bytes (see WithMaxResponseBytes)", t.maxBytes), Body: bodyPrefix(data)}
	}
	switch resp.StatusCode {
	case http.StatusOK:
		return data, nil
	case http.StatusNoContent:
		return nil, nil
	case http.StatusUnauthorized, http.StatusForbidden:
		msg := fmt.Sprintf("%v: %s: HTTP %s from %s", ErrUnauthorized, what, resp.Status, t.addr)
		if s := excerpt(data, 200); s != "" {
			msg += ": " + s
		}
		return nil, &unauthorizedError{msg: msg}
	}
	return nil, &ProtocolError{Method: what, Detail: "HTTP " + resp.Status, Body: bodyPrefix(data)}
}

// unauthorizedError is the error of HTTP 401 and 403.
type unauthorizedError struct{ msg string }

func (e *unauthorizedError) Error() string        { return e.msg }
func (e *unauthorizedError) Is(target error) bool { return target == ErrUnauthorized }

// connError classifies an error of sending a request or reading its reply:
// the context's, a timeout, or a broken connection.
func (t *transport) connError(ctx context.Context, what string, err error) error {
	if cerr := contextError(what, ctx); cerr != nil {
		return cerr
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // "Post \"http://unix/rpc\": " says nothing useful
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &timeoutError{method: what, err: err}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = fmt.Errorf("connection closed before the reply to %s: %w", what, err)
	}
	return &UnavailableError{Addr: t.addr, Err: err}
}

// decode parses a reply to req, checks it answers req and decodes its
// result into result (nil discards it).
func (t *transport) decode(req *envelope, resp *envelope, result interface{}) error {
	method := req.Method
	if resp.JSONRPC != "2.0" {
		return &ProtocolError{Method: method, Detail: fmt.Sprintf(`reply has "jsonrpc" %q, not "2.0"`, resp.JSONRPC)}
	}
	if !bytes.Equal(resp.ID, req.ID) {
		// A server that could not read the request answers with id null.
		if resp.Error != nil && string(resp.ID) == "null" {
			return fmt.Errorf("hero_proc: %s: %w", method, resp.Error)
		}
		return &ProtocolError{Method: method, Detail: fmt.Sprintf("reply id %s does not match request id %s", resp.ID, req.ID)}
	}
	if resp.Error != nil {
		return fmt.Errorf("hero_proc: %s: %w", method, resp.Error)
	}
	if result == nil {
		return nil
	}
	if len(resp.Result) == 0 || string(resp.Result) == "null" {
		return &ProtocolError{Method: method, Detail: "reply has no result"}
	}
	if err := json.Unmarshal(resp.Result, result); err != nil {
		return &ProtocolError{Method: method, Detail: "result does not fit the schema: " + err.Error(), Body: bodyPrefix(resp.Result)}
	}
	return nil
}

// Call implements heroproc.Transport.
func (t *transport) Call(ctx context.Context, method string, params, result interface{}) error {
	req, err := t.request(method, params, false)
	if err != nil {
		return err
	}
	data, err := t.post(ctx, method, req)
	if err != nil {
		return err
	}
	if data == nil {
		return &ProtocolError{Method: method, Detail: "HTTP 204 No Content: no reply to a call"}
	}
	var resp envelope
	if err := json.Unmarshal(data, &resp); err != nil {
		return &ProtocolError{Method: method, Detail: "reply is not JSON-RPC: " + err.Error(), Body: bodyPrefix(data)}
	}
	return t.decode(req, &resp, result)
}

// Notify implements heroproc.Transport: the daemon answers 204 No Content
// (or 200 with an error it could not help sending), and nothing is decoded.
func (t *transport) Notify(ctx context.Context, method string, params interface{}) error {
	req, err := t.request(method, params, true)
	if err != nil {
		return err
	}
	_, err = t.post(ctx, method, req)
	return err
}

// Batch implements heroproc.Transport.
func (t *transport) Batch(ctx context.Context, calls []*heroproc.BatchCall) error {
	if len(calls) == 0 {
		return nil
	}
	reqs := make([]*envelope, len(calls))
	byID := map[string]int{}
	for i, c := range calls {
		req, err := t.request(c.Method, c.Params, c.Notify)
		if err != nil {
			return err
		}
		reqs[i] = req
		if !c.Notify {
			byID[string(req.ID)] = i
		}
	}
	data, err := t.post(ctx, "batch", reqs)
	if err != nil {
		return err
	}
	if len(byID) == 0 {
		return nil
	}
	if data == nil {
		return &ProtocolError{Method: "batch", Detail: "HTTP 204 No Content: no reply to a batch with calls"}
	}
	var resps []envelope
	if err := json.Unmarshal(data, &resps); err != nil {
		// A server that cannot read the batch answers with one error.
		var single envelope
		if json.Unmarshal(data, &single) == nil && single.Error != nil {
			return fmt.Errorf("hero_proc: batch: %w", single.Error)
		}
		return &ProtocolError{Method: "batch", Detail: "reply is not a JSON-RPC batch: " + err.Error(), Body: bodyPrefix(data)}
	}
	for i := range resps {
		idx, ok := byID[string(resps[i].ID)]
		if !ok {
			return &ProtocolError{Method: "batch", Detail: fmt.Sprintf("reply with unknown or repeated id %s", resps[i].ID)}
		}
		delete(byID, string(resps[i].ID))
		calls[idx].Err = t.decode(reqs[idx], &resps[i], calls[idx].Result)
	}
	for _, idx := range byID {
		calls[idx].Err = &ProtocolError{Method: calls[idx].Method, Detail: "no reply in the batch"}
	}
	return nil
}
