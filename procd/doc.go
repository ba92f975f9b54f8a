// Package procd is hero_procd, the hero_proc process manager daemon. The
// daemon's parts live in sub-packages, one concern each:
//
//	shim        the per-job helper process: starts the job in its own
//	            process group, holds its pipes, writes its log lines and its
//	            exit status to files, and outlives a crash of the daemon
//	procinfo    facts about processes from /proc: start times, job markers
//	store       SQLite persistence of services, runs, jobs, logs, secrets
//	secrets     encryption of secret values at rest
//	supervisor  runs, jobs, dependencies, retries, restart policies, health
//	            checks, log ingestion, reattaching jobs after a restart
//	server      the JSON-RPC API (the generated heroproc.Server) and its
//	            listeners: a Unix socket, and HTTP with a bearer token
//	daemon      wires them together: flags, data directory, signals
//
// Why a helper per job: a manager that holds a child's stdout pipe and is
// killed with -9 takes the child with it (SIGPIPE). The shim holds the
// pipes instead and writes to an append-only file the daemon tails, so
// killing the daemon loses neither the job nor a line (see docs/hero_procd.md).
package procd
