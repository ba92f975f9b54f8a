package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/lhumina-code/rules_oschema/generator/stage"
)

// cmdStage stages clients for the live services of a socket directory.
func cmdStage(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("stage", "stage -sockets DIR -from DIR[,DIR...] [flags]", stderr)
	sockets := fs.String("sockets", "", "`directory` of services: one subdirectory per service holding rpc.sock (default ~/hero/var/sockets)")
	from := fs.String("from", "", "comma-separated `directories` searched for pre-generated clients (generated/ outputs, Bazel outputs)")
	outPy := fs.String("out-python", "", "staging `directory` of Python clients (default ~/.hero/var/router/python; \"-\" stages none)")
	outJS := fs.String("out-js", "", "staging `directory` of JavaScript clients (default ~/.hero/var/router/js; \"-\" stages none)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	timeout := fs.Duration("timeout", 2*time.Second, "how long each service may take to answer rpc.discover")
	once := fs.Bool("once", false, "stage once and exit (the default unless -watch); exit code 1 when drift was found")
	watch := fs.Bool("watch", false, "keep running: re-stage the services that appear, change or vanish. On Linux, inotify watches the socket directory and each service directory (rpc.sock created, removed, renamed, its attributes changed), and only the services named are re-staged, 50 ms after their last event (at most 500 ms after the first); elsewhere, or when inotify cannot start, the directory is polled")
	interval := fs.Duration("interval", 0, "how often -watch polls the socket directory (default 1s when polling alone; 30s as a safety net beside inotify)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("stage takes flags only, got %q", fs.Arg(0))
	}
	if *once && *watch {
		return usagef("stage: -once and -watch exclude each other")
	}
	home, _ := os.UserHomeDir()
	def := func(v, d string) string {
		switch v {
		case "":
			return filepath.Join(home, filepath.FromSlash(d))
		case "-":
			return ""
		}
		return v
	}
	opts := stage.Options{
		Sockets:   def(*sockets, "hero/var/sockets"),
		OutPython: def(*outPy, ".hero/var/router/python"),
		OutJS:     def(*outJS, ".hero/var/router/js"),
		Timeout:   *timeout,
	}
	if *from != "" {
		opts.From = strings.Split(*from, ",")
	}
	show := func(r *stage.Report) {
		if *asJSON {
			_, _ = stdout.Write(r.JSON())
		} else {
			_, _ = io.WriteString(stdout, r.Text())
		}
	}
	if *watch {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return stage.Watch(ctx, opts, *interval, show)
	}
	r, err := stage.Stage(context.Background(), opts)
	if err != nil {
		return fmt.Errorf("stage: %w", err)
	}
	show(r)
	if r.Drift {
		return errReported // exit 1: the report names the stale services
	}
	return nil
}
