package clienttest

import (
	"bufio"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The conversation every kitchen_sink client driver holds with a
// TaskService, and the reference behaviour a server must have for it:
//
//   - reset() empties the store; task_new stores a task under its sid;
//     task_get/task_set/task_delete/task_start of an unknown sid fail with
//     NotFound (code 1004, message = its doc, data {"sid": sid});
//   - task_list returns the sids sorted; task_list_full and task_find
//     return tasks sorted by sid (task_find: every given param must match);
//   - task_start fails with BadPhase (1005, data {"phase": phase}) when the
//     task is done or failed; with dry_run it returns "pending", else it
//     sets the task's phase to "running" and returns "running";
//   - echo returns its task; sum the sum of its values; scale (params by
//     position) each value times factor (default 1) plus offset (default 0);
//   - task_get("boom") fails with the server error -32000, message
//     "boom", data {"sid": "boom"}.
//
// A driver (generator/emit/python/testdata/driver.py,
// generator/emit/js/testdata/driver.mjs) takes the endpoint
// ("unix:/path/rpc.sock" or "http://host:port/rpc") and prints one JSON
// line per step: {"step": name, "result": wire JSON} or {"step": name,
// "error": {"type": class name, "code", "message", "data"}}. Results are
// printed in wire form (to_dict in Python), so the transcripts of all
// languages are equal.

// Task1 is a fully populated task: every type, every optional, the
// keyword field names from and type, bytes whose base64 uses + and / and
// padding, times in UTC and with an offset.
const Task1 = `{
  "sid": "t1", "name": "first", "phase": "pending", "priority": -3, "attempts": 2,
  "size": -9007199254740991, "quota": 9007199254740991, "ratio": 0.5, "score": 2.25,
  "done": false, "created_at": "2024-01-02T03:04:05Z", "payload": "+//+AA==",
  "extra": {"k": [1, "two", null, true]}, "tags": ["a", "b"],
  "labels": {"env": "prod", "from": "x"},
  "steps": [{"title": "s1", "children": [{"title": "s1.1", "children": []}], "note": {"title": "n", "children": []}}],
  "matrix": {"m": [1, -2, 3], "e": []},
  "owner": {"name": "Ann", "email": "ann@example.com"},
  "parent": "t0", "deadline": "2024-02-03T04:05:06+02:00", "from": "alice", "type": "batch"
}`

// Task2 has only the required fields (optionals omitted, not null).
const Task2 = `{
  "sid": "t2", "name": "second", "phase": "running", "priority": 0, "attempts": 0,
  "size": 0, "quota": 0, "ratio": 0, "score": 0, "done": true,
  "created_at": "2024-01-01T00:00:00Z", "payload": "", "extra": null,
  "tags": [], "labels": {}, "steps": [], "matrix": {}, "owner": {"name": "Bob"}
}`

// Step is one call of the conversation.
type Step struct {
	Name   string // the step's name in the transcript
	Method string // the JSON-RPC method
	Params string // exact params on the wire (JSON)
	Result string // expected result (JSON), when no Error
	Error  string // expected error (JSON: type, code, message, data)
}

func withPhase(task, from, to string) string {
	return strings.Replace(task, `"phase": "`+from+`"`, `"phase": "`+to+`"`, 1)
}

// Script returns the conversation, in order.
func Script() []Step {
	t1r := withPhase(Task1, "pending", "running")
	t2d := withPhase(Task2, "running", "done")
	notFound := func(sid string) string {
		return `{"type": "NotFoundError", "code": 1004, "message": "The task does not exist.", "data": {"sid": "` + sid + `"}}`
	}
	return []Step{
		{Name: "reset", Method: "reset", Params: `{}`, Result: `null`},
		{Name: "list_empty", Method: "task_list", Params: `{}`, Result: `[]`},
		{Name: "new_t1", Method: "task_new", Params: `{"task": ` + Task1 + `}`, Result: Task1},
		{Name: "new_t2", Method: "task_new", Params: `{"task": ` + Task2 + `}`, Result: Task2},
		{Name: "get_t1", Method: "task_get", Params: `{"sid": "t1"}`, Result: Task1},
		{Name: "exists_t1", Method: "task_exists", Params: `{"sid": "t1"}`, Result: `true`},
		{Name: "exists_nope", Method: "task_exists", Params: `{"sid": "nope"}`, Result: `false`},
		{Name: "get_nope", Method: "task_get", Params: `{"sid": "nope"}`, Error: notFound("nope")},
		{Name: "start_dry", Method: "task_start", Params: `{"sid": "t1", "dry_run": true}`, Result: `"pending"`},
		{Name: "start_t1", Method: "task_start", Params: `{"sid": "t1"}`, Result: `"running"`},
		{Name: "set_t2", Method: "task_set", Params: `{"task": ` + t2d + `}`, Result: t2d},
		{Name: "start_t2", Method: "task_start", Params: `{"sid": "t2"}`,
			Error: `{"type": "BadPhaseError", "code": 1005, "message": "The task is in a phase that does not allow this.", "data": {"phase": "done"}}`},
		{Name: "find_running", Method: "task_find", Params: `{"phase": "running"}`, Result: `[` + t1r + `]`},
		{Name: "find_name", Method: "task_find", Params: `{"name": "second"}`, Result: `[` + t2d + `]`},
		{Name: "find_all", Method: "task_find", Params: `{}`, Result: `[` + t1r + `, ` + t2d + `]`},
		{Name: "list", Method: "task_list", Params: `{}`, Result: `["t1", "t2"]`},
		{Name: "list_full", Method: "task_list_full", Params: `{}`, Result: `[` + t1r + `, ` + t2d + `]`},
		{Name: "delete_t2", Method: "task_delete", Params: `{"sid": "t2"}`, Result: `null`},
		{Name: "delete_t2_again", Method: "task_delete", Params: `{"sid": "t2"}`, Error: notFound("t2")},
		{Name: "list_after_delete", Method: "task_list", Params: `{}`, Result: `["t1"]`},
		{Name: "echo_full", Method: "echo", Params: `{"task": ` + Task1 + `, "note": "hi", "counts": {"a": 1, "b": 9007199254740991}}`, Result: Task1},
		{Name: "echo_minimal", Method: "echo", Params: `{"task": ` + Task2 + `, "counts": {}}`, Result: Task2},
		{Name: "sum", Method: "sum", Params: `{"values": [1.5, 2.25, -0.75]}`, Result: `3`},
		{Name: "scale_all", Method: "scale", Params: `[[1, 2], 2, 0.5]`, Result: `[2.5, 4.5]`},
		{Name: "scale_offset", Method: "scale", Params: `[[1, 2], null, 1]`, Result: `[2, 3]`},
		{Name: "scale_plain", Method: "scale", Params: `[[1, 2]]`, Result: `[1, 2]`},
		{Name: "get_boom", Method: "task_get", Params: `{"sid": "boom"}`,
			Error: `{"type": "RpcError", "code": -32000, "message": "boom", "data": {"sid": "boom"}}`},
		{Name: "discover", Method: "rpc.discover", Params: `{}`,
			Result: `{"title": "TaskService", "version": "1.2.0", "methods": ["task_new", "task_get", "task_set", "task_delete", "task_list", "task_list_full", "task_exists", "task_find", "task_start", "echo", "reset", "sum", "scale"]}`},
	}
}

// CheckTranscript compares a driver's output with the script: one line
// per step, in order, equal as JSON.
func CheckTranscript(t testing.TB, output string) {
	t.Helper()
	script := Script()
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(output))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	for i, st := range script {
		if !assert.Less(t, i, len(lines), "transcript ends before step %s", st.Name) {
			return
		}
		var want string
		if st.Error != "" {
			want = fmt.Sprintf(`{"step": %q, "error": %s}`, st.Name, st.Error)
		} else {
			want = fmt.Sprintf(`{"step": %q, "result": %s}`, st.Name, st.Result)
		}
		assert.JSONEq(t, want, lines[i], "step %d (%s)", i, st.Name)
	}
	assert.Len(t, lines, len(script), "transcript has extra lines:\n%s", output)
}

// CheckRequests compares the requests a server received with the
// script's: same methods, in order, with exactly the script's params.
func CheckRequests(t testing.TB, got []Request) {
	t.Helper()
	script := Script()
	require.Len(t, got, len(script), "number of requests")
	for i, st := range script {
		assert.Equal(t, st.Method, got[i].Method, "step %d (%s): method", i, st.Name)
		params := string(got[i].Params)
		if params == "" {
			params = "null"
		}
		assert.JSONEq(t, st.Params, params, "step %d (%s): params", i, st.Name)
	}
}

// Endpoint formats a Unix socket path as a driver endpoint argument.
func Endpoint(socketPath string) string { return "unix:" + socketPath }
