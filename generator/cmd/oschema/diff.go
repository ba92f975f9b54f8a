package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lhumina-code/rules_oschema/generator/apidiff"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
	"github.com/lhumina-code/rules_oschema/generator/stage"
)

// cmdDiff compares two APIs and exits 1 when a change is breaking.
func cmdDiff(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("diff", "diff [flags] OLD NEW", stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	root := fs.String("root", ".", "workspace root: relative schema directories and their imports are read from it")
	timeout := fs.Duration("timeout", 5*time.Second, "how long a live socket may take to answer rpc.discover")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usagef("diff takes OLD and NEW: each a schema directory, an OpenRPC .json file or a live service's Unix socket")
	}
	old, err := loadAPI(*root, fs.Arg(0), *timeout, stderr)
	if err != nil {
		return err
	}
	new, err := loadAPI(*root, fs.Arg(1), *timeout, stderr)
	if err != nil {
		return err
	}
	r := apidiff.Compare(old, new)
	if *asJSON {
		_, err = stdout.Write(r.JSON())
	} else {
		_, err = io.WriteString(stdout, r.Text())
	}
	if err != nil {
		return err
	}
	if r.HasBreaking() {
		return errReported // exit 1; the report says why
	}
	return nil
}

// loadAPI loads a schema directory, an OpenRPC document or the document a
// live service returns from rpc.discover on its Unix socket. The
// importer's warnings go to warn.
func loadAPI(root, arg string, timeout time.Duration, warn io.Writer) (*model.Schema, error) {
	if fi, err := os.Stat(arg); err == nil && fi.Mode()&os.ModeSocket != 0 {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		s, _, warnings, err := stage.LoadLive(ctx, arg)
		for _, w := range warnings {
			fmt.Fprintln(warn, "warning: "+w)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", arg, err)
		}
		return s, nil
	}
	if !filepath.IsAbs(arg) || strings.HasSuffix(arg, ".json") {
		return source{root: root, warn: warn}.loadSchema(arg)
	}
	absRoot, err := filepath.Abs(root)
	if err == nil {
		if rel, err := filepath.Rel(absRoot, arg); err == nil && !strings.HasPrefix(rel, "..") {
			return source{root: root}.loadSchema(rel)
		}
	}
	// Outside the workspace: the directory's parent stands in for the root.
	return resolve.Load(os.DirFS(filepath.Dir(arg)), filepath.Base(arg))
}
