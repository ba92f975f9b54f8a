package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// command is one hero_proc command.
type command struct {
	name    string
	args    string // the synopsis after the name
	summary string // one line, for the listing
	more    string // more lines for "help CMD"
	group   string
	brief   string // the synopsis in the listing, when not name+args
	run     func(e *env, args []string) error
}

var commands []*command

func init() {
	commands = []*command{
		{name: "list", group: "Services", summary: "list the services: NAME, WANTED, STATE, RUN, RESTARTS, REASON", run: cmdList},
		{name: "status", args: "NAME", group: "Services", summary: "show a service with its jobs", run: cmdStatus},
		{name: "start", args: "NAME", group: "Services", summary: "start a service (and the services it depends on)", run: cmdStart},
		{name: "stop", args: "NAME", group: "Services", summary: "stop a service; returns once its jobs have stopped", run: cmdStop},
		{name: "restart", args: "NAME [--keep-jobs]", group: "Services", summary: "stop a service's run and start a new one", run: cmdRestart},
		{name: "delete", args: "NAME", group: "Services", summary: "stop a service and forget it", run: cmdDelete},
		{name: "add", args: "NAME [flags] -- COMMAND [ARGS...] | --script 'SH TEXT'", group: "Services", brief: "add NAME [flags] -- COMMAND...",
			summary: "define (or replace) a one-action service",
			more: "The service has one action, \"main\", running COMMAND (looked up in PATH) or\n" +
				"the shell text of --script. With --start it is started too.",
			run: cmdAdd},
		{name: "put", args: "FILE.json|-", group: "Services", summary: "create or replace a service from a ServiceSpec in JSON (- reads stdin)", run: cmdPut},
		{name: "run", args: "NAME [flags] -- COMMAND [ARGS...] | --script 'SH TEXT'", group: "Runs and jobs", brief: "run NAME [flags] -- COMMAND...",
			summary: "start an ad-hoc one-action run",
			more: "Without --wait or --follow it prints the run's id and returns. With --wait\n" +
				"it waits for the run to end, with --follow it also streams its output\n" +
				"(stdout lines on stdout, stderr and system lines on stderr); both exit\n" +
				"with the job's exit code (1 if it failed without one).",
			run: cmdRun},
		{name: "runs", args: "[--service S] [--phase P] [--limit N]", group: "Runs and jobs", brief: "runs [--service S] [--limit N]", summary: "list runs, newest first", run: cmdRuns},
		{name: "jobs", args: "[--run ID] [--service S] [--phase P] [--limit N]", group: "Runs and jobs", brief: "jobs [--run ID] [--service S]", summary: "list jobs, newest first", run: cmdJobs},
		{name: "job", args: "ID", group: "Runs and jobs", summary: "show a job", run: cmdJob},
		{name: "logs", args: "[NAME] [--run ID] [--job ID] [--stream S] [--level L] [-n LINES] [-f]", group: "Logs", brief: "logs [NAME] [flags] [-f]",
			summary: "print log lines: TIME SRC STREAM CONTENT",
			more: "NAME selects a service's lines. -n prints only the last LINES lines; -f keeps\n" +
				"following (following a run or job ends when it ends; Ctrl-C ends it\n" +
				"cleanly; a daemon restart is waited through).",
			run: cmdLogs},
		{name: "secret", args: "set|get|list|delete ...", group: "Secrets", brief: "secret set|get|list|delete",
			summary: "manage secrets: set CTX KEY [VALUE], get CTX KEY, list [CTX], delete CTX KEY",
			more: "secret set reads VALUE from stdin when it is omitted (one trailing newline is\n" +
				"dropped), so that it does not land in the shell's history. secret list\n" +
				"never shows values.",
			run: cmdSecret},
		{name: "version", group: "Daemon", summary: "show the daemon's version, pid, socket and data directory", run: cmdVersion},
		{name: "health", group: "Daemon", summary: "show whether the daemon and its store work (exit 1 if not)", run: cmdHealth},
		{name: "shutdown", args: "[--detach]", group: "Daemon", summary: "stop every service and the daemon (--detach: leave the jobs running)", run: cmdShutdown},
		{name: "help", args: "[COMMAND]", group: "Daemon", summary: "show this help, or a command's", run: cmdHelp},
	}
}

// synopsis is the command's line in the listing.
func (c *command) synopsis() string {
	if c.brief != "" {
		return c.brief
	}
	if c.args == "" {
		return c.name
	}
	return c.name + " " + c.args
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

const exitCodesHelp = `Exit codes:
  0  ok
  1  the operation failed (daemon error, job failed, timeout)
  2  usage error
  3  daemon unavailable
  4  not found (service, run, job or secret)
  run --wait/--follow exit with the job's exit code (1 if it has none).
`

func writeUsage(w io.Writer) {
	fmt.Fprint(w, "hero_proc: the command-line client of the hero_procd process manager.\n\n")
	fmt.Fprint(w, "Usage: hero_proc [global flags] COMMAND [flags] [args]\n")
	width := 0
	for _, c := range commands {
		if n := len(c.synopsis()); n > width {
			width = n
		}
	}
	group := ""
	for _, c := range commands {
		if c.group != group {
			group = c.group
			fmt.Fprintf(w, "\n%s:\n", group)
		}
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.synopsis(), c.summary)
	}
	fmt.Fprint(w, "\nGlobal flags (before or after the command):\n")
	var g globals
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	g.register(fs)
	writeFlags(w, fs, func(string) bool { return true })
	fmt.Fprintf(w, "\nEnvironment:\n  %-17s  the daemon's socket when --socket is not given\n  %-17s  the bearer token when --token is not given\n", SocketEnv, TokenEnv)
	fmt.Fprint(w, "\n"+exitCodesHelp)
	fmt.Fprint(w, "\nRun 'hero_proc help COMMAND' for a command's flags.\n")
}

func writeCommandUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	if c == nil {
		writeUsage(w)
		return
	}
	for i, alt := range strings.Split(c.args, " | ") {
		prefix := "usage: "
		if i > 0 {
			prefix = "       "
			if strings.HasPrefix(alt, "--") {
				alt = "NAME [flags] " + alt
			}
		}
		fmt.Fprintf(w, "%shero_proc %s %s\n", prefix, c.name, alt)
	}
	fmt.Fprintf(w, "\n%s.\n", upperFirst(c.summary))
	if c.more != "" {
		fmt.Fprintf(w, "\n%s\n", c.more)
	}
	own := false
	fs.VisitAll(func(f *flag.Flag) {
		if !globalNames[f.Name] {
			own = true
		}
	})
	if own {
		fmt.Fprint(w, "\nFlags:\n")
		writeFlags(w, fs, func(name string) bool { return !globalNames[name] })
	}
	fmt.Fprint(w, "\nThe global flags (--socket, --http, --token, --json, --timeout) are\naccepted too; see 'hero_proc help'.\n")
}

func writeFlags(w io.Writer, fs *flag.FlagSet, keep func(string) bool) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		if !keep(f.Name) {
			return
		}
		value, usage := flag.UnquoteUsage(f)
		dash := "--"
		if len(f.Name) == 1 {
			dash = "-"
		}
		name := dash + f.Name
		if value != "" {
			name += " " + value
		}
		fmt.Fprintf(tw, "  %s\t%s\n", name, usage)
	})
	tw.Flush()
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func cmdHelp(e *env, args []string) error {
	pos, err := e.args(e.flags(), args, 0, 1, "")
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		writeUsage(e.stdout)
		return nil
	}
	c := lookup(pos[0])
	if c == nil {
		return usagef("unknown command %q (see 'hero_proc help')", pos[0])
	}
	// The command prints its own usage, with its flags, for --help.
	e.cmd = c.name
	return c.run(e, []string{"--help"})
}
