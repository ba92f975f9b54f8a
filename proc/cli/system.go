package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/lhumina-code/rules_oschema/proc"
	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

func cmdSecret(e *env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	switch sub {
	case "set":
		return secretSet(e, args[1:])
	case "get":
		return secretGet(e, args[1:])
	case "list":
		return secretList(e, args[1:])
	case "delete":
		return secretDelete(e, args[1:])
	case "", "-h", "-help", "--help", "help":
		if sub == "" {
			return usagef("missing the subcommand: set, get, list or delete")
		}
		writeCommandUsage(e.stdout, lookup("secret"), e.flags())
		return errHelpShown
	}
	return usagef("unknown subcommand %q: want set, get, list or delete", sub)
}

func secretSet(e *env, args []string) error {
	pos, err := e.args(e.flags(), args, 2, 3, "CONTEXT and KEY")
	if err != nil {
		return err
	}
	var value string
	if len(pos) == 3 {
		value = pos[2]
	} else {
		if f, ok := e.stdin.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
				fmt.Fprintf(e.stderr, "value of %s/%s (end with Ctrl-D): ", pos[0], pos[1])
			}
		}
		b, err := io.ReadAll(e.stdin)
		if err != nil {
			return fmt.Errorf("reading the value from stdin: %v", err)
		}
		value = strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	}
	if value == "" {
		return usagef("empty value for secret %q", pos[1])
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	info, err := c.Secrets().Set(ctx, pos[0], pos[1], value)
	if err != nil {
		return err
	}
	if e.g.json {
		return e.printJSON(info)
	}
	fmt.Fprintf(e.stdout, "set secret %s in context %s\n", info.Key, info.Context)
	return nil
}

func secretGet(e *env, args []string) error {
	pos, err := e.args(e.flags(), args, 2, 2, "CONTEXT and KEY")
	if err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	s, err := c.Secrets().Get(ctx, pos[0], pos[1])
	if err != nil {
		return err
	}
	if e.g.json {
		return e.printJSON(s)
	}
	fmt.Fprintln(e.stdout, s.Value)
	return nil
}

func secretList(e *env, args []string) error {
	pos, err := e.args(e.flags(), args, 0, 1, "")
	if err != nil {
		return err
	}
	context := ""
	if len(pos) == 1 {
		context = pos[0]
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	list, err := c.Secrets().List(ctx, context)
	if err != nil {
		return err
	}
	if e.g.json {
		if list == nil {
			list = []proc.SecretInfo{}
		}
		return e.printJSON(list)
	}
	tw := e.table()
	fmt.Fprintln(tw, "CONTEXT\tKEY\tUPDATED")
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Context, s.Key, fmtTime(&s.UpdatedAt))
	}
	return tw.Flush()
}

func secretDelete(e *env, args []string) error {
	pos, err := e.args(e.flags(), args, 2, 2, "CONTEXT and KEY")
	if err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	if err := c.Secrets().Delete(ctx, pos[0], pos[1]); err != nil {
		return err
	}
	if e.g.json {
		return e.printJSON(map[string]string{"deleted": pos[1], "context": pos[0]})
	}
	fmt.Fprintf(e.stdout, "deleted secret %s of context %s\n", pos[1], pos[0])
	return nil
}

func cmdVersion(e *env, args []string) error {
	if _, err := e.args(e.flags(), args, 0, 0, ""); err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	v, err := c.System().Version(ctx)
	if err != nil {
		return err
	}
	if e.g.json {
		return e.printJSON(v)
	}
	tw := e.table()
	fmt.Fprintf(tw, "Daemon:\thero_procd %s (API %s)\n", v.Version, v.APIVersion)
	fmt.Fprintf(tw, "Client API:\t%s\n", heroproc.ServiceVersion)
	fmt.Fprintf(tw, "Pid:\t%d\n", v.Pid)
	fmt.Fprintf(tw, "Started:\t%s\n", fmtTime(&v.StartedAt))
	fmt.Fprintf(tw, "Socket:\t%s\n", v.Socket)
	fmt.Fprintf(tw, "Data:\t%s\n", v.DataDir)
	return tw.Flush()
}

func cmdHealth(e *env, args []string) error {
	if _, err := e.args(e.flags(), args, 0, 0, ""); err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	h, err := c.System().Health(ctx)
	if err != nil {
		return err
	}
	if e.g.json {
		if err := e.printJSON(h); err != nil {
			return err
		}
	} else {
		tw := e.table()
		state := "ok"
		if !h.Ok {
			state = "unhealthy"
		}
		fmt.Fprintf(tw, "Health:\t%s\n", state)
		fmt.Fprintf(tw, "Store:\t%s\n", okString(h.StoreOk))
		if h.Error != nil {
			fmt.Fprintf(tw, "Error:\t%s\n", oneLine(*h.Error))
		}
		fmt.Fprintf(tw, "Uptime:\t%s\n", time.Duration(h.UptimeSecs)*time.Second)
		fmt.Fprintf(tw, "Services:\t%d\n", h.Services)
		fmt.Fprintf(tw, "Running jobs:\t%d\n", h.RunningJobs)
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if !h.Ok {
		msg := "the daemon is unhealthy"
		if h.Error != nil {
			msg += ": " + *h.Error
		}
		return &exitError{code: ExitFailed, msg: msg}
	}
	return nil
}

func okString(ok bool) string {
	if ok {
		return "ok"
	}
	return "failing"
}

func cmdShutdown(e *env, args []string) error {
	fs := e.flags()
	detach := fs.Bool("detach", false, "leave the jobs running, for the next daemon to reattach (upgrades)")
	if _, err := e.args(fs, args, 0, 0, ""); err != nil {
		return err
	}
	c, err := e.client()
	if err != nil {
		return err
	}
	ctx, cancel := e.call()
	defer cancel()
	// Make sure there is a daemon first: after the shutdown call, a lost
	// reply (ErrUnavailable) is the daemon exiting, not a failure.
	if err := c.Ping(ctx); err != nil {
		return err
	}
	if err := c.System().Shutdown(ctx, *detach); err != nil && !errors.Is(err, proc.ErrUnavailable) {
		return err
	}
	if e.g.json {
		return e.printJSON(map[string]bool{"shutdown": true, "detach": *detach})
	}
	if *detach {
		fmt.Fprintln(e.stdout, "hero_procd is shutting down; its jobs keep running")
	} else {
		fmt.Fprintln(e.stdout, "hero_procd is shutting down")
	}
	return nil
}
