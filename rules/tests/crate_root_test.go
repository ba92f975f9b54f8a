package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// The lib.rs oschema_generate writes as the crate root of the Rust
// artifacts (output group rust_crate_root) is a working crate root:
// testdata/crate_root/lib.rs, which //rules/tests:crate_root_test checks
// is byte for byte what Bazel writes for :gen_default, builds with cargo as
// the library of a crate, above the rust/rust_types.rs, rust_server.rs and
// rust_client.rs the CLI generates from that target's schema (and the
// openrpc.json beside rust/ that rust_server.rs embeds), and a binary
// uses the modules through it. rules_rust cannot be fetched offline, so this stands in for
// the rust_library of the README's recipe.
func TestCrateRootBuilds(t *testing.T) {
	testtool.SkipUnderBazel(t, "cargo")
	root := testtool.RepoRoot(t)
	gen := t.TempDir()
	goTool := testtool.Look(t, "go", "/usr/local/go/bin/go")
	cmd := exec.Command(goTool, "run", "./generator/cmd/oschema", "generate",
		"-artifacts", "rust_types,rust_server,rust_client", "-out", gen, "rules/tests/fixture/app")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)

	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		return b
	}
	files := map[string][]byte{
		"src/lib.rs":              read(filepath.Join(root, "rules/tests/testdata/crate_root/lib.rs")),
		"src/rust/rust_types.rs":  read(filepath.Join(gen, "rust", "rust_types.rs")),
		"src/rust/rust_server.rs": read(filepath.Join(gen, "rust", "rust_server.rs")),
		"src/rust/rust_client.rs": read(filepath.Join(gen, "rust", "rust_client.rs")),
		// rust_server.rs embeds ../openrpc.json; the CLI wrote it
		// (rust_server brings openrpc), as oschema_generate does.
		"src/openrpc.json": read(filepath.Join(gen, "openrpc.json")),
		// The crate's binary reaches the modules through the library.
		"src/main.rs": []byte(`#[allow(unused_imports)]
use oschema_crate_root::rust_client::*;
#[allow(unused_imports)]
use oschema_crate_root::rust_server::*;
#[allow(unused_imports)]
use oschema_crate_root::rust_types::*;

fn main() {
    println!("{}", module_path!());
}
`),
	}
	bin := testtool.CargoBuild(t, t.TempDir(), "oschema_crate_root", files)
	out, err = exec.Command(bin).CombinedOutput()
	require.NoError(t, err, "%s", out)
}
