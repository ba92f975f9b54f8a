// Package proc is the hero_proc SDK: the pure API layer between Go code and
// the hero_proc daemon (hero_procd).
//
// # Layers
//
// The SDK has three parts, from the bottom up:
//
//   - the generated OpenRPC client, package heroproc
//     (proc/hero_proc/generated): every type and one Client method per RPC,
//     generated from the schema in proc/hero_proc, so it cannot drift from
//     the daemon;
//   - a Transport carrying JSON-RPC 2.0 over HTTP POST /rpc, either on the
//     daemon's Unix socket (DialUnix) or on its HTTP endpoint with a bearer
//     token (DialHTTP), which turns every failure into a typed error;
//   - thin typed wrappers grouped by domain: Services, Runs, Jobs, Logs,
//     Secrets and System, reached from a Client.
//
// There are no builders and no workflows here: package factory, built on
// this one, is the user-facing layer (connection factory, service, run and
// action builders, lifecycle helpers). Anything the wrappers do not cover
// is one call away through Client.API, the generated client.
//
// The schema's types are re-exported as aliases (ServiceSpec is
// heroproc.ServiceSpec, and so on), with their enum values, so that users
// import only this package.
//
// # Errors
//
// Every error a call returns is one of these kinds, tested with errors.Is
// (and errors.As for the details):
//
//   - ErrUnavailable (*UnavailableError): the daemon could not be reached,
//     or the connection broke before its reply: the socket is missing,
//     the connection was refused, reset or closed mid-call.
//   - ErrTimeout: the context's deadline passed; errors.Is(err,
//     context.DeadlineExceeded) holds as well. A context canceled by its
//     owner gives an error that matches context.Canceled instead.
//   - ErrProtocol (*ProtocolError): the daemon answered, but not with a
//     JSON-RPC reply to the call: not JSON, a wrong id, an HTTP status other
//     than 200 (or 204 for a notification), a reply larger than
//     WithMaxResponseBytes, or a result that does not fit the schema.
//   - ErrUnauthorized: HTTP 401 or 403, a missing or wrong bearer token.
//   - a *heroproc.RPCError: the daemon answered with an error. The schema's
//     application errors are re-exported (ErrNotFound, ErrInvalidSpec,
//     ErrConflict, ErrStoreFailed, ErrShuttingDown), as are the JSON-RPC
//     errors ErrInvalidParams and ErrMethodNotFound; errors.Is compares
//     their codes, so errors.Is(err, proc.ErrNotFound) holds for every
//     "not found" whatever its message.
//
// # Retries
//
// The transport never retries a call: a call whose connection broke may or
// may not have been executed by the daemon, and only the caller knows
// whether repeating it is safe. (Go's net/http may resend a request on a
// fresh connection when not one byte of it was written to the old one; the
// daemon never saw such a request.) The two exceptions are reads the SDK
// loops over by design: Runs.Wait repeats its long-poll until the run is
// done, and a Follower reconnects, with backoff, after a dropped
// connection or a daemon restart, resuming from its cursor.
//
// # Concurrency
//
// A Client and its domain values are safe for concurrent use; a Follower is
// used by one goroutine (its Close may be called from any).
package proc
