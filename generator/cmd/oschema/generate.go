package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/lhumina-code/rules_oschema/generator/artifacts"
	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
)

// sourceFlags registers the flags that say where a schema comes from.
func sourceFlags(fs *flag.FlagSet) func() source {
	root := fs.String("root", "", "workspace root: SCHEMA and import paths are relative to it (default: the nearest directory up from the current one holding WORKSPACE, WORKSPACE.bazel or MODULE.bazel, else the current directory)")
	srcs := fs.String("srcs", "", "comma-separated `files` of SCHEMA to read (default: every .oschema file in it); Bazel passes a target's srcs")
	var imports multiFlag
	fs.Var(&imports, "import", "`PATH=DIR`: a schema that may be imported as PATH, read from DIR (repeatable); when any is given, every other import is an error")
	hint := fs.String("import-hint", "", "`label` of the target, named in errors about imports missing from its deps")
	return func() source {
		s := source{root: *root, hint: *hint}
		if *srcs != "" {
			s.srcs = strings.Split(*srcs, ",")
		}
		if len(imports) > 0 || *hint != "" {
			s.imports = append([]string{}, imports...)
		}
		return s
	}
}

func cmdGenerate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("generate", "generate [flags] SCHEMA", stderr)
	getSource := sourceFlags(fs)
	service := fs.String("service", "", "the `service` to generate for (needed only when the schema has several)")
	which := fs.String("artifacts", "", "comma-separated `artifacts`: "+strings.Join(artifacts.Names(), ", ")+", or all (default: "+strings.Join(artifacts.Default, ",")+"); go and rust_server bring openrpc, whose openrpc.json api.go and rust/rust_server.rs embed")
	outDir := fs.String("out", "", "write every file into this `directory`, one subdirectory per language: rust/, js/, python/<package>/ (api.go and openrpc.json at the top)")
	var outs multiFlag
	fs.Var(&outs, "o", "`NAME=PATH`: write the file NAME (e.g. client.py) to PATH (repeatable; Bazel declares each file this way)")
	goPkg := fs.String("go-package", "", "package clause of api.go (default: the schema name without underscores)")
	pyPkg := fs.String("python-package", "", "name of the Python package, the directory python/<package>/ under -out (default: the schema name in lower case, - and . as _)")
	socket := fs.String("socket", "", "default Unix socket path of clients (default: ~/hero/var/sockets/<schema>/rpc.sock)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("generate takes one SCHEMA (a schema directory or an OpenRPC .json file), got %d", fs.NArg())
	}
	if *outDir == "" && len(outs) == 0 {
		return usagef("generate needs -out DIR or -o NAME=PATH")
	}
	chosen, err := artifacts.Select(*which)
	if err != nil {
		return usageError{err.Error()}
	}
	explicit := map[string]string{}
	for _, o := range outs {
		name, p, ok := strings.Cut(o, "=")
		if !ok || name == "" || p == "" {
			return usagef("-o %q: want NAME=PATH, e.g. client.py=out/client.py", o)
		}
		explicit[name] = p
	}

	src := getSource()
	src.warn = stderr
	s, err := src.loadSchema(fs.Arg(0))
	if err != nil {
		return err
	}
	svc, err := pickService(s, *service)
	if err != nil {
		return err
	}
	// The Python package names a directory of -out; without the python
	// artifact no name is needed, so none can be wrong.
	pythonPackage := *pyPkg
	withPython := false
	for _, a := range chosen {
		withPython = withPython || a.Name == "python"
	}
	if pythonPackage != "" {
		if err := artifacts.CheckPythonPackage(pythonPackage); err != nil {
			return usagef("-python-package: %v", err)
		}
	} else if *outDir != "" && withPython {
		if pythonPackage, err = artifacts.DefaultPythonPackage(s.Name); err != nil {
			return usageError{err.Error()}
		}
	}
	files, err := generateFiles(s, svc, chosen, emit.Options{GoPackage: *goPkg, SocketPath: *socket})
	if err != nil {
		return err
	}

	dest := map[string][]byte{}
	produced := map[string]bool{}
	for _, f := range files {
		produced[f.Name] = true
		p, ok := explicit[f.Name]
		switch {
		case ok:
		case *outDir != "":
			p = filepath.Join(*outDir, filepath.FromSlash(artifacts.Path(f.Name, pythonPackage)))
		case f.Name == openrpc.FileName:
			return usagef("no destination for %s, which api.go and rust_server.rs embed (beside api.go, one directory above rust_server.rs): add -o %s=PATH or -out DIR", f.Name, f.Name)
		default:
			return usagef("no destination for %s: add -o %s=PATH or -out DIR", f.Name, f.Name)
		}
		dest[p] = f.Content
	}
	for name := range explicit {
		if !produced[name] {
			return usagef("-o %s: the chosen artifacts produce no file %q (they produce: %s)", name, name, strings.Join(sortedKeys(produced), ", "))
		}
	}
	return writeAtomically(dest)
}

// generateFiles runs the chosen emitters concurrently (they only read the
// model) and returns their files in the order of the artifact table.
func generateFiles(s *model.Schema, svc *model.Service, chosen []artifacts.Artifact, opts emit.Options) ([]emit.File, error) {
	results := make([][]emit.File, len(chosen))
	errs := make([]error, len(chosen))
	var wg sync.WaitGroup
	for i, a := range chosen {
		wg.Add(1)
		go func(i int, a artifacts.Artifact) {
			defer wg.Done()
			files, err := a.Generate(s, svc, opts)
			if err != nil {
				errs[i] = fmt.Errorf("generating %s for service %s of %s: %w", a.Name, svc.Name, s.Path, err)
			}
			results[i] = files
		}(i, a)
	}
	wg.Wait()
	var out []emit.File
	for i := range chosen {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out = append(out, results[i]...)
	}
	return out, nil
}

// writeAtomically writes every file to a temporary name beside it and then
// renames them all into place, so a failed run leaves no half-written file
// and never replaces a good file with a bad one. Every target is checked
// (not a directory, its directory creatable, its temporary file written)
// before the first rename; if a rename still fails, the files already
// renamed are put back as they were. New files get mode 0644.
func writeAtomically(files map[string][]byte) error {
	return writeFiles(files, nil)
}

// rename is os.Rename; tests replace it to make a rename fail.
var rename = os.Rename

// writeFiles is writeAtomically with the mode of some files given (fmt -w
// keeps a file's mode).
func writeFiles(files map[string][]byte, modes map[string]os.FileMode) error {
	type target struct {
		path, tmp string
		backup    string // a hard link to the previous file, "" if none
		old       []byte // the previous content, when no hard link could be made
		existed   bool
		oldMode   os.FileMode
	}
	paths := sortedKeys(files)
	targets := make([]*target, 0, len(paths))
	cleanup := func() {
		for _, t := range targets {
			if t.tmp != "" {
				os.Remove(t.tmp)
			}
			if t.backup != "" {
				os.Remove(t.backup)
			}
		}
	}
	for _, p := range paths {
		t := &target{path: p}
		targets = append(targets, t)
		if st, err := os.Lstat(p); err == nil {
			if st.IsDir() {
				cleanup()
				return fmt.Errorf("writing %s: it is a directory; remove it or write the file elsewhere (nothing was written)", p)
			}
			t.existed, t.oldMode = true, st.Mode()
		} else if !os.IsNotExist(err) {
			cleanup()
			return fmt.Errorf("writing %s: %w (nothing was written)", p, err)
		}
		dir := filepath.Dir(p)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			cleanup()
			return fmt.Errorf("creating %s: %w (nothing was written)", dir, err)
		}
		f, err := os.CreateTemp(dir, "."+filepath.Base(p)+".tmp*")
		if err != nil {
			cleanup()
			return fmt.Errorf("writing %s: %w (nothing was written)", p, err)
		}
		t.tmp = f.Name()
		_, werr := f.Write(files[p])
		cerr := f.Close()
		if werr == nil {
			werr = cerr
		}
		mode, ok := modes[p]
		if !ok {
			mode = 0o644
		}
		if werr == nil {
			werr = os.Chmod(t.tmp, mode)
		}
		if werr != nil {
			cleanup()
			return fmt.Errorf("writing %s: %w (nothing was written)", p, werr)
		}
		if t.existed && t.oldMode.IsRegular() {
			// Keep the previous file, to put it back if a later rename fails.
			b, err := os.CreateTemp(dir, "."+filepath.Base(p)+".old*")
			if err == nil {
				b.Close()
				os.Remove(b.Name())
				if os.Link(p, b.Name()) == nil {
					t.backup = b.Name()
				}
			}
			if t.backup == "" {
				if t.old, err = os.ReadFile(p); err != nil {
					cleanup()
					return fmt.Errorf("writing %s: %w (nothing was written)", p, err)
				}
			}
		}
	}
	for i, t := range targets {
		if err := rename(t.tmp, t.path); err != nil {
			// Put back what was renamed already, newest first.
			var failed []string
			for j := i - 1; j >= 0; j-- {
				if err := restore(targets[j].path, targets[j].backup, targets[j].old, targets[j].existed, targets[j].oldMode); err != nil {
					failed = append(failed, targets[j].path)
				}
				targets[j].backup = ""
			}
			cleanup()
			if len(failed) > 0 {
				return fmt.Errorf("writing %s: %w; restoring the files written before it failed too: %s", t.path, err, strings.Join(failed, ", "))
			}
			return fmt.Errorf("writing %s: %w (the files written before it were restored)", t.path, err)
		}
		t.tmp = ""
	}
	cleanup()
	return nil
}

// restore puts back the file at p as it was before writeFiles renamed a
// new one over it: from the hard link backup, else from its content, else
// (it did not exist) by removing it.
func restore(p, backup string, old []byte, existed bool, mode os.FileMode) error {
	switch {
	case backup != "":
		return os.Rename(backup, p)
	case existed && old != nil:
		return os.WriteFile(p, old, mode.Perm())
	case !existed:
		return os.Remove(p)
	}
	return fmt.Errorf("no copy of %s", p)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func cmdArtifacts(stdout io.Writer) error {
	for _, a := range artifacts.All {
		def := ""
		for _, d := range artifacts.Default {
			if d == a.Name {
				def = " (default)"
			}
		}
		fmt.Fprintf(stdout, "%-12s %s%s\n", a.Name, a.Doc, def)
		for _, f := range a.Files {
			fmt.Fprintf(stdout, "    %-16s -> %s\n", f, artifacts.Path(f, "<python package>"))
		}
	}
	return nil
}

func cmdCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", "check [flags] SCHEMA...", stderr)
	getSource := sourceFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("check takes one or more SCHEMA directories or OpenRPC .json files")
	}
	src := getSource()
	if _, err := src.rootDir(); err != nil {
		return err
	}
	failed := false
	for _, arg := range fs.Args() {
		if _, err := src.loadSchema(arg); err != nil {
			fmt.Fprintln(stderr, strings.TrimRight(err.Error(), "\n"))
			failed = true
		}
	}
	if failed {
		return errReported
	}
	return nil
}
