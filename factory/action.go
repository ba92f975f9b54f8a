package factory

import (
	"fmt"
	"strings"
	"time"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

// Action configures one action of a service or a run. It is handed to the
// function given to ServiceBuilder.Action or RunBuilder.Action; its setters
// return it, for chaining, and record problems instead of returning errors
// (Spec, Actions, Save and Start report them all).
type Action struct {
	name     string
	script   *string
	command  []string
	hasCmd   bool
	interp   *string
	cwd      *string
	env      map[string]string
	inherit  []string
	secrets  map[string]string
	timeout  *time.Duration
	retry    *int
	delay    *time.Duration
	restart  *heroproc.RestartPolicy
	backoff  *heroproc.BackoffPolicy
	deps     []string
	signal   *string
	grace    *time.Duration
	ready    *heroproc.HealthCheck
	live     *heroproc.HealthCheck
	problems []string
}

func (a *Action) problem(format string, args ...interface{}) {
	a.problems = append(a.problems, fmt.Sprintf(format, args...))
}

// Script sets the script the action runs with its interpreter (default
// "/bin/sh"). An action has exactly one of a script and a command.
func (a *Action) Script(script string) *Action {
	if strings.TrimSpace(script) == "" {
		a.problem("script is empty")
	}
	a.script = &script
	return a
}

// Command sets the action's argv; argv[0] is looked up in PATH. It is not
// split: Command("cargo", "build"), not Command("cargo build"). An action
// has exactly one of a script and a command.
func (a *Action) Command(argv ...string) *Action {
	if len(argv) == 0 {
		a.problem("command is empty")
	} else if argv[0] == "" {
		a.problem("command[0] is empty")
	}
	a.command = append([]string(nil), argv...)
	a.hasCmd = true
	return a
}

// Interpreter sets the program that runs the script (default "/bin/sh").
func (a *Action) Interpreter(path string) *Action {
	if path == "" {
		a.problem("interpreter is empty")
	}
	a.interp = &path
	return a
}

// Cwd sets the directory the action runs in (default: the daemon's data
// directory).
func (a *Action) Cwd(dir string) *Action {
	if dir == "" {
		a.problem("cwd is empty")
	}
	a.cwd = &dir
	return a
}

// Env sets one variable of the child's environment. The child sees exactly
// the variables set with Env, those named with InheritEnv and SecretEnv.
func (a *Action) Env(name, value string) *Action {
	if !validEnvName(name) {
		a.problem("env name %q is invalid", name)
	}
	if a.env == nil {
		a.env = map[string]string{}
	}
	a.env[name] = value
	return a
}

// InheritEnv passes the named variables of the daemon's environment on to
// the child.
func (a *Action) InheritEnv(names ...string) *Action {
	for _, n := range names {
		if !validEnvName(n) {
			a.problem("inherit_env name %q is invalid", n)
		}
	}
	a.inherit = append(a.inherit, names...)
	return a
}

// SecretEnv sets the child's variable to the secret key of the service's
// (or run's) context; its value is masked in the logs.
func (a *Action) SecretEnv(variable, key string) *Action {
	if !validEnvName(variable) {
		a.problem("secret_env name %q is invalid", variable)
	}
	if key == "" {
		a.problem("secret_env %q has an empty secret key", variable)
	}
	if a.secrets == nil {
		a.secrets = map[string]string{}
	}
	a.secrets[variable] = key
	return a
}

// Timeout fails (and kills) the job after d, rounded up to whole seconds.
// d must be positive.
func (a *Action) Timeout(d time.Duration) *Action {
	if d <= 0 {
		a.problem("timeout must be positive, got %v", d)
	}
	a.timeout = &d
	return a
}

// TimeoutSecs is Timeout in seconds; n must be positive.
func (a *Action) TimeoutSecs(n int) *Action {
	return a.Timeout(time.Duration(n) * time.Second)
}

// Retry retries a failed job (non-zero exit or timeout) up to n times
// after its first attempt: Retry(3) is 4 attempts in all.
func (a *Action) Retry(n int) *Action {
	if n < 0 {
		a.problem("retry count must not be negative, got %d", n)
	}
	a.retry = &n
	return a
}

// RetryDelay sets the wait before the first retry (default 1s), doubling
// after; it needs Retry.
func (a *Action) RetryDelay(d time.Duration) *Action {
	if d < 0 {
		a.problem("retry delay must not be negative, got %v", d)
	}
	a.delay = &d
	return a
}

// RestartAlways starts the job again whenever its process exits. For
// services only: in a run it is an error.
func (a *Action) RestartAlways() *Action {
	p := heroproc.RestartPolicyAlways
	a.restart = &p
	return a
}

// RestartOnFailure starts the job again when its process fails. For
// services only: in a run it is an error.
func (a *Action) RestartOnFailure() *Action {
	p := heroproc.RestartPolicyOnFailure
	a.restart = &p
	return a
}

// Backoff sets the delay between restarts: initial, doubling up to max. It
// needs RestartAlways or RestartOnFailure.
func (a *Action) Backoff(initial, max time.Duration) *Action {
	if initial < 0 || max < 0 {
		a.problem("backoff delays must not be negative, got %v and %v", initial, max)
	} else if max < initial {
		a.problem("backoff max %v is less than its initial %v", max, initial)
	}
	if a.backoff == nil {
		a.backoff = &heroproc.BackoffPolicy{}
	}
	a.backoff.InitialMs = millis(initial)
	a.backoff.MaxMs = millis(max)
	return a
}

// MaxRestarts fails the job after n restarts in a row without a stable
// uptime (a crash loop); it needs RestartAlways or RestartOnFailure.
func (a *Action) MaxRestarts(n int) *Action {
	if n <= 0 {
		a.problem("max restarts must be positive, got %d", n)
	}
	if a.backoff == nil {
		a.backoff = &heroproc.BackoffPolicy{}
	}
	u := uint32(0)
	if n > 0 {
		u = uint32(n)
	}
	a.backoff.MaxRestarts = &u
	return a
}

// DependsOn makes the action start only once the named actions of the same
// service or run have succeeded (or, for those that keep running, are
// ready).
func (a *Action) DependsOn(actions ...string) *Action {
	for _, d := range actions {
		if d == "" {
			a.problem("depends on an empty action name")
			continue
		}
		if !contains(a.deps, d) {
			a.deps = append(a.deps, d)
		}
	}
	return a
}

// StopSignal sets the signal that stops the job (default "SIGTERM").
func (a *Action) StopSignal(signal string) *Action {
	if signal == "" {
		a.problem("stop signal is empty")
	}
	a.signal = &signal
	return a
}

// StopGrace sets how long a stopped job may take before SIGKILL (default
// 10s), rounded up to whole milliseconds.
func (a *Action) StopGrace(d time.Duration) *Action {
	if d < 0 {
		a.problem("stop grace must not be negative, got %v", d)
	}
	a.grace = &d
	return a
}

// Ready sets the readiness check: dependents start once it passes.
func (a *Action) Ready(check heroproc.HealthCheck) *Action {
	a.checkHealth("ready", check)
	a.ready = &check
	return a
}

// Live sets the liveness check: failing it check.Failures times in a row
// (default 3) restarts the job.
func (a *Action) Live(check heroproc.HealthCheck) *Action {
	a.checkHealth("live", check)
	a.live = &check
	return a
}

// ReadyTCP is Ready(TCPCheck(addr)).
func (a *Action) ReadyTCP(addr string) *Action { return a.Ready(TCPCheck(addr)) }

// ReadyHTTP is Ready(HTTPCheck(url)).
func (a *Action) ReadyHTTP(url string) *Action { return a.Ready(HTTPCheck(url)) }

// ReadyExec is Ready(ExecCheck(argv...)).
func (a *Action) ReadyExec(argv ...string) *Action { return a.Ready(ExecCheck(argv...)) }

// LiveTCP is Live(TCPCheck(addr)).
func (a *Action) LiveTCP(addr string) *Action { return a.Live(TCPCheck(addr)) }

// LiveHTTP is Live(HTTPCheck(url)).
func (a *Action) LiveHTTP(url string) *Action { return a.Live(HTTPCheck(url)) }

// LiveExec is Live(ExecCheck(argv...)).
func (a *Action) LiveExec(argv ...string) *Action { return a.Live(ExecCheck(argv...)) }

// TCPCheck is a health check that passes when addr ("127.0.0.1:8080")
// accepts a connection.
func TCPCheck(addr string) heroproc.HealthCheck {
	return heroproc.HealthCheck{Kind: heroproc.HealthKindTCP, Address: &addr}
}

// HTTPCheck is a health check that passes when url answers 2xx.
func HTTPCheck(url string) heroproc.HealthCheck {
	return heroproc.HealthCheck{Kind: heroproc.HealthKindHTTP, URL: &url}
}

// ExecCheck is a health check that passes when argv exits 0.
func ExecCheck(argv ...string) heroproc.HealthCheck {
	return heroproc.HealthCheck{Kind: heroproc.HealthKindExec, Command: append([]string(nil), argv...)}
}

func (a *Action) checkHealth(which string, c heroproc.HealthCheck) {
	switch c.Kind {
	case heroproc.HealthKindTCP:
		if c.Address == nil || *c.Address == "" {
			a.problem("%s check: tcp address is empty", which)
		}
	case heroproc.HealthKindHTTP:
		if c.URL == nil || *c.URL == "" {
			a.problem("%s check: http url is empty", which)
		}
	case heroproc.HealthKindExec:
		if len(c.Command) == 0 || c.Command[0] == "" {
			a.problem("%s check: exec command is empty", which)
		}
	default:
		a.problem("%s check: kind %q is not exec, tcp or http", which, string(c.Kind))
	}
}

// spec builds the action's ActionSpec and appends its own problems, not yet
// prefixed with its label, to problems. run is true for a run's action.
func (a *Action) spec(run bool) (heroproc.ActionSpec, []string) {
	problems := append([]string(nil), a.problems...)
	s := heroproc.ActionSpec{Name: a.name}
	switch {
	case a.script != nil && a.hasCmd:
		problems = append(problems, "has both a script and a command (give exactly one)")
	case a.script == nil && !a.hasCmd:
		problems = append(problems, "has neither a script nor a command")
	}
	if a.script != nil {
		s.Script = strp(*a.script)
	}
	if a.hasCmd {
		s.Command = append([]string(nil), a.command...)
	}
	if a.interp != nil {
		if a.hasCmd && a.script == nil {
			problems = append(problems, "has an interpreter but no script (the interpreter runs a script)")
		}
		s.Interpreter = strp(*a.interp)
	}
	if a.cwd != nil {
		s.Cwd = strp(*a.cwd)
	}
	if len(a.env) > 0 {
		s.Env = copyMap(a.env)
	}
	if len(a.inherit) > 0 {
		s.InheritEnv = append([]string(nil), a.inherit...)
	}
	if len(a.secrets) > 0 {
		s.SecretEnv = copyMap(a.secrets)
	}
	if a.timeout != nil && *a.timeout > 0 {
		secs := uint64((*a.timeout + time.Second - 1) / time.Second)
		s.TimeoutSecs = &secs
	}
	if a.retry != nil || a.delay != nil {
		if a.retry == nil {
			problems = append(problems, "has a retry delay but no Retry")
		}
		n := 0
		if a.retry != nil && *a.retry > 0 {
			n = *a.retry
		}
		s.Retry = &heroproc.RetryPolicy{MaxAttempts: uint32(n) + 1}
		if a.delay != nil {
			s.Retry.DelayMs = millis(*a.delay)
		}
	}
	if a.restart != nil {
		if run {
			problems = append(problems, fmt.Sprintf("restart %q is for services only, not runs", string(*a.restart)))
		}
		p := *a.restart
		s.Restart = &p
	}
	if a.backoff != nil {
		if run {
			problems = append(problems, "backoff is for services only, not runs")
		} else if a.restart == nil {
			problems = append(problems, "has a backoff but no restart policy (RestartAlways or RestartOnFailure)")
		}
		b := heroproc.BackoffPolicy{
			InitialMs:      copyU64(a.backoff.InitialMs),
			MaxMs:          copyU64(a.backoff.MaxMs),
			ResetAfterSecs: copyU64(a.backoff.ResetAfterSecs),
		}
		if a.backoff.MaxRestarts != nil {
			n := *a.backoff.MaxRestarts
			b.MaxRestarts = &n
		}
		s.Backoff = &b
	}
	if len(a.deps) > 0 {
		s.DependsOn = append([]string(nil), a.deps...)
	}
	if a.signal != nil {
		s.StopSignal = strp(*a.signal)
	}
	if a.grace != nil {
		s.StopGraceMs = millis(*a.grace)
	}
	if a.ready != nil {
		s.Ready = copyCheck(*a.ready)
	}
	if a.live != nil {
		s.Live = copyCheck(*a.live)
	}
	return s, problems
}

func validEnvName(name string) bool {
	return name != "" && !strings.ContainsAny(name, "=\x00")
}

func millis(d time.Duration) *uint64 {
	if d < 0 {
		d = 0
	}
	ms := uint64((d + time.Millisecond - 1) / time.Millisecond)
	return &ms
}

func strp(s string) *string { return &s }

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func copyCheck(c heroproc.HealthCheck) *heroproc.HealthCheck {
	out := heroproc.HealthCheck{
		Kind:       c.Kind,
		IntervalMs: copyU64(c.IntervalMs),
		TimeoutMs:  copyU64(c.TimeoutMs),
	}
	if len(c.Command) > 0 {
		out.Command = append([]string(nil), c.Command...)
	}
	if c.Address != nil {
		out.Address = strp(*c.Address)
	}
	if c.URL != nil {
		out.URL = strp(*c.URL)
	}
	if c.Failures != nil {
		n := *c.Failures
		out.Failures = &n
	}
	return &out
}

func copyU64(p *uint64) *uint64 {
	if p == nil {
		return nil
	}
	n := *p
	return &n
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
