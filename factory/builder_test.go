package factory

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

func echo(a *Action) { a.Command("echo", "hi") }

// TestValidation checks every validation rule and its exact message, for
// services and runs.
func TestValidation(t *testing.T) {
	tests := []struct {
		name     string
		service  func(b *ServiceBuilder) // nil: the case is a run
		run      func(b *RunBuilder)
		svcName  string
		runName  string
		problems []string
	}{
		{
			name:     "empty service name",
			svcName:  " ",
			service:  func(b *ServiceBuilder) { b.Action("a", echo) },
			problems: []string{"service name is empty"},
		},
		{
			name:     "empty run name",
			runName:  "",
			run:      func(b *RunBuilder) { b.Action("a", echo) },
			problems: []string{"run name is empty"},
		},
		{
			name:     "service without actions",
			service:  func(b *ServiceBuilder) {},
			problems: []string{`service "svc" has no actions`},
		},
		{
			name:     "run without actions",
			run:      func(b *RunBuilder) {},
			problems: []string{`run "run" has no actions`},
		},
		{
			name:     "empty action name",
			run:      func(b *RunBuilder) { b.Action("a", echo).Action("", echo) },
			problems: []string{"action #2 has no name"},
		},
		{
			name: "empty action name with a bad option names it by number",
			run:  func(b *RunBuilder) { b.Action("", func(a *Action) { a.Script("x").Cwd("") }) },
			problems: []string{
				"action #1 has no name",
				"action #1: cwd is empty",
			},
		},
		{
			name:     "duplicate action names",
			service:  func(b *ServiceBuilder) { b.Action("build", echo).Action("test", echo).Action("build", echo) },
			problems: []string{`action "build" is defined twice (actions #1 and #3)`},
		},
		{
			name: "unknown dependency",
			run: func(b *RunBuilder) {
				b.Action("build", echo).Action("test", func(a *Action) { echo(a); a.DependsOn("biuld") })
			},
			problems: []string{`action "test": depends on unknown action "biuld"`},
		},
		{
			name: "empty dependency name",
			run: func(b *RunBuilder) {
				b.Action("build", func(a *Action) { echo(a); a.DependsOn("") })
			},
			problems: []string{`action "build": depends on an empty action name`},
		},
		{
			name: "cycle of two",
			run: func(b *RunBuilder) {
				b.Action("build", func(a *Action) { echo(a); a.DependsOn("test") }).
					Action("test", func(a *Action) { echo(a); a.DependsOn("build") })
			},
			problems: []string{"dependency cycle: build -> test -> build"},
		},
		{
			name: "cycle of three after a chain",
			service: func(b *ServiceBuilder) {
				b.Action("prepare", echo).
					Action("a", func(a *Action) { echo(a); a.DependsOn("prepare", "b") }).
					Action("b", func(a *Action) { echo(a); a.DependsOn("c") }).
					Action("c", func(a *Action) { echo(a); a.DependsOn("a") })
			},
			problems: []string{"dependency cycle: a -> b -> c -> a"},
		},
		{
			name:     "self dependency",
			run:      func(b *RunBuilder) { b.Action("loop", func(a *Action) { echo(a); a.DependsOn("loop") }) },
			problems: []string{"dependency cycle: loop -> loop"},
		},
		{
			name:     "script and command",
			run:      func(b *RunBuilder) { b.Action("build", func(a *Action) { a.Script("make").Command("make") }) },
			problems: []string{`action "build": has both a script and a command (give exactly one)`},
		},
		{
			name:     "neither script nor command",
			run:      func(b *RunBuilder) { b.Action("build", func(a *Action) { a.Cwd("/tmp") }) },
			problems: []string{`action "build": has neither a script nor a command`},
		},
		{
			name:     "nil func",
			service:  func(b *ServiceBuilder) { b.Action("start", nil) },
			problems: []string{`action "start": has neither a script nor a command`},
		},
		{
			name:     "empty script",
			run:      func(b *RunBuilder) { b.Action("build", func(a *Action) { a.Script("  ") }) },
			problems: []string{`action "build": script is empty`},
		},
		{
			name:     "empty command",
			run:      func(b *RunBuilder) { b.Action("build", func(a *Action) { a.Command() }) },
			problems: []string{`action "build": command is empty`},
		},
		{
			name:     "empty argv[0]",
			run:      func(b *RunBuilder) { b.Action("build", func(a *Action) { a.Command("", "x") }) },
			problems: []string{`action "build": command[0] is empty`},
		},
		{
			name:     "interpreter with a command",
			run:      func(b *RunBuilder) { b.Action("build", func(a *Action) { a.Command("make").Interpreter("/bin/bash") }) },
			problems: []string{`action "build": has an interpreter but no script (the interpreter runs a script)`},
		},
		{
			name:     "empty interpreter",
			run:      func(b *RunBuilder) { b.Action("build", func(a *Action) { a.Script("make").Interpreter("") }) },
			problems: []string{`action "build": interpreter is empty`},
		},
		{
			name:     "restart always in a run",
			run:      func(b *RunBuilder) { b.Action("serve", func(a *Action) { echo(a); a.RestartAlways() }) },
			problems: []string{`action "serve": restart "always" is for services only, not runs`},
		},
		{
			name:     "restart on failure in a run",
			run:      func(b *RunBuilder) { b.Action("serve", func(a *Action) { echo(a); a.RestartOnFailure() }) },
			problems: []string{`action "serve": restart "on_failure" is for services only, not runs`},
		},
		{
			name: "backoff in a run",
			run: func(b *RunBuilder) {
				b.Action("serve", func(a *Action) { echo(a); a.Backoff(time.Second, time.Minute) })
			},
			problems: []string{`action "serve": backoff is for services only, not runs`},
		},
		{
			name: "backoff without restart",
			service: func(b *ServiceBuilder) {
				b.Action("serve", func(a *Action) { echo(a); a.Backoff(time.Second, time.Minute) })
			},
			problems: []string{`action "serve": has a backoff but no restart policy (RestartAlways or RestartOnFailure)`},
		},
		{
			name: "backoff max below initial",
			service: func(b *ServiceBuilder) {
				b.Action("serve", func(a *Action) { echo(a); a.RestartAlways().Backoff(time.Minute, time.Second) })
			},
			problems: []string{`action "serve": backoff max 1s is less than its initial 1m0s`},
		},
		{
			name: "max restarts zero",
			service: func(b *ServiceBuilder) {
				b.Action("serve", func(a *Action) { echo(a); a.RestartAlways().MaxRestarts(0) })
			},
			problems: []string{`action "serve": max restarts must be positive, got 0`},
		},
		{
			name:     "zero timeout",
			run:      func(b *RunBuilder) { b.Action("build", func(a *Action) { echo(a); a.Timeout(0) }) },
			problems: []string{`action "build": timeout must be positive, got 0s`},
		},
		{
			name:     "negative timeout",
			run:      func(b *RunBuilder) { b.Action("build", func(a *Action) { echo(a); a.Timeout(-time.Second) }) },
			problems: []string{`action "build": timeout must be positive, got -1s`},
		},
		{
			name:     "zero timeout secs",
			run:      func(b *RunBuilder) { b.Action("build", func(a *Action) { echo(a); a.TimeoutSecs(0) }) },
			problems: []string{`action "build": timeout must be positive, got 0s`},
		},
		{
			name:     "negative timeout secs",
			run:      func(b *RunBuilder) { b.Action("build", func(a *Action) { echo(a); a.TimeoutSecs(-600) }) },
			problems: []string{`action "build": timeout must be positive, got -10m0s`},
		},
		{
			name:     "negative retry",
			run:      func(b *RunBuilder) { b.Action("build", func(a *Action) { echo(a); a.Retry(-1) }) },
			problems: []string{`action "build": retry count must not be negative, got -1`},
		},
		{
			name:     "retry delay without retry",
			run:      func(b *RunBuilder) { b.Action("build", func(a *Action) { echo(a); a.RetryDelay(time.Second) }) },
			problems: []string{`action "build": has a retry delay but no Retry`},
		},
		{
			name: "negative retry delay",
			run: func(b *RunBuilder) {
				b.Action("build", func(a *Action) { echo(a); a.Retry(1).RetryDelay(-time.Second) })
			},
			problems: []string{`action "build": retry delay must not be negative, got -1s`},
		},
		{
			name: "bad env names",
			run: func(b *RunBuilder) {
				b.Action("build", func(a *Action) {
					echo(a)
					a.Env("", "x").Env("A=B", "x").InheritEnv("PATH", "").SecretEnv("", "k").SecretEnv("TOKEN", "")
				})
			},
			problems: []string{
				`action "build": env name "" is invalid`,
				`action "build": env name "A=B" is invalid`,
				`action "build": inherit_env name "" is invalid`,
				`action "build": secret_env name "" is invalid`,
				`action "build": secret_env "TOKEN" has an empty secret key`,
			},
		},
		{
			name:     "empty cwd",
			run:      func(b *RunBuilder) { b.Action("build", func(a *Action) { echo(a); a.Cwd("") }) },
			problems: []string{`action "build": cwd is empty`},
		},
		{
			name: "stop signal and grace",
			service: func(b *ServiceBuilder) {
				b.Action("serve", func(a *Action) { echo(a); a.StopSignal("").StopGrace(-time.Millisecond) })
			},
			problems: []string{
				`action "serve": stop signal is empty`,
				`action "serve": stop grace must not be negative, got -1ms`,
			},
		},
		{
			name: "empty health checks",
			service: func(b *ServiceBuilder) {
				b.Action("serve", func(a *Action) {
					echo(a)
					a.ReadyTCP("").ReadyHTTP("").ReadyExec().LiveTCP("").LiveHTTP("").LiveExec("")
					a.Live(heroproc.HealthCheck{Kind: "grpc"})
				})
			},
			problems: []string{
				`action "serve": ready check: tcp address is empty`,
				`action "serve": ready check: http url is empty`,
				`action "serve": ready check: exec command is empty`,
				`action "serve": live check: tcp address is empty`,
				`action "serve": live check: http url is empty`,
				`action "serve": live check: exec command is empty`,
				`action "serve": live check: kind "grpc" is not exec, tcp or http`,
			},
		},
		{
			name: "service options",
			service: func(b *ServiceBuilder) {
				b.Context("").Class("root").Wanted("maybe").DependsOn("", "svc", "db").Tags("web", "").Action("a", echo)
			},
			problems: []string{
				"context is empty",
				`class "root" is not user or system`,
				`wanted state "maybe" is not start, stop or ignore`,
				"depends on an empty service name",
				`service "svc" depends on itself`,
				"tag is empty",
			},
		},
		{
			name:     "run context",
			run:      func(b *RunBuilder) { b.Context("").Action("a", echo) },
			problems: []string{"context is empty"},
		},
		{
			name: "every problem at once, in order",
			service: func(b *ServiceBuilder) {
				b.Action("prepare", func(a *Action) { a.Script("setup").Command("setup").Timeout(0) }).
					Action("start", func(a *Action) { a.DependsOn("prepare", "missing", "start") }).
					Action("prepare", echo)
			},
			problems: []string{
				`action "prepare" is defined twice (actions #1 and #3)`,
				`action "prepare": timeout must be positive, got 0s`,
				`action "prepare": has both a script and a command (give exactly one)`,
				`action "start": has neither a script nor a command`,
				`action "start": depends on unknown action "missing"`,
				"dependency cycle: start -> start",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			var what string
			if tt.service != nil {
				name := tt.svcName
				if name == "" {
					name = "svc"
				}
				b := NewServiceBuilder(name)
				tt.service(b)
				_, err = b.Spec()
				what = `service "` + name + `"`
				_, saveErr := b.Save(context.Background())
				assert.Equal(t, err, saveErr, "Save reports what Spec does, before needing a client")
			} else {
				name := tt.runName
				if name == "" && tt.name != "empty run name" {
					name = "run"
				}
				b := NewRunBuilder(name)
				tt.run(b)
				_, err = b.Actions()
				what = `run "` + name + `"`
				_, startErr := b.Start(context.Background())
				assert.Equal(t, err, startErr, "Start reports what Actions does, before needing a client")
			}
			require.Error(t, err)
			var verr *ValidationError
			require.True(t, errors.As(err, &verr), "%T", err)
			assert.Equal(t, tt.problems, verr.Problems)
			assert.Equal(t, what, verr.What)
			want := "invalid " + what + " ("
			if len(tt.problems) == 1 {
				want += "1 problem):"
			} else {
				want += itoa(len(tt.problems)) + " problems):"
			}
			for _, p := range tt.problems {
				want += "\n  " + p
			}
			assert.Equal(t, want, err.Error())
		})
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func TestValidationErrorMessage(t *testing.T) {
	_, err := NewRunBuilder("ci").
		Action("build", func(a *Action) { a.Command("make").DependsOn("test") }).
		Action("test", func(a *Action) { a.Command("make", "test").DependsOn("build").RestartAlways() }).
		Actions()
	require.EqualError(t, err, `invalid run "ci" (2 problems):
  action "test": restart "always" is for services only, not runs
  dependency cycle: build -> test -> build`)
}

// TestServiceSpec checks that every option lands in the spec, with the
// wire's units.
func TestServiceSpec(t *testing.T) {
	spec, err := NewServiceBuilder("myapp").
		Description("Web service").
		Context("prod").
		Class(heroproc.ServiceClassSystem).
		Wanted(heroproc.WantedStateStart).
		DependsOn("db", "cache", "db").
		Tags("web", "web", "api").
		Action("prepare", func(a *Action) {
			a.Script("python setup.py").Interpreter("/bin/bash").Cwd("/srv/myapp")
		}).
		Action("start", func(a *Action) {
			a.Command("python", "app.py").
				DependsOn("prepare", "prepare").
				Env("PORT", "8080").
				InheritEnv("PATH", "HOME").
				SecretEnv("TOKEN", "api_token").
				Timeout(1500*time.Millisecond).
				Retry(3).RetryDelay(250*time.Millisecond).
				RestartAlways().Backoff(100*time.Millisecond, 2*time.Second).MaxRestarts(5).
				StopSignal("SIGINT").StopGrace(1500 * time.Microsecond).
				ReadyTCP("127.0.0.1:8080").
				LiveHTTP("http://127.0.0.1:8080/health")
		}).
		Spec()
	require.NoError(t, err)

	u64 := func(n uint64) *uint64 { return &n }
	u32 := func(n uint32) *uint32 { return &n }
	always := heroproc.RestartPolicyAlways
	class := heroproc.ServiceClassSystem
	wanted := heroproc.WantedStateStart
	want := heroproc.ServiceSpec{
		Name:        "myapp",
		Description: strp("Web service"),
		Class:       &class,
		Context:     strp("prod"),
		DependsOn:   []string{"db", "cache"},
		Tags:        []string{"web", "api"},
		Wanted:      &wanted,
		Actions: []heroproc.ActionSpec{
			{Name: "prepare", Script: strp("python setup.py"), Interpreter: strp("/bin/bash"), Cwd: strp("/srv/myapp")},
			{
				Name:        "start",
				Command:     []string{"python", "app.py"},
				DependsOn:   []string{"prepare"},
				Env:         map[string]string{"PORT": "8080"},
				InheritEnv:  []string{"PATH", "HOME"},
				SecretEnv:   map[string]string{"TOKEN": "api_token"},
				TimeoutSecs: u64(2),
				Retry:       &heroproc.RetryPolicy{MaxAttempts: 4, DelayMs: u64(250)},
				Restart:     &always,
				Backoff:     &heroproc.BackoffPolicy{InitialMs: u64(100), MaxMs: u64(2000), MaxRestarts: u32(5)},
				StopSignal:  strp("SIGINT"),
				StopGraceMs: u64(2),
				Ready:       &heroproc.HealthCheck{Kind: heroproc.HealthKindTCP, Address: strp("127.0.0.1:8080")},
				Live:        &heroproc.HealthCheck{Kind: heroproc.HealthKindHTTP, URL: strp("http://127.0.0.1:8080/health")},
			},
		},
	}
	assert.Equal(t, want, spec)
}

func TestRunActions(t *testing.T) {
	b := NewRunBuilder("build-run").
		Action("build", func(a *Action) { a.Script("cargo build --release").TimeoutSecs(600).Retry(0) }).
		Action("test", func(a *Action) { a.Script("cargo test").DependsOn("build").ReadyExec("true") })
	actions, err := b.Actions()
	require.NoError(t, err)
	u64 := func(n uint64) *uint64 { return &n }
	assert.Equal(t, []heroproc.ActionSpec{
		{Name: "build", Script: strp("cargo build --release"), TimeoutSecs: u64(600), Retry: &heroproc.RetryPolicy{MaxAttempts: 1}},
		{Name: "test", Script: strp("cargo test"), DependsOn: []string{"build"}, Ready: &heroproc.HealthCheck{Kind: heroproc.HealthKindExec, Command: []string{"true"}}},
	}, actions)

	// The specs are copies: changing them does not change the builder.
	actions[1].DependsOn[0] = "x"
	*actions[0].Script = "rm -rf /"
	again, err := b.Actions()
	require.NoError(t, err)
	assert.Equal(t, "build", again[1].DependsOn[0])
	assert.Equal(t, "cargo build --release", *again[0].Script)
}

// TestNilSafety: nothing panics, everything without a client says so.
func TestNilSafety(t *testing.T) {
	ctx := context.Background()
	var c *HeroProcClient
	assert.NotPanics(t, func() {
		_, err := c.ServiceBuilder("api").Action("start", echo).Save(ctx)
		assert.ErrorIs(t, err, errNoClient)
		_, err = c.RunBuilder("r").Action("a", echo).Start(ctx)
		assert.ErrorIs(t, err, errNoClient)
		_, err = c.StartService(ctx, "api")
		assert.ErrorIs(t, err, errNoClient)
		_, err = c.RestartService(ctx, "api", KeepJobs(), nil)
		assert.ErrorIs(t, err, errNoClient)
		_, err = c.StopService(ctx, "api")
		assert.ErrorIs(t, err, errNoClient)
		_, err = c.JobLogs(ctx, "j")
		assert.ErrorIs(t, err, errNoClient)
		assert.NoError(t, c.Close())

		var sb *ServiceBuilder
		_, err = sb.Description("d").Context("c").Class("user").Wanted("start").DependsOn("x").Tags("t").Action("a", echo).Spec()
		assert.Error(t, err)
		var rb *RunBuilder
		_, err = rb.Context("c").Action("a", echo).Actions()
		assert.Error(t, err)

		var h *RunHandle
		_, err = h.Wait(ctx)
		assert.ErrorIs(t, err, errNoClient)
		_, err = h.Status(ctx)
		assert.ErrorIs(t, err, errNoClient)
		_, err = h.Get(ctx)
		assert.ErrorIs(t, err, errNoClient)
		_, err = h.Cancel(ctx)
		assert.ErrorIs(t, err, errNoClient)
		_, err = h.Logs(ctx)
		assert.ErrorIs(t, err, errNoClient)
		f := h.Follow(ctx)
		assert.False(t, f.Next())
		assert.ErrorIs(t, f.Err(), errNoClient)
		assert.NoError(t, f.Close())

		_, err = NewServiceBuilder("a").Action("a", echo).Save(ctx)
		assert.ErrorIs(t, err, errNoClient)
		_, err = c.Run("id").Status(ctx)
		assert.ErrorIs(t, err, errNoClient)
	})
}

func TestRunError(t *testing.T) {
	code := int32(2)
	msg := "exit status 2"
	run := heroproc.Run{ID: "r1", Name: "ci", Phase: heroproc.RunPhaseFailed, Jobs: []heroproc.Job{
		{Action: "ci.build", Phase: heroproc.JobPhaseSuccess},
		{Action: "ci.test", Phase: heroproc.JobPhaseFailed, ExitCode: &code, Error: &msg},
		{Action: "ci.deploy", Phase: heroproc.JobPhaseSkipped},
	}}
	assert.EqualError(t, RunError(run), `run "ci" (r1) failed
  ci.test: failed, exit code 2: exit status 2
  ci.deploy: skipped`)
	run.Phase = heroproc.RunPhaseSuccess
	assert.NoError(t, RunError(run))
}
