package factory_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"time"

	"github.com/lhumina-code/rules_oschema/factory"
)

// The seed's service: prepare, then start, restarted whenever it exits.
// Spec shows what Save would put.
func ExampleServiceBuilder() {
	spec, err := factory.NewServiceBuilder("myapp").
		Description("Web service").
		Action("prepare", func(a *factory.Action) {
			a.Script("echo preparing").Cwd("/tmp")
		}).
		Action("start", func(a *factory.Action) {
			a.Command("sleep", "3600").DependsOn("prepare").RestartAlways()
		}).
		Spec()
	if err != nil {
		log.Fatal(err)
	}
	out, _ := json.Marshal(spec)
	fmt.Println(string(out))
	// Output:
	// {"name":"myapp","description":"Web service","actions":[{"name":"prepare","script":"echo preparing","cwd":"/tmp"},{"name":"start","command":["sleep","3600"],"restart":"always","depends_on":["prepare"]}]}
}

// The seed's action options; Retry(3) is three retries, four attempts.
func ExampleAction() {
	actions, err := factory.NewRunBuilder("build-run").
		Action("build", func(a *factory.Action) {
			a.Command("cargo", "build").
				Cwd("/repo").
				Env("RUST_LOG", "info").
				Timeout(10 * time.Minute).
				Retry(3)
		}).
		Actions()
	if err != nil {
		log.Fatal(err)
	}
	out, _ := json.Marshal(actions[0])
	fmt.Println(string(out))
	// Output:
	// {"name":"build","command":["cargo","build"],"cwd":"/repo","env":{"RUST_LOG":"info"},"timeout_secs":600,"retry":{"max_attempts":4}}
}

// Every problem of a builder comes back at once, before the daemon is
// called.
func ExampleRunBuilder() {
	_, err := factory.NewRunBuilder("build-run").
		Action("build", func(a *factory.Action) {
			a.Script("cargo build --release").DependsOn("test")
		}).
		Action("test", func(a *factory.Action) {
			a.Script("cargo test").Command("cargo", "test").DependsOn("build")
		}).
		Action("deploy", func(a *factory.Action) {
			a.Script("./deploy").DependsOn("tset").RestartAlways()
		}).
		Actions()
	fmt.Println(err)
	// Output:
	// invalid run "build-run" (4 problems):
	//   action "test": has both a script and a command (give exactly one)
	//   action "deploy": restart "always" is for services only, not runs
	//   action "deploy": depends on unknown action "tset"
	//   dependency cycle: build -> test -> build
}

// Connect finds the local daemon: WithSocket, $HERO_PROC_SOCKET, then
// ~/hero/var/sockets/hero_proc/rpc.sock. Then a run: start, wait, logs.
func ExampleConnect() {
	ctx := context.Background()
	hp, err := factory.Connect(ctx)
	if err != nil {
		log.Fatal(err) // lists every socket tried and why it failed
	}
	defer hp.Close()

	run, err := hp.RunBuilder("one-shot").
		Action("task", func(a *factory.Action) { a.Script("echo hello") }).
		Start(ctx)
	if err != nil {
		log.Fatal(err)
	}
	done, err := run.Wait(ctx)
	if err != nil {
		log.Fatal(err)
	}
	lines, err := run.Logs(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(done.Phase, len(lines))
}

// A service: save, start, follow its first lines; restart without
// keeping the old jobs (the default) or with KeepJobs.
func ExampleHeroProcClient_RestartService() {
	ctx := context.Background()
	hp, err := factory.Connect(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer hp.Close()

	if _, err := hp.ServiceBuilder("api").
		Action("start", func(a *factory.Action) { a.Script("echo up; exec sleep 3600") }).
		Save(ctx); err != nil {
		log.Fatal(err)
	}
	run, err := hp.StartService(ctx, "api")
	if err != nil {
		log.Fatal(err)
	}
	f := run.Follow(ctx)
	if f.Next() {
		fmt.Println(f.Entry().Content)
	}
	f.Close()
	if _, err := hp.RestartService(ctx, "api", factory.KeepJobs()); err != nil {
		log.Fatal(err)
	}
}
