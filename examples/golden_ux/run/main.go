// Command run is hero_proc's golden UX for an ad-hoc run (issue 38, section
// 10), in Go: start a run of "build" then "test" (test depends on build),
// wait for it, and print each job with its log lines.
//
//	go run ./examples/golden_ux/run [-socket PATH]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"time"

	"github.com/lhumina-code/rules_oschema/factory"
)

func main() {
	socket := flag.String("socket", "", "the daemon's socket (default: $HERO_PROC_SOCKET, then ~/hero/var/sockets/hero_proc/rpc.sock)")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	hp, err := factory.Connect(ctx, factory.WithSocket(*socket))
	check(err)
	defer hp.Close()
	fmt.Println("connected to", hp.Addr())

	run, err := hp.RunBuilder("build-run").
		Action("build", func(a *factory.Action) {
			a.Script("echo compiling; sleep 1; echo built")
		}).
		Action("test", func(a *factory.Action) {
			a.Script("echo testing; echo 2 tests passed").DependsOn("build")
		}).
		Start(ctx)
	check(err)
	fmt.Println("started run", run.ID)

	done, err := run.Wait(ctx)
	check(err)
	fmt.Println("run build-run:", done.Phase)
	for _, job := range done.Jobs {
		fmt.Printf("  %s: %s, attempt %d\n", job.Action, job.Phase, job.Attempt)
		lines, err := hp.JobLogs(ctx, job.ID)
		check(err)
		for _, l := range lines {
			fmt.Printf("    [%s] %s\n", l.Stream, l.Content)
		}
	}
	check(factory.RunError(done))
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
