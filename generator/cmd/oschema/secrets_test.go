package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// TestSecretsRedacted prints the generated types of the secrets schema
// (fields and params marked @secret) in Go and Python: the values are
// "***" wherever the types print themselves, and still sent on the wire.
// (Rust's Debug is tested by the rust package's cargo harness.)
func TestSecretsRedacted(t *testing.T) {
	root := testtool.RepoRoot(t)
	out := t.TempDir()
	code, _, stderr := runCLI("generate", "-root", root, "-artifacts", "go,python", "-python-package", "vault", "-out", out, "generator/testdata/schemas/secrets")
	require.Equal(t, 0, code, stderr)

	mod := t.TempDir()
	api, err := os.ReadFile(filepath.Join(out, "api.go"))
	require.NoError(t, err)
	doc, err := os.ReadFile(filepath.Join(out, "openrpc.json"))
	require.NoError(t, err)
	main := `package main

import (
	"encoding/json"
	"fmt"

	"example.com/v/secrets"
)

func main() {
	tok := "tok-1"
	c := secrets.Credential{User: "ann", Password: "hunter2", Token: &tok, Key: []byte("k3y")}
	in := secrets.PutInput{Name: "n", Password: "hunter2"}
	wire, _ := json.Marshal(c)
	fmt.Printf("%v|%+v|%s|%v|%v\n", c, c, c, in, &c)
	fmt.Println(string(wire))
}
`
	for name, content := range map[string]string{
		"go.mod": "module example.com/v\n\ngo 1.19\n", "main.go": main, "secrets/api.go": string(api),
		"secrets/openrpc.json": string(doc),
	} {
		p := filepath.Join(mod, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	cmd := exec.Command(testtool.Look(t, "go"), "run", ".")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0")
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", b)
	printed, wire, _ := strings.Cut(string(b), "\n")
	for _, leaked := range []string{"hunter2", "tok-1", "k3y", "[107 51 121]"} {
		assert.NotContains(t, printed, leaked)
	}
	assert.Contains(t, printed, "Password:***")
	assert.Contains(t, printed, "User:ann")
	assert.Contains(t, wire, `"password":"hunter2"`, "the wire keeps the value")

	script := `
import sys
sys.path.insert(0, sys.argv[1])
import vault as client
c = client.Credential(user="ann", password="hunter2", key=b"k3y", token="tok-1")
print(repr(c), str(c), c.to_dict()["password"])
print(repr(client.Credential(user="ann", password="", key=b"")))
`
	b, err = exec.Command(testtool.Look(t, "python3"), "-c", script, filepath.Join(out, "python")).CombinedOutput()
	require.NoError(t, err, "%s", b)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	require.Len(t, lines, 2, "%s", b)
	shown, sent := lines[0][:strings.LastIndex(lines[0], " ")], lines[0][strings.LastIndex(lines[0], " ")+1:]
	for _, leaked := range []string{"hunter2", "tok-1", "k3y"} {
		assert.NotContains(t, shown, leaked)
	}
	assert.Contains(t, shown, "Credential(user='ann', password='***'")
	assert.Contains(t, shown, "token='***'")
	assert.Equal(t, "hunter2", sent)
	assert.Contains(t, lines[1], "note=None")
}
