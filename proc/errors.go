package proc

import (
	"context"
	"errors"
	"fmt"
	"strings"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

// The kinds of transport errors; see the package documentation.
var (
	// ErrUnavailable: the daemon could not be reached (socket missing,
	// connection refused) or the connection broke before its reply
	// (reset, closed mid-call). The error is an *UnavailableError.
	ErrUnavailable = errors.New("hero_proc: daemon unavailable")
	// ErrTimeout: the context's deadline passed before the reply.
	// errors.Is(err, context.DeadlineExceeded) holds for the same errors.
	ErrTimeout = errors.New("hero_proc: timeout")
	// ErrProtocol: the reply is not a JSON-RPC reply to the call. The error
	// is a *ProtocolError.
	ErrProtocol = errors.New("hero_proc: protocol error")
	// ErrUnauthorized: the daemon answered HTTP 401 or 403: the bearer
	// token (WithToken) is missing or wrong.
	ErrUnauthorized = errors.New("hero_proc: unauthorized")
)

// The errors the daemon answers with, as *heroproc.RPCError values.
// errors.Is(err, ErrNotFound) holds for every error response with the same
// code, whatever its message and data; errors.As(err, &rpcErr) with a
// *heroproc.RPCError gives the message and the data.
var (
	// ErrNotFound (1001): no service, run, job or secret has that name or id.
	ErrNotFound = heroproc.ErrNotFound
	// ErrInvalidSpec (1002): the spec is invalid; the data lists every problem.
	ErrInvalidSpec = heroproc.ErrInvalidSpec
	// ErrConflict (1003): the request conflicts with the current state.
	ErrConflict = heroproc.ErrConflict
	// ErrStoreFailed (1004): the daemon's store could not commit the change.
	ErrStoreFailed = heroproc.ErrStoreFailed
	// ErrShuttingDown (1005): the daemon is shutting down.
	ErrShuttingDown = heroproc.ErrShuttingDown
	// ErrInvalidParams (JSON-RPC -32602): the params do not fit the method,
	// for example an enum value the schema does not have.
	ErrInvalidParams = &heroproc.RPCError{Code: heroproc.CodeInvalidParams, Message: "Invalid params"}
	// ErrMethodNotFound (JSON-RPC -32601): the daemon has no such method,
	// typically a daemon older than the SDK.
	ErrMethodNotFound = &heroproc.RPCError{Code: heroproc.CodeMethodNotFound, Message: "Method not found"}
)

// UnavailableError is the error of a call that could not reach the daemon
// or whose connection broke before the reply. errors.Is(err,
// ErrUnavailable) holds for it.
type UnavailableError struct {
	// Addr is the socket path or the URL tried.
	Addr string
	// Err is the underlying error, e.g. a *net.OpError.
	Err error
}

// Error implements error.
func (e *UnavailableError) Error() string {
	return fmt.Sprintf("hero_proc: daemon unavailable at %s: %v", e.Addr, e.Err)
}

// Is reports whether target is ErrUnavailable.
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

// Unwrap returns the underlying error.
func (e *UnavailableError) Unwrap() error { return e.Err }

// ProtocolError is the error of a call whose reply is not a JSON-RPC reply
// to it. errors.Is(err, ErrProtocol) holds for it.
type ProtocolError struct {
	// Method is the JSON-RPC method called ("batch" for a batch).
	Method string
	// Detail says what is wrong with the reply.
	Detail string
	// Body is the start of the reply body (at most 1 KiB), if any.
	Body []byte
}

// Error implements error.
func (e *ProtocolError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "hero_proc: protocol error: %s: %s", e.Method, e.Detail)
	if s := excerpt(e.Body, 200); s != "" {
		fmt.Fprintf(&b, ": %q", s)
	}
	return b.String()
}

// Is reports whether target is ErrProtocol.
func (e *ProtocolError) Is(target error) bool { return target == ErrProtocol }

// timeoutError is the error of a call whose context's deadline passed (or
// whose HTTP client timed out).
type timeoutError struct {
	method string
	err    error
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("hero_proc: timeout: %s: %v", e.method, e.err)
}

// Is reports whether target is ErrTimeout or context.DeadlineExceeded.
func (e *timeoutError) Is(target error) bool {
	return target == ErrTimeout || target == context.DeadlineExceeded
}

func (e *timeoutError) Unwrap() error { return e.err }

// contextError returns the error of a call that ended because ctx did:
// the Timeout kind for a deadline, otherwise ctx.Err() with the method.
func contextError(method string, ctx context.Context) error {
	err := ctx.Err()
	if err == nil {
		return nil
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &timeoutError{method: method, err: err}
	}
	return fmt.Errorf("hero_proc: %s: %w", method, err)
}

// excerpt returns b trimmed and cut to at most n bytes, marked when cut.
func excerpt(b []byte, n int) string {
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}

// bodyPrefix returns a copy of the first KiB of b, nil if it is empty.
func bodyPrefix(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	if len(b) > 1024 {
		b = b[:1024]
	}
	return append([]byte(nil), b...)
}
