// Command hero_procd is the hero_proc process manager daemon.
//
//	hero_procd [--socket PATH] [--data DIR] [--http 127.0.0.1:PORT [--token-file F]]
//
// It serves JSON-RPC 2.0 on POST /rpc over the Unix socket (default
// ~/hero/var/sockets/hero_proc/rpc.sock) and keeps its state in DIR
// (default ~/hero/var/hero_proc). SIGTERM or SIGINT stop every service
// and exit. `hero_procd shim` is the per-job helper the daemon starts
// itself; it is not meant to be run by hand. See docs/hero_procd.md.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/lhumina-code/rules_oschema/procd/daemon"
	"github.com/lhumina-code/rules_oschema/procd/shim"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "shim" {
		os.Exit(shim.Main())
	}
	fs := flag.NewFlagSet("hero_procd", flag.ContinueOnError)
	socket := fs.String("socket", daemon.DefaultSocket, "Unix socket to serve the API on")
	data := fs.String("data", daemon.DefaultDataDir, "data directory (state, logs, secrets)")
	httpAddr := fs.String("http", "", "also serve HTTP on this loopback address, e.g. 127.0.0.1:8700 (bearer token)")
	tokenFile := fs.String("token-file", "", "file holding the HTTP bearer token (default: $HERO_PROC_TOKEN, else DATA/http.token is created)")
	version := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "hero_procd: unexpected argument %q (flags only; see -h)\n", fs.Arg(0))
		os.Exit(2)
	}
	if *version {
		fmt.Println("hero_procd", daemon.Version)
		return
	}
	if err := daemon.Run(daemon.Options{Socket: *socket, DataDir: *data, HTTPAddr: *httpAddr, TokenFile: *tokenFile}); err != nil {
		fmt.Fprintln(os.Stderr, "hero_procd:", err)
		os.Exit(1)
	}
}
