package rust

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// TestIncludeFromOutDir compiles the three files of every case as a crate
// with a build.rs would: written to a directory outside the crate, named
// by the OUT_DIR environment variable (set here instead of by cargo), laid
// out as the CLI's -out does (rust/*.rs, openrpc.json above them), and
// each compiled through include!(concat!(env!("OUT_DIR"), ...)) as the
// headers of the files say. Apart from printing each OPENRPC_JSON, the
// binary uses none of the generated items, under #![deny(warnings)], so
// any item lacking its #[allow(dead_code)] (and any inner attribute,
// which include! rejects) fails the build. The printed documents show that
// rust_server.rs's include_str!("../openrpc.json") resolves relative to
// the included file, in OUT_DIR, not to src/main.rs.
func TestIncludeFromOutDir(t *testing.T) {
	testtool.SkipUnderBazel(t, "cargo")
	outDir := t.TempDir()
	var main, body, docs strings.Builder
	main.WriteString("#![deny(warnings)]\n")
	for _, c := range cases() {
		s, svc := c.load(t)
		for name, content := range generateDir(t, s, svc) {
			p := filepath.Join(outDir, c.module, filepath.FromSlash(name))
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			require.NoError(t, os.WriteFile(p, content, 0o644))
			if name == "openrpc.json" {
				docs.Write(content)
			}
		}
		fmt.Fprintf(&body, "    print!(\"{}\", %s::rust_server::OPENRPC_JSON);\n", c.module)
		fmt.Fprintf(&main, `
mod %[1]s {
    pub mod rust_types {
        include!(concat!(env!("OUT_DIR"), "/%[1]s/rust/rust_types.rs"));
    }
    pub mod rust_server {
        #[allow(unused_imports)]
        use super::rust_types::*;
        include!(concat!(env!("OUT_DIR"), "/%[1]s/rust/rust_server.rs"));
    }
    pub mod rust_client {
        #[allow(unused_imports)]
        use super::rust_types::*;
        include!(concat!(env!("OUT_DIR"), "/%[1]s/rust/rust_client.rs"));
    }
}
`, c.module)
	}
	main.WriteString("\nfn main() {\n" + body.String() + "}\n")
	t.Setenv("OUT_DIR", outDir)
	crate := t.TempDir()
	// A decoy where include_str!("../openrpc.json") would land if it were
	// relative to src/main.rs rather than to the included file.
	require.NoError(t, os.WriteFile(filepath.Join(crate, "openrpc.json"), []byte("decoy"), 0o644))
	bin := testtool.CargoBuild(t, crate, "oschema_rust_include", map[string][]byte{
		"src/main.rs": []byte(main.String()),
	})
	out, err := exec.Command(bin).Output()
	require.NoError(t, err, "%s", out)
	require.Equal(t, docs.String(), string(out), "OPENRPC_JSON is each OUT_DIR/<module>/openrpc.json")
}
