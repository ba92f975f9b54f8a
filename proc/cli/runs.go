package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/lhumina-code/rules_oschema/proc"
)

func cmdRun(e *env, args []string) error {
	fs := e.flags()
	var a actionFlags
	a.register(fs)
	timeoutSecs := fs.Uint64("timeout-secs", 0, "fail (and kill) the job after `N` seconds (default: none)")
	secrets := fs.String("context", "", "the secrets' `context` of the run (default: the daemon's)")
	wait := fs.Bool("wait", false, "wait for the run to end; exit with the job's exit code")
	follow := fs.Bool("follow", false, "stream the run's output until it ends (implies --wait)")
	pos, command, err := e.parse(fs, args, 1, true)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("missing run NAME")
	}
	act, err := a.action(command)
	if err != nil {
		return err
	}
	if *timeoutSecs > 0 {
		act.TimeoutSecs = timeoutSecs
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	run, err := c.Runs().Start(ctx, pos[0], []proc.ActionSpec{act}, *secrets)
	if err != nil {
		return err
	}
	if !*wait && !*follow {
		if e.g.json {
			return e.printJSON(run)
		}
		fmt.Fprintln(e.stdout, run.ID)
		return nil
	}
	if *follow {
		fl := c.Logs().Follow(e.ctx, proc.LogFilter{RunID: run.ID})
		defer fl.Close()
		for fl.Next() {
			if err := e.writeRunLine(fl.Entry()); err != nil {
				return err
			}
		}
		if err := fl.Err(); err != nil {
			return interrupted(err, run)
		}
	}
	wctx, wcancel := e.waitCtx()
	defer wcancel()
	final, err := c.Runs().Wait(wctx, run.ID)
	if err != nil {
		return interrupted(err, run)
	}
	if e.g.json && !*follow {
		if err := e.printJSON(final); err != nil {
			return err
		}
	} else if final.Phase == proc.RunPhaseSuccess && !*follow {
		fmt.Fprintf(e.stdout, "run %s (%s) succeeded\n", final.ID, final.Name)
	}
	return runResult(final)
}

// writeRunLine prints a line of a followed run: stdout lines on stdout,
// the others on stderr (system lines marked); JSON: one entry per line.
func (e *env) writeRunLine(l proc.LogEntry) error {
	if e.g.json {
		return writeJSONLine(e.stdout, l)
	}
	var err error
	switch l.Stream {
	case proc.LogStreamStdout:
		_, err = fmt.Fprintln(e.stdout, l.Content)
	case proc.LogStreamStderr:
		_, err = fmt.Fprintln(e.stderr, l.Content)
	default:
		_, err = fmt.Fprintf(e.stderr, "[%s] %s\n", l.Stream, l.Content)
	}
	return err
}

// interrupted explains that a run keeps running when waiting for it ended.
func interrupted(err error, run proc.Run) error {
	if errors.Is(err, context.Canceled) {
		return &exitError{code: ExitFailed, msg: fmt.Sprintf("interrupted; run %s keeps running (hero_proc logs --run %s -f)", run.ID, run.ID)}
	}
	return err
}

// runResult is the exit of a finished run: nil on success, else the exit
// code of its failed job (1 when it has none).
func runResult(run proc.Run) error {
	if run.Phase == proc.RunPhaseSuccess {
		return nil
	}
	code := ExitFailed
	why := string(run.Phase)
	for _, j := range run.Jobs {
		if j.Phase == proc.JobPhaseSuccess {
			continue
		}
		if j.ExitCode != nil && *j.ExitCode > 0 && *j.ExitCode < 256 {
			code = int(*j.ExitCode)
		}
		switch {
		case j.Error != nil && *j.Error != "":
			why = fmt.Sprintf("%s: %s", j.Action, *j.Error)
		case j.ExitCode != nil:
			why = fmt.Sprintf("%s: exit code %d", j.Action, *j.ExitCode)
		case j.Signal != nil && *j.Signal != "":
			why = fmt.Sprintf("%s: killed by %s", j.Action, *j.Signal)
		default:
			why = fmt.Sprintf("%s: %s", j.Action, j.Phase)
		}
		break
	}
	verb := "failed"
	if run.Phase == proc.RunPhaseCancelled {
		verb = "was cancelled"
	}
	return &exitError{code: code, msg: fmt.Sprintf("run %s (%s) %s: %s", run.ID, run.Name, verb, why)}
}

func cmdRuns(e *env, args []string) error {
	fs := e.flags()
	var f proc.RunFilter
	fs.StringVar(&f.Service, "service", "", "only the runs of `SERVICE`")
	phase := fs.String("phase", "", "only the runs in `PHASE`: created, running, success, failed, cancelled")
	fs.Func("limit", "at most `N` runs (default 100)", uintFlag(&f.Limit))
	if _, err := e.args(fs, args, 0, 0, ""); err != nil {
		return err
	}
	if *phase != "" {
		f.Phase = proc.RunPhase(*phase)
		if !f.Phase.Valid() {
			return usagef("--phase %q: want created, running, success, failed or cancelled", *phase)
		}
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	runs, err := c.Runs().List(ctx, f)
	if err != nil {
		return err
	}
	if e.g.json {
		if runs == nil {
			runs = []proc.Run{}
		}
		return e.printJSON(runs)
	}
	tw := e.table()
	fmt.Fprintln(tw, "ID\tNAME\tSERVICE\tPHASE\tJOBS\tCREATED\tFINISHED\tERROR")
	for _, r := range runs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", r.ID, r.Name, str(r.Service), r.Phase, len(r.Jobs), fmtTime(&r.CreatedAt), fmtTime(r.FinishedAt), oneLine(str(r.Error)))
	}
	return tw.Flush()
}

func cmdJobs(e *env, args []string) error {
	fs := e.flags()
	var f proc.JobFilter
	fs.StringVar(&f.RunID, "run", "", "only the jobs of run `ID`")
	fs.StringVar(&f.Service, "service", "", "only the jobs of `SERVICE`'s runs")
	phase := fs.String("phase", "", "only the jobs in `PHASE` (running, backoff, failed, ...)")
	fs.Func("limit", "at most `N` jobs (default 100)", uintFlag(&f.Limit))
	if _, err := e.args(fs, args, 0, 0, ""); err != nil {
		return err
	}
	if *phase != "" {
		f.Phase = proc.JobPhase(*phase)
		if !f.Phase.Valid() {
			return usagef("--phase %q is not a job phase", *phase)
		}
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	jobs, err := c.Jobs().List(ctx, f)
	if err != nil {
		return err
	}
	if e.g.json {
		if jobs == nil {
			jobs = []proc.Job{}
		}
		return e.printJSON(jobs)
	}
	return writeJobs(e, jobs, true)
}

func cmdJob(e *env, args []string) error {
	pos, err := e.args(e.flags(), args, 1, 1, "job ID")
	if err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	j, err := c.Jobs().Get(ctx, pos[0])
	if err != nil {
		return err
	}
	if e.g.json {
		return e.printJSON(j)
	}
	tw := e.table()
	fmt.Fprintf(tw, "Job:\t%s\n", j.ID)
	fmt.Fprintf(tw, "Run:\t%s\n", j.RunID)
	fmt.Fprintf(tw, "Action:\t%s\n", j.Action)
	fmt.Fprintf(tw, "Phase:\t%s\n", j.Phase)
	fmt.Fprintf(tw, "Attempt:\t%d\n", j.Attempt)
	fmt.Fprintf(tw, "Pid:\t%s\n", i64(j.Pid))
	fmt.Fprintf(tw, "Exit:\t%s\n", exit(j))
	fmt.Fprintf(tw, "Ready:\t%t\n", j.Ready)
	if j.Error != nil {
		fmt.Fprintf(tw, "Error:\t%s\n", oneLine(*j.Error))
	}
	fmt.Fprintf(tw, "Created:\t%s\n", fmtTime(&j.CreatedAt))
	fmt.Fprintf(tw, "Started:\t%s\n", fmtTime(j.StartedAt))
	fmt.Fprintf(tw, "Finished:\t%s\n", fmtTime(j.FinishedAt))
	if j.NextAttemptAt != nil {
		fmt.Fprintf(tw, "Next attempt:\t%s\n", fmtTime(j.NextAttemptAt))
	}
	switch {
	case j.Spec.Script != nil:
		fmt.Fprintf(tw, "Script:\t%s\n", oneLine(*j.Spec.Script))
	case len(j.Spec.Command) > 0:
		fmt.Fprintf(tw, "Command:\t%s\n", quoteArgs(j.Spec.Command))
	}
	return tw.Flush()
}

func cmdLogs(e *env, args []string) error {
	fs := e.flags()
	var f proc.LogFilter
	fs.StringVar(&f.RunID, "run", "", "only the lines of run `ID`")
	fs.StringVar(&f.JobID, "job", "", "only the lines of job `ID`")
	stream := fs.String("stream", "", "only the lines of `STREAM`: stdout, stderr or system")
	level := fs.String("level", "", "only the lines of `LEVEL` and worse: debug, info, warn, error")
	var n uint32
	fs.Func("n", "print only the last `LINES` lines (default: all)", uintFlag(&n))
	follow := fs.Bool("f", false, "keep following new lines (Ctrl-C ends)")
	pos, err := e.args(fs, args, 0, 1, "")
	if err != nil {
		return err
	}
	if len(pos) == 1 {
		f.Service = pos[0]
	}
	if *stream != "" {
		f.Stream = proc.LogStream(*stream)
		if !f.Stream.Valid() {
			return usagef("--stream %q: want stdout, stderr or system", *stream)
		}
	}
	if *level != "" {
		f.Level = proc.LogLevel(*level)
		if !f.Level.Valid() {
			return usagef("--level %q: want debug, info, warn or error", *level)
		}
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	// The lines so far, page by page; with -n only the last n are kept.
	var tail []proc.LogEntry
	printed := 0
	q := f
	q.Limit = 1000
	for {
		ctx, cancel := e.call()
		page, err := c.Logs().Query(ctx, q)
		cancel()
		if err != nil {
			return err
		}
		for _, l := range page.Entries {
			if n > 0 {
				if len(tail) == int(n) {
					tail = append(tail[:0], tail[1:]...)
				}
				tail = append(tail, l)
				continue
			}
			if err := e.writeLogLine(l); err != nil {
				return err
			}
			printed++
		}
		if len(page.Entries) == 0 || page.Next <= q.After {
			break
		}
		q.After = page.Next
	}
	for _, l := range tail {
		if err := e.writeLogLine(l); err != nil {
			return err
		}
		printed++
	}
	if printed == 0 && f.Service != "" {
		// No lines: say so if the service does not exist (a deleted
		// service's lines are still shown).
		ctx, cancel := e.call()
		_, err := c.Services().Get(ctx, f.Service)
		cancel()
		if errors.Is(err, proc.ErrNotFound) {
			return err
		}
	}
	if !*follow {
		return nil
	}
	f.After = q.After
	fl := c.Logs().Follow(e.ctx, f)
	defer fl.Close()
	for fl.Next() {
		if err := e.writeLogLine(fl.Entry()); err != nil {
			return err
		}
	}
	if err := fl.Err(); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// writeLogLine prints TIME SRC STREAM CONTENT, or the entry as JSON.
func (e *env) writeLogLine(l proc.LogEntry) error {
	if e.g.json {
		return writeJSONLine(e.stdout, l)
	}
	_, err := fmt.Fprintf(e.stdout, "%s %s %s %s\n", fmtTime(&l.Time), l.Src, l.Stream, l.Content)
	return err
}

// quoteArgs shows argv the way a shell would take it back.
func quoteArgs(argv []string) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		if a != "" && !strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~") {
			out[i] = a
		} else {
			out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(out, " ")
}

// uintFlag parses a flag into a uint32.
func uintFlag(p *uint32) func(string) error {
	return func(s string) error {
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return fmt.Errorf("%q is not a count", s)
		}
		*p = uint32(n)
		return nil
	}
}

// writeJSONLine writes v as one line of JSON.
func writeJSONLine(w io.Writer, v interface{}) error {
	return json.NewEncoder(w).Encode(v)
}
