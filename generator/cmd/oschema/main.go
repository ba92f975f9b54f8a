// Command oschema generates Rust, OpenRPC, JavaScript, Python and Go code
// from .oschema schemas, checks and formats schemas, and converts between
// .oschema and OpenRPC.
//
// Exit codes: 0 ok, 1 schema errors (or I/O errors), 2 usage errors.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

const usage = `oschema: one schema, every client.

Usage:
  oschema generate [flags] SCHEMA    generate artifacts of a service
  oschema check SCHEMA...            report schema errors, write nothing
  oschema fmt [-w|-d|-l] PATH...     print schemas in canonical layout
  oschema openrpc export [flags] SCHEMA
                                     print a service's OpenRPC document
  oschema openrpc import FILE.json   print an OpenRPC document as .oschema
  oschema artifacts                  list the artifacts and their files
  oschema diff [--json] OLD NEW      list API changes; exit 1 if any is breaking
  oschema stage [flags]              stage clients for the live services of a
                                     socket directory, reporting drift

SCHEMA is a schema directory relative to the workspace root (-root), or an
OpenRPC document (a path ending in .json). Run 'oschema COMMAND -h' for the
flags of a command.
`

// usageError is a mistake in how the command was called (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...interface{}) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// exitCode maps an error to the documented exit codes.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: tests call it directly.
func run(args []string, stdout, stderr io.Writer) int {
	err := dispatch(args, stdout, stderr)
	if err != nil && !errors.Is(err, flag.ErrHelp) && !errors.Is(err, errReported) {
		msg := err.Error()
		if !strings.HasSuffix(msg, "\n") {
			msg += "\n"
		}
		fmt.Fprint(stderr, msg)
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprint(stderr, "run 'oschema -h' for usage\n")
		}
	}
	return exitCode(err)
}

// errReported means the command already printed its diagnostics.
var errReported = errors.New("errors reported")

func dispatch(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	case "generate":
		return cmdGenerate(rest, stdout, stderr)
	case "check":
		return cmdCheck(rest, stdout, stderr)
	case "fmt":
		return cmdFmt(rest, stdout, stderr)
	case "openrpc":
		return cmdOpenRPC(rest, stdout, stderr)
	case "artifacts":
		return cmdArtifacts(stdout)
	case "diff":
		return cmdDiff(rest, stdout, stderr)
	case "stage":
		return cmdStage(rest, stdout, stderr)
	default:
		return usagef("unknown command %q; commands: generate, check, fmt, openrpc, artifacts, diff, stage", cmd)
	}
}

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: oschema %s\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses and turns flag errors into usage errors. Flags after
// the first argument are not flags to the flag package; a "-x" among the
// arguments is reported as the misplaced flag it is.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	for _, a := range fs.Args() {
		if len(a) > 1 && a[0] == '-' && a != "--" {
			name := strings.TrimLeft(a, "-")
			if i := strings.IndexByte(name, '='); i >= 0 {
				name = name[:i]
			}
			if fs.Lookup(name) != nil {
				return usagef("flag %s comes after the schema argument: flags go before it (oschema %s [flags] SCHEMA)", a, fs.Name())
			}
		}
	}
	return nil
}

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
