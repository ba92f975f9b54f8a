package bench

import (
	"fmt"
	"io/fs"
	"testing/fstest"

	"github.com/lhumina-code/rules_oschema/generator/artifacts"
	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/internal/synth"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
)

// The size the issue sets the targets for (< 1 s, < 200 MB for every
// artifact): 2,000 types and 1,000 written methods. Every tenth record is a
// [rootobject], so the service ends up with 1,000 + 8 CRUD methods per
// rootobject.
const (
	Types   = 2000
	Methods = 1000
)

// SchemaDir is the workspace-relative directory of the synthetic schema.
const SchemaDir = synth.Dir

// Workspace returns an in-memory workspace holding the synthetic schema
// under SchemaDir, so benchmarks measure no disk I/O.
func Workspace(types, methods int) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, data := range synth.Schema(types, methods) {
		fsys[SchemaDir+"/"+name] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	return fsys
}

// Load parses and resolves the synthetic schema of a workspace.
func Load(fsys fs.FS) (*model.Schema, *model.Service, error) {
	s, err := resolve.Load(fsys, SchemaDir)
	if err != nil {
		return nil, nil, err
	}
	if len(s.Services) != 1 {
		return nil, nil, fmt.Errorf("synthetic schema has %d services, want 1", len(s.Services))
	}
	return s, s.Services[0], nil
}

// Emit runs one artifact's emitter and returns the bytes it produced.
func Emit(a artifacts.Artifact, s *model.Schema, svc *model.Service) (int, error) {
	files, err := a.Generate(s, svc, emit.Options{})
	if err != nil {
		return 0, fmt.Errorf("generating %s: %w", a.Name, err)
	}
	n := 0
	for _, f := range files {
		n += len(f.Content)
	}
	return n, nil
}

// All parses, resolves and emits every artifact, as `oschema generate
// -artifacts all` does minus writing files; it returns the bytes produced.
func All(fsys fs.FS) (int, error) {
	s, svc, err := Load(fsys)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, a := range artifacts.All {
		n, err := Emit(a, s, svc)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}
