// Package testtool finds the real compilers, interpreters and checkers that
// tests run generated code through (rustc, cargo, node, tsc, python3,
// mypy, protoc). A missing tool fails the test when OSCHEMA_REQUIRE_TOOLS=1
// (the README's test command sets it, after ./bazelw setup installed them),
// and skips it otherwise, saying what to install, so `go test ./...` on a
// bare machine still runs everything else.
package testtool

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Tools decide on colour from the environment as well as from isatty: CI
// systems set CI or FORCE_COLOR, and then prettier colours even a pipe
// ("[\x1b[33mwarn\x1b[39m]"). Tests read tool output as text, so every tool
// a test starts inherits an environment that asks for none.
func init() {
	for _, k := range []string{"FORCE_COLOR", "MYPY_FORCE_COLOR", "PY_COLORS", "CLICOLOR_FORCE"} {
		os.Unsetenv(k)
	}
	os.Setenv("NO_COLOR", "1")
	os.Setenv("CARGO_TERM_COLOR", "never")
}

// Required reports whether missing tools fail tests instead of skipping.
func Required() bool { return os.Getenv("OSCHEMA_REQUIRE_TOOLS") == "1" }

// UnderBazel reports whether the test runs under `bazel test`. The
// toolchain tests (cargo, node, tsc, mypy, the host go) run in the README's
// `go test ./...` step instead: the Bazel sandbox has neither the tools on
// its strict PATH nor the repository beyond declared data, and running them
// twice would double CI time for no new evidence.
func UnderBazel() bool { return os.Getenv("TEST_SRCDIR") != "" }

// SkipUnderBazel skips a test that runs real toolchains when it runs under
// `bazel test` (see UnderBazel).
func SkipUnderBazel(t testing.TB, what string) {
	t.Helper()
	if UnderBazel() {
		t.Skipf("%s: toolchain tests run in tools/test's `go test ./...` step, not under bazel test", what)
	}
}

// missing fails or skips t for a tool that is not installed.
func missing(t testing.TB, what, hint string) {
	t.Helper()
	if Required() {
		t.Fatalf("%s not found (OSCHEMA_REQUIRE_TOOLS=1): %s", what, hint)
	}
	t.Skipf("%s not found: %s (set OSCHEMA_REQUIRE_TOOLS=1 to make this a failure)", what, hint)
}

// Look returns the absolute path of an executable on PATH or at one of the
// extra candidate paths, or fails/skips t.
func Look(t testing.TB, name string, candidates ...string) string {
	t.Helper()
	SkipUnderBazel(t, name)
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && !st.IsDir() {
			return c
		}
	}
	missing(t, name, "run ./bazelw setup, which installs it")
	return ""
}

// At returns path if it is an executable file, or fails/skips t saying
// how to install it: for a tool that must be one particular installation
// (Debian's cargo beside rustup's), not whatever PATH finds first.
func At(t testing.TB, path, hint string) string {
	t.Helper()
	SkipUnderBazel(t, path)
	if st, err := os.Stat(path); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		missing(t, path, hint)
	}
	return path
}

// RepoRoot returns the repository root (the directory holding go.mod),
// found by walking up from the test's working directory. Under `bazel
// test` it is the test's runfiles tree of this workspace, which holds the
// files the test declares as data.
func RepoRoot(t testing.TB) string {
	t.Helper()
	if srcdir, ws := os.Getenv("TEST_SRCDIR"), os.Getenv("TEST_WORKSPACE"); srcdir != "" && ws != "" {
		return filepath.Join(srcdir, ws)
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			missing(t, "repository root (go.mod)", "run the test from inside the repository")
			return ""
		}
		dir = parent
	}
}

// NodeModules returns the node_modules directory where ./bazelw setup
// installs the JS checkers of tools/js/package.json (typescript, ajv,
// @open-rpc/meta-schema, @open-rpc/test-coverage, prettier, eslint): the
// setup cache's
// js-<first 16 hex digits of sha256(package-lock.json)>, computed here as
// tools/setup computes it.
func NodeModules(t testing.TB) string {
	t.Helper()
	SkipUnderBazel(t, "node_modules")
	lock, err := os.ReadFile(filepath.Join(RepoRoot(t), "tools", "js", "package-lock.json"))
	if err != nil {
		t.Fatalf("reading the JS lock file: %v", err)
	}
	sum := sha256.Sum256(lock)
	dir := filepath.Join(SetupCache(t), "js-"+hex.EncodeToString(sum[:])[:16], "node_modules")
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err != nil {
		missing(t, dir, "run ./bazelw setup (it runs npm ci for tools/js)")
	}
	return dir
}

// SetupCache returns tools/setup's cache directory: $RULES_OSCHEMA_CACHE,
// else $XDG_CACHE_HOME/rules_oschema, else ~/.cache/rules_oschema.
func SetupCache(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv("RULES_OSCHEMA_CACHE"); dir != "" {
		return dir
	}
	if dir := os.Getenv("XDG_CACHE_HOME"); dir != "" {
		return filepath.Join(dir, "rules_oschema")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		t.Fatalf("finding the setup cache: %v", err)
	}
	return filepath.Join(home, ".cache", "rules_oschema")
}

// Mypy returns a command prefix that runs mypy: Debian's python3-mypy
// lives under /usr/bin/python3, which may not be the python3 on PATH.
func Mypy(t testing.TB) []string {
	t.Helper()
	SkipUnderBazel(t, "mypy")
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(py, "-m", "mypy", "--version").Run() == nil {
			return []string{py, "-m", "mypy"}
		}
	}
	missing(t, "mypy", "apt-get install python3-mypy (./bazelw setup does)")
	return nil
}

// CargoRegistry returns Debian's directory of vendored crate sources
// (librust-serde-dev, librust-serde-json-dev), usable as a cargo
// directory source offline.
func CargoRegistry(t testing.TB) string {
	t.Helper()
	SkipUnderBazel(t, "cargo")
	const dir = "/usr/share/cargo/registry"
	matches, _ := filepath.Glob(filepath.Join(dir, "serde_json-*"))
	if len(matches) == 0 {
		missing(t, "serde_json crate sources in "+dir, "apt-get install librust-serde-json-dev librust-serde-dev")
	}
	return dir
}

// CargoCrate fails or skips t unless Debian's directory of crate sources
// holds crate (say "tokio"), naming the Debian package pkg that installs
// it: for a test whose crate depends on more than serde and serde_json.
func CargoCrate(t testing.TB, crate, pkg string) {
	t.Helper()
	registry := CargoRegistry(t)
	matches, _ := filepath.Glob(filepath.Join(registry, crate+"-[0-9]*"))
	if len(matches) == 0 {
		missing(t, crate+" crate sources in "+registry, "apt-get install "+pkg+" (tools/setup does)")
	}
}

// WriteCargoProject writes dir/Cargo.toml for a binary crate depending on
// serde (derive), serde_json and deps (more lines of its [dependencies],
// whose crates the caller checks with CargoCrate), and dir/.cargo/config.toml
// pointing crates.io at Debian's crate sources, so `cargo build
// --offline` works.
func WriteCargoProject(t testing.TB, dir, crate string, deps ...string) {
	t.Helper()
	registry := CargoRegistry(t)
	extra := ""
	for _, d := range deps {
		extra += d + "\n"
	}
	files := map[string]string{
		"Cargo.toml": `[package]
name = "` + crate + `"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
serde = { version = "1", features = ["derive"] }
serde_json = "1"
` + extra,
		".cargo/config.toml": fmt.Sprintf(`[source.crates-io]
replace-with = "debian"

[source.debian]
directory = %q
`, registry),
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// CargoBuild writes files (name -> content, e.g. "src/main.rs") and the
// project of WriteCargoProject into dir, builds the binary crate offline
// with cargo (on PATH or rustup's ~/.cargo/bin), and returns the binary's
// path. Every test shares one target directory, $CARGO_TARGET_DIR or
// $TMPDIR/oschema-cargo-target, so serde is compiled once per machine
// rather than once per test. A missing cargo skips t, or fails it with
// OSCHEMA_REQUIRE_TOOLS=1.
func CargoBuild(t testing.TB, dir, crate string, files map[string][]byte) string {
	t.Helper()
	return CargoBuildWith(t, dir, crate, nil, files)
}

// CargoBuildWith is CargoBuild for a crate with the further dependencies
// deps (lines of Cargo.toml's [dependencies], see WriteCargoProject).
func CargoBuildWith(t testing.TB, dir, crate string, deps []string, files map[string][]byte) string {
	t.Helper()
	home, _ := os.UserHomeDir()
	cargo := Look(t, "cargo", filepath.Join(home, ".cargo", "bin", "cargo"))
	WriteCargoProject(t, dir, crate, deps...)
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	target := os.Getenv("CARGO_TARGET_DIR")
	if target == "" {
		target = filepath.Join(os.TempDir(), "oschema-cargo-target")
	}
	cmd := exec.Command(cargo, "build", "--offline", "--quiet")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CARGO_TARGET_DIR="+target,
		"PATH="+filepath.Dir(cargo)+string(os.PathListSeparator)+os.Getenv("PATH"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cargo build in %s: %v\n%s", dir, err, out)
	}
	return filepath.Join(target, "debug", crate)
}
