// Package factory is the layer people use on top of package proc, the
// hero_proc SDK: a connection factory, builders for services, runs and
// actions that validate before anything reaches the daemon, and lifecycle
// helpers for services and runs.
//
// # Connecting
//
// LocalUDS dials a Unix socket, HTTP a daemon's HTTP endpoint with a bearer
// token; neither talks to the daemon until the first call. Connect finds the
// local daemon and pings it. It tries, in this order, and returns the first
// that answers:
//
//  1. the path given with WithSocket (if any, and not empty);
//  2. the path in the environment variable HERO_PROC_SOCKET (if set);
//  3. heroproc.DefaultSocketPath, ~/hero/var/sockets/hero_proc/rpc.sock.
//
// A path that appears twice is tried once. When none answers, the error is
// a *ConnectError listing every path tried, where it came from and why it
// failed; errors.Is(err, proc.ErrUnavailable) holds when one of them was
// merely absent or refused.
//
// # Builders
//
// A service or a run is a list of actions; each action is configured by a
// function that receives an *Action:
//
//	hp.ServiceBuilder("myapp").
//		Description("Web service").
//		Action("prepare", func(a *factory.Action) {
//			a.Script("python setup.py").Cwd("/srv/myapp")
//		}).
//		Action("start", func(a *factory.Action) {
//			a.Script("python app.py").DependsOn("prepare").RestartAlways()
//		}).
//		Save(ctx)
//
// Why a closure per action, rather than a separate NewAction value or a
// variadic list of option functions:
//
//   - It reads in the seed's order (hero_proc issue 38:
//     .action("build", |a| a.command(...).cwd(...))): the action's name
//     first, then its options, then the next action; a reviewer sees one
//     block per action and nothing else in it.
//   - Each action's options are visibly scoped to it: an option cannot end
//     up on the wrong action, and there is no Action value to forget to add
//     or to add twice.
//   - Setters never return errors. An *Action (and each builder) records
//     every problem it sees, and Spec, Actions, Save and Start return them
//     all at once as one *ValidationError, so the chain stays a chain and a
//     user fixes every mistake in one pass instead of one per run.
//   - Nothing panics: a nil function is an action with no options (and so
//     reported for having neither a script nor a command), a nil builder or
//     a builder without a client returns an error.
//
// Validation happens before any call reaches the daemon: empty service,
// run or action names; duplicate action names; dependencies on actions that
// do not exist; dependency cycles (named in full, "build -> test -> build");
// both or neither of a script and a command; a restart policy in a run
// (restart is for services only); a zero or negative timeout; and each
// malformed option (empty env names, empty health check targets, and so
// on). Every problem is one line of the error's message and one entry of
// ValidationError.Problems, and each names its action.
//
// # Units
//
// Action options take Go types and convert them to the wire's: Retry(n)
// means n retries after the first attempt (RetryPolicy.max_attempts is
// n+1); Timeout rounds up to whole seconds (the daemon counts timeouts in
// seconds); StopGrace and the health check intervals round up to whole
// milliseconds.
//
// # Lifecycle
//
// HeroProcClient.StartService starts a service (a run tied to it) and
// RestartService restarts it, deleting the old run's jobs unless KeepJobs
// is given; both return a *RunHandle, as RunBuilder.Start does. A RunHandle
// waits for its run (Wait), reports its status (Status), returns all its
// log lines so far (Logs, paging with the cursor) and follows them
// (Follow).
package factory
