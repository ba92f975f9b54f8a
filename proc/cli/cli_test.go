package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/proc/cli"
	"github.com/lhumina-code/rules_oschema/procd/procdtest"
)

// hp runs hero_proc against socket and returns its exit code, stdout and
// stderr.
func hp(t *testing.T, socket string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(append([]string{"--socket", socket}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// hpIn is hp with stdin.
func hpIn(t *testing.T, socket, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), strings.NewReader(stdin), &out, &errb, append([]string{"--socket", socket}, args...))
	return code, out.String(), errb.String()
}

// ok runs hero_proc, requires exit 0 and returns stdout.
func ok(t *testing.T, socket string, args ...string) string {
	t.Helper()
	code, out, errb := hp(t, socket, args...)
	require.Equal(t, 0, code, "hero_proc %v\nstdout: %s\nstderr: %s", args, out, errb)
	return out
}

var logLine = regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d) web\.main stdout hello$`)

func TestServiceLifecycle(t *testing.T) {
	d := procdtest.Start(t)
	s := d.Socket

	out := ok(t, s, "add", "web", "--restart", "on_failure", "--env", "GREETING=hello", "--start", "--", "sh", "-c", "echo $GREETING; sleep 100")
	assert.Contains(t, out, "added web")
	assert.Contains(t, out, "started web (run ")

	// list: a header and one aligned line per service.
	require.Eventually(t, func() bool {
		return strings.Contains(ok(t, s, "list"), " running ")
	}, 10*time.Second, 50*time.Millisecond)
	lines := strings.Split(strings.TrimSpace(ok(t, s, "list")), "\n")
	require.Len(t, lines, 2)
	assert.Regexp(t, `^NAME\s+WANTED\s+STATE\s+RUN\s+RESTARTS\s+REASON$`, lines[0])
	assert.Regexp(t, `^web\s+start\s+running\s+r-\S+\s+0\s+-$`, lines[1])
	assert.Equal(t, strings.Index(lines[0], "STATE"), strings.Index(lines[1], "running"), "columns aligned")

	// --json list parses, before or after the command.
	for _, args := range [][]string{{"--json", "list"}, {"list", "--json"}} {
		var list []map[string]interface{}
		require.NoError(t, json.Unmarshal([]byte(ok(t, s, args...)), &list))
		require.Len(t, list, 1)
		assert.Equal(t, "web", list[0]["name"])
		assert.Equal(t, "running", list[0]["state"])
	}

	// The daemon may report the job running a moment before its pid.
	jobLine := regexp.MustCompile(`(?m)^j-\S+\s+web\.main\s+running\s+\d+\s+1\s+-`)
	require.Eventually(t, func() bool {
		out = ok(t, s, "status", "web")
		return jobLine.MatchString(out)
	}, 10*time.Second, 50*time.Millisecond)
	assert.Regexp(t, `(?m)^State:\s+running$`, out)
	assert.Regexp(t, `(?m)^JOB\s+ACTION\s+PHASE\s+PID\s+ATTEMPT\s+EXIT\s+NEXT ATTEMPT\s+ERROR$`, out)

	require.Eventually(t, func() bool {
		return logLine.MatchString(ok(t, s, "logs", "web"))
	}, 10*time.Second, 50*time.Millisecond)
	assert.Regexp(t, logLine, ok(t, s, "logs", "web", "-n", "1", "--stream", "stdout"))
	assert.Empty(t, ok(t, s, "logs", "web", "--stream", "stderr"))

	out = ok(t, s, "restart", "web")
	assert.Contains(t, out, "restarted web (run ")

	out = ok(t, s, "stop", "web")
	assert.Contains(t, out, "stopped web")
	assert.Regexp(t, `(?m)^Wanted:\s+stop$`, ok(t, s, "status", "web"))

	assert.Equal(t, "deleted web\n", ok(t, s, "delete", "web"))

	code, out, errb := hp(t, s, "status", "web")
	assert.Equal(t, cli.ExitNotFound, code)
	assert.Empty(t, out)
	assert.Equal(t, "hero_proc: service \"web\" not found\n", errb)
	for _, args := range [][]string{{"start", "nope"}, {"stop", "nope"}, {"delete", "nope"}, {"job", "j-nope"}, {"logs", "nope"}} {
		code, _, errb = hp(t, s, args...)
		assert.Equal(t, cli.ExitNotFound, code, "%v: %s", args, errb)
		assert.Contains(t, errb, "not found")
	}

	// An invalid spec: every problem on its own line, exit 1.
	code, _, errb = hpIn(t, s, `{"name":"bad","actions":[{"name":"a"},{"name":"a","command":["x"]}]}`, "put", "-")
	assert.Equal(t, cli.ExitFailed, code)
	errLines := strings.Split(strings.TrimSpace(errb), "\n")
	require.Len(t, errLines, 3, errb)
	assert.Equal(t, "hero_proc: invalid spec:", errLines[0])

	// put: a full spec from stdin.
	code, out, errb = hpIn(t, s, `{"name":"one","actions":[{"name":"main","command":["true"]}]}`, "put", "-")
	require.Equal(t, 0, code, errb)
	assert.Contains(t, out, "saved one")
	assert.Regexp(t, `(?m)^one\s+stop\s+`, ok(t, s, "list"))
}

func TestRun(t *testing.T) {
	d := procdtest.Start(t)
	s := d.Socket

	// --wait propagates the job's exit code.
	code, _, errb := hp(t, s, "run", "fail", "--wait", "--", "sh", "-c", "exit 3")
	assert.Equal(t, 3, code, errb)
	assert.Regexp(t, `^hero_proc: run r-\S+ \(fail\) failed: fail\.main: `, errb)

	out := ok(t, s, "run", "fine", "--wait", "--script", "true")
	assert.Regexp(t, `^run r-\S+ \(fine\) succeeded\n$`, out)

	// --follow prints the lines as they come, stdout on stdout.
	code, out, errb = hp(t, s, "run", "talk", "--follow", "--", "sh", "-c", "echo one; echo oops >&2; echo two; exit 5")
	assert.Equal(t, 5, code)
	assert.Equal(t, "one\ntwo\n", out)
	assert.Contains(t, errb, "oops\n")

	// Without --wait: the run's id, at once.
	out = ok(t, s, "run", "bg", "--", "sleep", "0.1")
	id := strings.TrimSpace(out)
	assert.Regexp(t, `^r-\S+$`, id)

	out = ok(t, s, "runs", "--limit", "10")
	assert.Regexp(t, `(?m)^ID\s+NAME\s+SERVICE\s+PHASE\s+JOBS`, out)
	assert.Contains(t, out, id)
	assert.Regexp(t, `(?m)^r-\S+\s+fail\s+-\s+failed\s+1`, out)

	var run struct {
		Jobs []struct {
			ID string `json:"id"`
		} `json:"jobs"`
	}
	require.NoError(t, json.Unmarshal([]byte(ok(t, s, "--json", "run", "j", "--wait", "--", "true")), &run))
	require.Len(t, run.Jobs, 1)
	assert.Regexp(t, `(?m)^Phase:\s+success$`, ok(t, s, "job", run.Jobs[0].ID))
	assert.Contains(t, ok(t, s, "jobs", "--run", id), "bg.main")

	// The logs of a run, and following a finished run ends.
	assert.Regexp(t, `(?m) talk\.main stdout two$`, ok(t, s, "logs", "--run", findRun(t, s, "talk"), "-f"))
}

// findRun returns the id of the newest run called name.
func findRun(t *testing.T, socket, name string) string {
	t.Helper()
	var runs []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	require.NoError(t, json.Unmarshal([]byte(ok(t, socket, "runs", "--json")), &runs))
	for _, r := range runs {
		if r.Name == name {
			return r.ID
		}
	}
	t.Fatalf("no run %q", name)
	return ""
}

func TestSecretsAndSystem(t *testing.T) {
	d := procdtest.Start(t)
	s := d.Socket

	code, out, errb := hpIn(t, s, "s3cr3t-value\n", "secret", "set", "app", "TOKEN")
	require.Equal(t, 0, code, errb)
	assert.NotContains(t, out, "s3cr3t")

	out = ok(t, s, "secret", "list")
	assert.Regexp(t, `(?m)^app\s+TOKEN\s+\d{4}-`, out)
	assert.NotContains(t, out, "s3cr3t")
	assert.NotContains(t, ok(t, s, "--json", "secret", "list", "app"), "s3cr3t")

	assert.Equal(t, "s3cr3t-value\n", ok(t, s, "secret", "get", "app", "TOKEN"))
	ok(t, s, "secret", "delete", "app", "TOKEN")
	code, _, errb = hp(t, s, "secret", "get", "app", "TOKEN")
	assert.Equal(t, cli.ExitNotFound, code)
	assert.Contains(t, errb, "not found")

	assert.Contains(t, ok(t, s, "version"), s)
	assert.Regexp(t, `(?m)^Health:\s+ok$`, ok(t, s, "health"))

	assert.Contains(t, ok(t, s, "shutdown"), "shutting down")
	require.Eventually(t, func() bool { return !d.Running() }, 20*time.Second, 50*time.Millisecond)
	code, _, _ = hp(t, s, "health")
	assert.Equal(t, cli.ExitUnavailable, code)
}

func TestUnavailable(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "nothing", "rpc.sock")
	for _, args := range [][]string{{"list"}, {"status", "x"}, {"logs", "-f"}, {"run", "x", "--wait", "--", "true"}} {
		code, out, errb := hp(t, sock, args...)
		assert.Equal(t, cli.ExitUnavailable, code, "%v", args)
		assert.Empty(t, out)
		assert.Equal(t, "hero_proc: daemon unavailable at "+sock+" (is hero_procd running? start it with: hero_procd --socket "+sock+")\n", errb)
	}
	// $HERO_PROC_SOCKET when --socket is not given.
	t.Setenv(cli.SocketEnv, sock)
	var out, errb bytes.Buffer
	assert.Equal(t, cli.ExitUnavailable, cli.Main([]string{"list"}, &out, &errb))
	assert.Contains(t, errb.String(), sock)
}

func TestUsage(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "rpc.sock") // never dialed
	for _, args := range [][]string{
		{},
		{"bogus"},
		{"--bogus", "list"},
		{"list", "extra"},
		{"status"},
		{"status", "a", "b"},
		{"start"},
		{"add", "x"},
		{"add", "x", "--script", "true", "--", "true"},
		{"add", "x", "--restart", "sometimes", "--", "true"},
		{"add", "x", "--env", "NOEQUALS", "--", "true"},
		{"run"},
		{"run", "x", "--timeout-secs", "soon", "--", "true"},
		{"logs", "--stream", "both"},
		{"logs", "-n", "-1"},
		{"runs", "--phase", "done"},
		{"secret"},
		{"secret", "set", "ctx"},
		{"secret", "frob"},
		{"help", "bogus"},
	} {
		var out, errb bytes.Buffer
		code := cli.Main(append([]string{"--socket", sock}, args...), &out, &errb)
		assert.Equal(t, cli.ExitUsage, code, "%v: %s", args, errb.String())
		if len(args) > 0 {
			assert.Regexp(t, `^hero_proc: [^\n]+\n$`, errb.String(), "%v: one line", args)
		}
	}

	code, out, _ := hp(t, sock, "help")
	assert.Equal(t, 0, code)
	for _, c := range []string{"list", "status", "start", "stop", "restart", "delete", "add", "put", "run", "runs", "jobs", "job", "logs", "secret", "version", "health", "shutdown", "help"} {
		assert.Regexp(t, `(?m)^  `+c+`\b`, out)
	}
	assert.Contains(t, out, "Exit codes:")
	assert.Contains(t, out, "3  daemon unavailable")

	for _, args := range [][]string{{"-h"}, {"--help"}} {
		code, out2, _ := hp(t, sock, args...)
		assert.Equal(t, 0, code)
		assert.Equal(t, out, out2)
	}
	code, out, _ = hp(t, sock, "help", "logs")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "usage: hero_proc logs")
	assert.Contains(t, out, "-f ")
	assert.NotContains(t, out, "--socket PATH")
	code, out, _ = hp(t, sock, "add", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "--restart POLICY")
}
