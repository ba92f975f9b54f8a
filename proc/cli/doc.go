// Package cli is the hero_proc command-line tool: the client of the
// hero_procd process manager, used the way zinit or supervisorctl are.
// The binary (proc/cmd/hero_proc) is a thin main around Main; the logic is
// here so that tests drive it against a real daemon.
//
//	hero_proc [global flags] COMMAND [flags] [args]
//
// It is built on package proc, the SDK: every command is one or a few SDK
// calls, and every failure is reported as one line on stderr, prefixed
// "hero_proc: ", never as a stack trace. "hero_proc help" lists every
// command; docs/hero_proc-cli.md documents them with an example session.
//
// # Connecting
//
// The daemon is reached on its Unix socket: --socket PATH, else the
// environment variable HERO_PROC_SOCKET, else
// ~/hero/var/sockets/hero_proc/rpc.sock. --http URL reaches its HTTP
// endpoint instead, with the bearer token --token, else HERO_PROC_TOKEN.
// --timeout bounds each call (default 30s); waiting for a run (run --wait)
// is bounded by it only when it is given, and following logs (-f, run
// --follow) never is.
//
// # Exit codes
//
//	0  the command succeeded
//	1  the operation failed: the daemon returned an error, the job failed
//	   (run --wait without an exit code), a timeout, a bad file
//	2  usage error: unknown command or flag, missing or extra arguments
//	3  the daemon is unavailable: nothing listens on the socket or URL
//	4  not found: no service, run, job or secret has that name or id
//
// run --wait and run --follow exit with the job's own exit code instead
// (0 on success, 1 when the job failed without one, e.g. killed by a
// signal or timed out).
package cli
