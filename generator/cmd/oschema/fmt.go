package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/lhumina-code/rules_oschema/generator/resolve"
	"github.com/lhumina-code/rules_oschema/generator/syntax"
)

// cmdFmt is gofmt for schemas: print, -w write back, -d diff, -l list.
func cmdFmt(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("fmt", "fmt [-w|-d|-l] PATH...  (files or schema directories)", stderr)
	write := fs.Bool("w", false, "write the result to the file instead of standard output")
	diff := fs.Bool("d", false, "print a unified diff instead of the formatted source")
	list := fs.Bool("l", false, "list files whose formatting differs")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("fmt takes one or more .oschema files or schema directories")
	}
	files, err := expandSchemaPaths(fs.Args())
	if err != nil {
		return err
	}
	failed := false
	for _, path := range files {
		src, err := resolve.ReadOSFile(path)
		if err != nil {
			return err
		}
		f, diags := syntax.Parse(filepath.ToSlash(path), src)
		if err := diags.Err(); err != nil {
			fmt.Fprintln(stderr, err)
			failed = true
			continue
		}
		out := syntax.Format(f)
		changed := !bytes.Equal(src, out)
		switch {
		case *list:
			if changed {
				fmt.Fprintln(stdout, path)
			}
		case *diff:
			if changed {
				d, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
					A: difflib.SplitLines(string(src)), B: difflib.SplitLines(string(out)),
					FromFile: path + ".orig", ToFile: path, Context: 3,
				})
				fmt.Fprint(stdout, d)
			}
		case *write:
			if changed {
				if err := writeInPlace(path, out); err != nil {
					return err
				}
			}
		default:
			stdout.Write(out)
		}
	}
	if failed {
		return errReported
	}
	return nil
}

// expandSchemaPaths replaces directories by their .oschema files, sorted.
func expandSchemaPaths(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, err
		}
		var names []string
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), resolve.Ext) {
				names = append(names, filepath.Join(a, e.Name()))
			}
		}
		sort.Strings(names)
		if len(names) == 0 {
			return nil, fmt.Errorf("%s: no %s files", a, resolve.Ext)
		}
		out = append(out, names...)
	}
	return out, nil
}

// writeInPlace replaces the content of the file at path, atomically: a
// symlink is written through (the file it points to is replaced, the link
// stays), and the file keeps its mode (a 0600 file stays private).
func writeInPlace(path string, content []byte) error {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	st, err := os.Stat(real)
	if err != nil {
		return err
	}
	return writeFiles(map[string][]byte{real: content}, map[string]os.FileMode{real: st.Mode().Perm()})
}
