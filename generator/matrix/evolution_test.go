package matrix

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/emit/golang"
	"github.com/lhumina-code/rules_oschema/generator/emit/js"
	"github.com/lhumina-code/rules_oschema/generator/emit/python"
	"github.com/lhumina-code/rules_oschema/generator/emit/rust"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// The schema evolution the compatibility rules call compatible for
// clients (generator/docs/stage.md): v2 adds an enum value a result may
// hold, a field in a result, an optional param and a method.
const (
	evolutionV1 = `Phase = "queued" | "done"

Item = {
    id: str
    phase: Phase
}

service Evo {
    version "1.0.0"
    get(id: str) -> Item
    list() -> [Item]
}
`
	evolutionV2 = `Phase = "queued" | "done" | "paused"

Item = {
    id: str
    phase: Phase
    note: str
    size?: i64
}

service Evo {
    version "2.0.0"
    get(id: str, verbose?: bool) -> Item
    list() -> [Item]
    count() -> i64
}
`
	// The v2 server answers with what v1 never heard of.
	evolutionImpl = `package evo

import "context"

type impl struct{}

func NewImpl() Server { return impl{} }

func (impl) Get(_ context.Context, in GetInput) (Item, error) {
	n := int64(7)
	return Item{ID: in.ID, Phase: "paused", Note: "new in v2", Size: &n}, nil
}

func (impl) List(context.Context) ([]Item, error) {
	return []Item{{ID: "a", Phase: PhaseDone, Note: "x"}, {ID: "b", Phase: "paused", Note: "y"}}, nil
}

func (impl) Count(context.Context) (int64, error) { return 2, nil }
`
	evolutionGoClient = `package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	evo "example.com/kitchensink"
)

func main() {
	c := evo.Dial(strings.TrimPrefix(os.Args[1], "unix:"))
	item, err := c.Get(context.Background(), evo.GetInput{ID: "x"})
	if err != nil {
		fmt.Println("get:", err)
		os.Exit(1)
	}
	items, err := c.List(context.Background())
	if err != nil {
		fmt.Println("list:", err)
		os.Exit(1)
	}
	fmt.Println(item.ID, item.Phase, len(items), items[1].Phase)
}
`
	evolutionPython = `
import sys
sys.path.insert(0, sys.argv[1])
import client
c = client.EvoClient(client.UnixSocketTransport(sys.argv[2][len("unix:"):], timeout=10))
item = c.get("x")
items = c.list()
print(item.id, item.phase.value, len(items), items[1].phase.value)
`
	evolutionJS = `
const [clientPath, endpoint] = process.argv.slice(1);
const api = await import(clientPath);
const c = new api.EvoClient({ socketPath: endpoint.slice("unix:".length), timeoutMs: 10000 });
const item = await c.get({ id: "x" });
const items = await c.list();
console.log(item.id, item.phase, items.length, items[1].phase);
`
	evolutionRust = `pub mod rust_types {
    include!("rust_types.rs");
}

pub mod rust_client {
    use super::rust_types::*;
    include!("rust_client.rs");
}

fn main() {
    let endpoint = std::env::args().nth(1).expect("usage: evo <endpoint>");
    let c = rust_client::EvoClient::connect(&endpoint).expect("endpoint");
    let item = c.get("x").expect("get");
    let items = c.list().expect("list");
    let phase = items[1].phase.as_str();
    println!("{} {} {} {}", item.id, item.phase.as_str(), items.len(), phase);
}
`
)

func evolutionSchema(t *testing.T, src string) (*model.Schema, *model.Service) {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "evo"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "evo", "00.oschema"), []byte(src), 0o644))
	s, err := resolve.Load(os.DirFS(dir), "evo")
	require.NoError(t, err)
	return s, s.Services[0]
}

// TestOldClientsNewServer: clients generated from v1 call a generated Go
// server of v2 (a new enum value and a new field in its results, a new
// optional param, a new method): the Go, Python, JavaScript and Rust
// clients all decode the replies, keep the enum value they do not know,
// and ignore the field.
func TestOldClientsNewServer(t *testing.T) {
	testtool.SkipUnderBazel(t, "builds a generated Go server and runs Python and node")
	v1, svc1 := evolutionSchema(t, evolutionV1)
	v2, svc2 := evolutionSchema(t, evolutionV2)

	server, err := golang.Generate(v2, svc2, emit.Options{})
	require.NoError(t, err)
	harness := emitterTestdata(t, "golang", "harness", "main.go")
	bin := goBuild(t, scratchDir(t, "evo-v2-server"), map[string][]byte{
		"api.go": server[0].Content, "openrpc.json": openrpcDoc(t, v2, svc2), "impl.go": []byte(evolutionImpl), "cmd/harness/main.go": harness,
	}, "./cmd/harness")
	ep := startServer(t, filepath.Join(bin, "harness"), "-socket", socketPath(t), "-http", "127.0.0.1:0")

	const want = "x paused 2 paused\n"
	goClient, err := golang.Generate(v1, svc1, emit.Options{})
	require.NoError(t, err)
	cbin := goBuild(t, scratchDir(t, "evo-v1-client"), map[string][]byte{
		"api.go": goClient[0].Content, "openrpc.json": openrpcDoc(t, v1, svc1), "cmd/client/main.go": []byte(evolutionGoClient),
	}, "./cmd/client")
	assert.Equal(t, want, run(t, "", filepath.Join(cbin, "client"), ep.Unix), "Go v1 client")

	pyDir := t.TempDir()
	pyFiles, err := python.Generate(v1, svc1, emit.Options{})
	require.NoError(t, err)
	writeGenerated(t, pyDir, pyFiles)
	assert.Equal(t, want, run(t, "", testtool.Look(t, "python3"), "-c", evolutionPython, pyDir, ep.Unix), "Python v1 client")

	jsDir := t.TempDir()
	jsFiles, err := js.Generate(v1, svc1, emit.Options{})
	require.NoError(t, err)
	writeGenerated(t, jsDir, jsFiles)
	out, err := exec.Command(testtool.Look(t, "node"), "--input-type=module", "-e", evolutionJS,
		filepath.Join(jsDir, "client.js"), ep.Unix).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, want, string(out), "JavaScript v1 client")

	// Rust: the unknown value is Phase::Unknown("paused").
	rustFiles := map[string][]byte{"src/main.rs": []byte(evolutionRust)}
	for _, gen := range []func(*model.Schema, *model.Service, emit.Options) ([]emit.File, error){rust.GenerateTypes, rust.GenerateClient} {
		files, err := gen(v1, svc1, emit.Options{})
		require.NoError(t, err)
		for _, f := range files {
			rustFiles["src/"+f.Name] = f.Content
		}
	}
	rbin := cargoBuild(t, scratchDir(t, "evo-v1-rust"), "oschema_evo_v1", rustFiles)
	assert.Equal(t, want, run(t, "", rbin, ep.Unix), "Rust v1 client")
}
