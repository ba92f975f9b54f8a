// Command service is hero_proc's golden UX for a service (issue 38, section
// 10), in Go: define the service "api" (prepare, then start, restarted
// whenever it exits), save it, start it, print its status and its first log
// lines. The service keeps running; stop it with hero_proc's CLI or
// services().stop.
//
//	go run ./examples/golden_ux/service [-socket PATH]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"time"

	"github.com/lhumina-code/rules_oschema/factory"
	"github.com/lhumina-code/rules_oschema/proc"
)

func main() {
	socket := flag.String("socket", "", "the daemon's socket (default: $HERO_PROC_SOCKET, then ~/hero/var/sockets/hero_proc/rpc.sock)")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	hp, err := factory.Connect(ctx, factory.WithSocket(*socket))
	check(err)
	defer hp.Close()
	fmt.Println("connected to", hp.Addr())

	_, err = hp.ServiceBuilder("api").
		Description("a tiny service").
		Action("prepare", func(a *factory.Action) {
			a.Script("echo preparing the api")
		}).
		Action("start", func(a *factory.Action) {
			a.Script("echo api up; while true; do echo tick; sleep 1; done").
				DependsOn("prepare").
				RestartAlways()
		}).
		Save(ctx)
	check(err)
	fmt.Println("saved service api")

	run, err := hp.StartService(ctx, "api")
	check(err)
	fmt.Println("started service api: run", run.ID)

	logs := run.Follow(ctx) // the first lines the service wrote
	for n := 0; n < 3 && logs.Next(); {
		e := logs.Entry()
		fmt.Printf("  %s [%s] %s\n", e.Src, e.Stream, e.Content)
		if e.Stream != proc.LogStreamSystem {
			n++
		}
	}
	check(logs.Err())
	logs.Close()

	st, err := hp.Services().Status(ctx, "api")
	check(err)
	fmt.Printf("service api: %s (wanted %s)\n", st.State, st.Wanted)
	for _, j := range st.Jobs {
		fmt.Printf("  %s: %s, attempt %d\n", j.Action, j.Phase, j.Attempt)
	}
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
