package names

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestConversions(t *testing.T) {
	for _, tc := range []struct{ in, snake, pascal, camel, goName string }{
		{"play_start", "play_start", "PlayStart", "playStart", "PlayStart"},
		{"LogicVersion", "logic_version", "LogicVersion", "logicVersion", "LogicVersion"},
		{"sid", "sid", "Sid", "sid", "Sid"},
		{"user_id", "user_id", "UserId", "userId", "UserID"},
		{"HTTPServer", "http_server", "HttpServer", "httpServer", "HTTPServer"},
		{"workflow_version_fetch", "workflow_version_fetch", "WorkflowVersionFetch", "workflowVersionFetch", "WorkflowVersionFetch"},
		{"v2_name", "v2_name", "V2Name", "v2Name", "V2Name"},
		{"node2Play", "node2_play", "Node2Play", "node2Play", "Node2Play"},
	} {
		assert.Equal(t, tc.snake, Snake(tc.in), "Snake(%q)", tc.in)
		assert.Equal(t, tc.pascal, Pascal(tc.in), "Pascal(%q)", tc.in)
		assert.Equal(t, tc.camel, Camel(tc.in), "Camel(%q)", tc.in)
		assert.Equal(t, tc.goName, GoExported(tc.in), "GoExported(%q)", tc.in)
	}
}

func TestEscape(t *testing.T) {
	assert.Equal(t, "from_", Escape(Python, "from"))
	assert.Equal(t, "name", Escape(Python, "name"))
	assert.Equal(t, "r#type", Escape(Rust, "type"))
	assert.Equal(t, "self_", Escape(Rust, "self"))
	assert.Equal(t, "type_", Escape(Go, "type"))
	assert.Equal(t, "delete_", Escape(JavaScript, "delete"))
	assert.Equal(t, "match_", Escape(Python, "match"))
	assert.Equal(t, "timeout_", Escape(Python, "timeout"), "client.py methods take a timeout keyword")
}

func TestScope(t *testing.T) {
	s := NewScope("Python", regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`), []string{"RpcError"}, "a name client.py defines")
	assert.NoError(t, s.Claim("Task", "decl Task"))
	assert.EqualError(t, s.Claim("Task", "decl task"), "decl task: Python name Task collides with decl Task")
	assert.EqualError(t, s.Claim("RpcError", "decl RpcError"), "decl RpcError: Python name RpcError collides with a name client.py defines")
	assert.EqualError(t, s.Claim("a-b", "field a-b"), `field a-b: "a-b" is not a Python identifier`)
}
