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
// by the OUT_DIR environment variable (set here instead of by cargo), and
// each compiled through include!(concat!(env!("OUT_DIR"), ...)) as the
// headers of the files say. The binary uses none of the generated items,
// under #![deny(warnings)], so any item lacking its #[allow(dead_code)]
// (and any inner attribute, which include! rejects) fails the build.
func TestIncludeFromOutDir(t *testing.T) {
	testtool.SkipUnderBazel(t, "cargo")
	outDir := t.TempDir()
	var main strings.Builder
	main.WriteString("#![deny(warnings)]\n")
	for _, c := range cases() {
		s, svc := c.load(t)
		for name, content := range generate(t, s, svc) {
			p := filepath.Join(outDir, c.module, name)
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			require.NoError(t, os.WriteFile(p, content, 0o644))
		}
		fmt.Fprintf(&main, `
mod %[1]s {
    pub mod rust_types {
        include!(concat!(env!("OUT_DIR"), "/%[1]s/rust_types.rs"));
    }
    pub mod rust_server {
        #[allow(unused_imports)]
        use super::rust_types::*;
        include!(concat!(env!("OUT_DIR"), "/%[1]s/rust_server.rs"));
    }
    pub mod rust_client {
        #[allow(unused_imports)]
        use super::rust_types::*;
        include!(concat!(env!("OUT_DIR"), "/%[1]s/rust_client.rs"));
    }
}
`, c.module)
	}
	main.WriteString("\nfn main() {}\n")
	t.Setenv("OUT_DIR", outDir)
	bin := testtool.CargoBuild(t, t.TempDir(), "oschema_rust_include", map[string][]byte{
		"src/main.rs": []byte(main.String()),
	})
	out, err := exec.Command(bin).CombinedOutput()
	require.NoError(t, err, "%s", out)
}
