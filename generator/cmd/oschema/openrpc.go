package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
	"github.com/lhumina-code/rules_oschema/generator/schemaprint"
	"github.com/lhumina-code/rules_oschema/generator/syntax"
)

func cmdOpenRPC(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("openrpc needs a subcommand: export or import")
	}
	switch args[0] {
	case "export":
		return cmdOpenRPCExport(args[1:], stdout, stderr)
	case "import":
		return cmdOpenRPCImport(args[1:], stdout, stderr)
	default:
		return usagef("unknown openrpc subcommand %q; use export or import", args[0])
	}
}

func cmdOpenRPCExport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("openrpc export", "openrpc export [flags] SCHEMA", stderr)
	getSource := sourceFlags(fs)
	service := fs.String("service", "", "the `service` to export (needed only when the schema has several)")
	out := fs.String("o", "", "write the document to this `file` instead of standard output")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("openrpc export takes one SCHEMA directory")
	}
	s, err := getSource().loadSchema(fs.Arg(0))
	if err != nil {
		return err
	}
	svc, err := pickService(s, *service)
	if err != nil {
		return err
	}
	files, err := openrpc.Generate(s, svc, emit.Options{})
	if err != nil {
		return err
	}
	if *out != "" {
		return writeAtomically(map[string][]byte{*out: files[0].Content})
	}
	_, err = stdout.Write(files[0].Content)
	return err
}

// cmdOpenRPCImport prints an OpenRPC document as .oschema source, for a
// team that wants to own the schema of a service it only knew from
// rpc.discover. (To generate clients from the document directly, pass it
// to generate.)
func cmdOpenRPCImport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("openrpc import", "openrpc import [-o FILE] FILE.json", stderr)
	out := fs.String("o", "", "write the schema to this `file` instead of standard output")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || !strings.HasSuffix(fs.Arg(0), ".json") {
		return usagef("openrpc import takes one OpenRPC document (a .json file)")
	}
	s, err := source{root: ".", warn: stderr}.loadSchema(fs.Arg(0))
	if err != nil {
		return err
	}
	text := schemaprint.Print(s)
	name := strings.TrimSuffix(filepath.Base(fs.Arg(0)), ".json") + ".oschema"
	f, diags := syntax.Parse(name, text)
	if err := diags.Err(); err != nil {
		return fmt.Errorf("%s imports, but cannot be written as .oschema (generate clients from the .json directly instead):\n%v", fs.Arg(0), err)
	}
	formatted := syntax.Format(f)
	if *out != "" {
		return writeAtomically(map[string][]byte{*out: formatted})
	}
	_, err = stdout.Write(formatted)
	return err
}
