package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lhumina-code/rules_oschema/proc"
)

func cmdList(e *env, args []string) error {
	if _, err := e.args(e.flags(), args, 0, 0, ""); err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	list, err := c.Services().List(ctx)
	if err != nil {
		return err
	}
	if e.g.json {
		if list == nil {
			list = []proc.ServiceStatus{}
		}
		return e.printJSON(list)
	}
	tw := e.table()
	fmt.Fprintln(tw, "NAME\tWANTED\tSTATE\tRUN\tRESTARTS\tREASON")
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", s.Name, s.Wanted, s.State, str(s.RunID), s.Restarts, oneLine(str(s.Reason)))
	}
	return tw.Flush()
}

func cmdStatus(e *env, args []string) error {
	pos, err := e.args(e.flags(), args, 1, 1, "service NAME")
	if err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	s, err := c.Services().Status(ctx, pos[0])
	if err != nil {
		return err
	}
	if e.g.json {
		return e.printJSON(s)
	}
	tw := e.table()
	fmt.Fprintf(tw, "Service:\t%s\n", s.Name)
	if s.Spec.Description != nil && *s.Spec.Description != "" {
		fmt.Fprintf(tw, "Description:\t%s\n", oneLine(*s.Spec.Description))
	}
	fmt.Fprintf(tw, "Wanted:\t%s\n", s.Wanted)
	fmt.Fprintf(tw, "State:\t%s\n", s.State)
	fmt.Fprintf(tw, "Run:\t%s\n", str(s.RunID))
	fmt.Fprintf(tw, "Restarts:\t%d\n", s.Restarts)
	if s.Reason != nil {
		fmt.Fprintf(tw, "Reason:\t%s\n", oneLine(*s.Reason))
	}
	if s.NextAttemptAt != nil {
		fmt.Fprintf(tw, "Next attempt:\t%s\n", fmtTime(s.NextAttemptAt))
	}
	if len(s.Spec.DependsOn) > 0 {
		fmt.Fprintf(tw, "Depends on:\t%s\n", strings.Join(s.Spec.DependsOn, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(s.Jobs) == 0 {
		fmt.Fprintln(e.stdout, "\nNo jobs.")
		return nil
	}
	fmt.Fprintln(e.stdout)
	return writeJobs(e, s.Jobs, false)
}

// writeJobs prints jobs as a table.
func writeJobs(e *env, jobs []proc.Job, withRun bool) error {
	tw := e.table()
	if withRun {
		fmt.Fprint(tw, "ID\tRUN\t")
	} else {
		fmt.Fprint(tw, "JOB\t")
	}
	fmt.Fprintln(tw, "ACTION\tPHASE\tPID\tATTEMPT\tEXIT\tNEXT ATTEMPT\tERROR")
	for _, j := range jobs {
		if withRun {
			fmt.Fprintf(tw, "%s\t%s\t", j.ID, j.RunID)
		} else {
			fmt.Fprintf(tw, "%s\t", j.ID)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", j.Action, j.Phase, i64(j.Pid), j.Attempt, exit(j), fmtTime(j.NextAttemptAt), oneLine(str(j.Error)))
	}
	return tw.Flush()
}

func cmdStart(e *env, args []string) error {
	pos, err := e.args(e.flags(), args, 1, 1, "service NAME")
	if err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	run, err := c.Services().Start(ctx, pos[0])
	if err != nil {
		return err
	}
	if e.g.json {
		return e.printJSON(run)
	}
	fmt.Fprintf(e.stdout, "started %s (run %s)\n", pos[0], run.ID)
	return nil
}

func cmdStop(e *env, args []string) error {
	pos, err := e.args(e.flags(), args, 1, 1, "service NAME")
	if err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	s, err := c.Services().Stop(ctx, pos[0])
	if err != nil {
		return err
	}
	if e.g.json {
		return e.printJSON(s)
	}
	fmt.Fprintf(e.stdout, "stopped %s (state %s)\n", s.Name, s.State)
	return nil
}

func cmdRestart(e *env, args []string) error {
	fs := e.flags()
	keep := fs.Bool("keep-jobs", false, "keep the old run's jobs (default: delete them)")
	pos, err := e.args(fs, args, 1, 1, "service NAME")
	if err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	run, err := c.Services().Restart(ctx, pos[0], *keep)
	if err != nil {
		return err
	}
	if e.g.json {
		return e.printJSON(run)
	}
	fmt.Fprintf(e.stdout, "restarted %s (run %s)\n", pos[0], run.ID)
	return nil
}

func cmdDelete(e *env, args []string) error {
	pos, err := e.args(e.flags(), args, 1, 1, "service NAME")
	if err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	if err := c.Services().Delete(ctx, pos[0]); err != nil {
		return err
	}
	if e.g.json {
		return e.printJSON(map[string]string{"deleted": pos[0]})
	}
	fmt.Fprintf(e.stdout, "deleted %s\n", pos[0])
	return nil
}

// actionFlags are the flags of add and run that make the action.
type actionFlags struct {
	script string
	cwd    string
	env    multi
}

func (a *actionFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&a.script, "script", "", "run this shell `TEXT` with /bin/sh instead of a command")
	fs.StringVar(&a.cwd, "cwd", "", "the working directory `DIR` (default: the daemon's data directory)")
	fs.Var(&a.env, "env", "set an environment variable `K=V` (repeatable)")
}

// action builds the action "main" from the flags and the command.
func (a *actionFlags) action(command []string) (proc.ActionSpec, error) {
	spec := proc.ActionSpec{Name: "main"}
	switch {
	case a.script != "" && len(command) > 0:
		return spec, usagef("give either --script or a command after --, not both")
	case a.script != "":
		s := a.script
		spec.Script = &s
	case len(command) > 0:
		spec.Command = command
	default:
		return spec, usagef("missing the command: -- COMMAND [ARGS...] or --script 'SH TEXT'")
	}
	if a.cwd != "" {
		cwd := a.cwd
		spec.Cwd = &cwd
	}
	env, err := parseEnv(a.env)
	if err != nil {
		return spec, err
	}
	spec.Env = env
	return spec, nil
}

func cmdAdd(e *env, args []string) error {
	fs := e.flags()
	var a actionFlags
	a.register(fs)
	restart := fs.String("restart", "", "restart `POLICY`: always, on_failure or never (default never)")
	var after multi
	fs.Var(&after, "after", "start after `SERVICE` (repeatable)")
	start := fs.Bool("start", false, "start the service once defined")
	desc := fs.String("description", "", "the service's description `TEXT`")
	pos, command, err := e.parse(fs, args, 1, true)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("missing service NAME")
	}
	spec := proc.ServiceSpec{Name: pos[0], DependsOn: after}
	if *desc != "" {
		spec.Description = desc
	}
	act, err := a.action(command)
	if err != nil {
		return err
	}
	if *restart != "" {
		p := proc.RestartPolicy(*restart)
		if !p.Valid() {
			return usagef("--restart %q: want always, on_failure or never", *restart)
		}
		act.Restart = &p
	}
	spec.Actions = []proc.ActionSpec{act}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	st, err := c.Services().Put(ctx, spec)
	if err != nil {
		return err
	}
	var run proc.Run
	if *start {
		if run, err = c.Services().Start(ctx, spec.Name); err != nil {
			return err
		}
		if e.g.json {
			if st, err = c.Services().Status(ctx, spec.Name); err != nil {
				return err
			}
		}
	}
	if e.g.json {
		return e.printJSON(st)
	}
	fmt.Fprintf(e.stdout, "added %s\n", spec.Name)
	if *start {
		fmt.Fprintf(e.stdout, "started %s (run %s)\n", spec.Name, run.ID)
	}
	return nil
}

func cmdPut(e *env, args []string) error {
	pos, err := e.args(e.flags(), args, 1, 1, "FILE.json (or - for stdin)")
	if err != nil {
		return err
	}
	var data []byte
	if pos[0] == "-" {
		data, err = io.ReadAll(e.stdin)
	} else {
		data, err = os.ReadFile(pos[0])
	}
	if err != nil {
		return fmt.Errorf("reading the spec: %v", err)
	}
	var spec proc.ServiceSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		name := pos[0]
		if name == "-" {
			name = "stdin"
		}
		return fmt.Errorf("%s: not a ServiceSpec: %v", name, err)
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	st, err := c.Services().Put(ctx, spec)
	if err != nil {
		return err
	}
	if e.g.json {
		return e.printJSON(st)
	}
	fmt.Fprintf(e.stdout, "saved %s (wanted %s, state %s)\n", st.Name, st.Wanted, st.State)
	return nil
}

// Formatting helpers.

// timeLayout is RFC 3339 with milliseconds.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func fmtTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.Local().Format(timeLayout)
}

func str(s *string) string {
	if s == nil || *s == "" {
		return "-"
	}
	return *s
}

func i64(n *int64) string {
	if n == nil {
		return "-"
	}
	return strconv.FormatInt(*n, 10)
}

// exit is a job's exit code, or the signal that ended it.
func exit(j proc.Job) string {
	switch {
	case j.ExitCode != nil:
		return strconv.Itoa(int(*j.ExitCode))
	case j.Signal != nil && *j.Signal != "":
		return *j.Signal
	}
	return "-"
}
