// Command hero_proc is the command-line client of the hero_procd process
// manager: list, start, stop and define services, start ad-hoc runs, read
// and follow logs, manage secrets. See package cli (proc/cli) and
// docs/hero_proc-cli.md; "hero_proc help" lists every command.
package main

import (
	"os"

	"github.com/lhumina-code/rules_oschema/proc/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
