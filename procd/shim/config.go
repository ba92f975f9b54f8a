// Package shim is the helper process that runs one attempt of one job.
//
// hero_procd starts it (as `hero_procd shim`, a re-execution of its own
// binary) in a session of its own and writes a Config to its stdin. The
// shim starts the job's process in a new process group, holds its stdout
// and stderr pipes, writes each line as a Record to the attempt's log file,
// enforces the timeout, stops the process group on SIGTERM (stop signal,
// grace period, then SIGKILL), reaps every descendant (it is a child
// subreaper), and finally writes the attempt's Status to a file. It talks
// to the daemon only through files and signals, so the daemon can be
// killed and restarted at any moment: the job keeps running, its lines
// keep being written, and the next daemon reads on from where the last
// one stopped.
package shim

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"
)

// Config tells the shim what to run. The daemon writes it as JSON to the
// shim's stdin and closes it.
type Config struct {
	Job     string   `json:"job"`
	Attempt uint32   `json:"attempt"`
	Argv    []string `json:"argv"` // argv[0] is a path or looked up in PATH of Env
	Env     []string `json:"env"`  // the child's whole environment, markers included
	Dir     string   `json:"dir"`
	// Dir of the attempt's files: Log, Started and Status (see Paths).
	AttemptDir string `json:"attempt_dir"`
	// SeqStart is the sequence number of the first line.
	SeqStart   int64    `json:"seq_start"`
	Timeout    Duration `json:"timeout"`     // 0: none
	StopSignal int      `json:"stop_signal"` // default SIGTERM
	StopGrace  Duration `json:"stop_grace"`  // default 10s
	// Masks are strings (secret values) replaced by "***" in the log.
	Masks []string `json:"masks,omitempty"`
	// MaxLine bounds a line; longer lines are split into records marked
	// continued. Default 16 KiB.
	MaxLine int `json:"max_line"`
}

// Duration is a time.Duration that encodes as milliseconds.
type Duration time.Duration

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).Milliseconds())
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var ms int64
	if err := json.Unmarshal(b, &ms); err != nil {
		return err
	}
	*d = Duration(time.Duration(ms) * time.Millisecond)
	return nil
}

// Started is written (atomically) once the job's process runs.
type Started struct {
	Pid      int    `json:"pid"`
	PidStart uint64 `json:"pid_start"` // procinfo.StartTime of Pid
	ShimPid  int    `json:"shim_pid"`
	At       int64  `json:"at"` // unix nanoseconds
}

// Status is written (atomically) when the attempt is over and every line
// is in the log file. Reason says how it ended.
type Status struct {
	Reason   string `json:"reason"`              // "exit", "signal", "timeout", "stopped" or "spawn"
	ExitCode *int   `json:"exit_code,omitempty"` // when the process exited
	Signal   string `json:"signal,omitempty"`    // when a signal ended it, e.g. "SIGKILL"
	Error    string `json:"error,omitempty"`     // spawn error, or a note
	LastSeq  int64  `json:"last_seq"`            // the last sequence number written (SeqStart-1 if none)
	At       int64  `json:"at"`                  // unix nanoseconds
}

// Reasons of a Status.
const (
	ReasonExit    = "exit"
	ReasonSignal  = "signal"
	ReasonTimeout = "timeout"
	ReasonStopped = "stopped"
	ReasonSpawn   = "spawn"
)

// Paths of an attempt's files.
type Paths struct{ Dir string }

// Log is the append-only file of Records.
func (p Paths) Log() string { return filepath.Join(p.Dir, "log") }

// Started is the Started file.
func (p Paths) Started() string { return filepath.Join(p.Dir, "started.json") }

// Status is the Status file.
func (p Paths) Status() string { return filepath.Join(p.Dir, "status.json") }

// Stderr receives the shim's own errors.
func (p Paths) Stderr() string { return filepath.Join(p.Dir, "shim.err") }

// ReadStatus reads an attempt's status; os.ErrNotExist while it runs.
func ReadStatus(dir string) (*Status, error) {
	var s Status
	if err := readJSON(Paths{dir}.Status(), &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// ReadStarted reads an attempt's Started file.
func ReadStarted(dir string) (*Started, error) {
	var s Started
	if err := readJSON(Paths{dir}.Started(), &s); err != nil {
		return nil, err
	}
	return &s, nil
}

func readJSON(path string, v interface{}) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// writeJSONAtomic writes v to path through a temporary file, fsync and
// rename, so a reader sees the whole file or none.
func writeJSONAtomic(path string, v interface{}) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
