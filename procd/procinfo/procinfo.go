// Package procinfo reads what the daemon needs to know about processes
// from /proc: a process's start time (to tell it from a later process
// that reused its pid) and the job marker in its environment (to find
// every process a job started, without cgroups).
package procinfo

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Marker environment variables put into every job's environment (and its
// helper's). A process carrying MarkerInstance of this daemon belongs to
// the job named by MarkerJob.
const (
	MarkerInstance = "HERO_PROC_INSTANCE"
	MarkerJob      = "HERO_PROC_JOB"
)

// StartTime returns the start time of pid in clock ticks since boot
// (field 22 of /proc/PID/stat). Together with the pid it names one
// process for good.
func StartTime(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) is in parentheses and may hold spaces
	// and parentheses: fields start after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("procinfo: malformed stat")
	}
	fields := strings.Fields(string(b[i+1:]))
	// fields[0] is field 3 (state); start time is field 22.
	if len(fields) < 20 {
		return 0, errors.New("procinfo: short stat")
	}
	return strconv.ParseUint(fields[19], 10, 64)
}

// State returns the one-letter state of pid (R, S, Z, ...).
func State(pid int) (string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return "", errors.New("procinfo: malformed stat")
	}
	return string(b[i+2]), nil
}

// Alive reports whether pid runs and is the process that started at
// start (0 means: any start time). A zombie counts as not alive.
func Alive(pid int, start uint64) bool {
	if pid <= 0 {
		return false
	}
	st, err := StartTime(pid)
	if err != nil || (start != 0 && st != start) {
		return false
	}
	s, err := State(pid)
	return err == nil && s != "Z" && s != "X"
}

// Marked is a process carrying a job marker.
type Marked struct {
	Pid   int
	Job   string
	Start uint64
}

// FindMarked lists the processes whose environment carries
// MarkerInstance=instance, with their job.
func FindMarked(instance string) []Marked {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	want := []byte(MarkerInstance + "=" + instance + "\x00")
	self := os.Getpid()
	var out []Marked
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err != nil || !bytes.Contains(append(env, 0), want) {
			continue
		}
		job := ""
		for _, kv := range bytes.Split(env, []byte{0}) {
			if bytes.HasPrefix(kv, []byte(MarkerJob+"=")) {
				job = string(kv[len(MarkerJob)+1:])
			}
		}
		st, err := StartTime(pid)
		if err != nil {
			continue
		}
		out = append(out, Marked{Pid: pid, Job: job, Start: st})
	}
	return out
}
