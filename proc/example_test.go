package proc_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"time"

	"github.com/lhumina-code/rules_oschema/proc"
)

// exampleDaemon serves a new fake daemon on a new socket and returns its
// path and a function that stops it.
func exampleDaemon() (string, func()) {
	dir, cleanup, err := sockDir()
	if err != nil {
		panic(err)
	}
	path := filepath.Join(dir, "rpc.sock")
	srv, err := serveUnix(path, quietHandler(newFake()))
	if err != nil {
		panic(err)
	}
	return path, func() { srv.Close(); cleanup() }
}

func strPtr(s string) *string { return &s }

func Example() {
	socket, stop := exampleDaemon() // e.g. heroproc.DefaultSocketPath
	defer stop()
	ctx := context.Background()

	c, err := proc.DialUnix(socket)
	if err != nil {
		panic(err)
	}
	defer c.Close()

	// An ad-hoc run of two actions; "test" starts once "build" succeeded.
	run, err := c.Runs().Start(ctx, "ci", []proc.ActionSpec{
		{Name: "build", Script: strPtr("echo built")},
		{Name: "test", Script: strPtr("echo 12 tests passed"), DependsOn: []string{"build"}},
	}, "")
	if err != nil {
		panic(err)
	}
	run, err = c.Runs().Wait(ctx, run.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println(run.Name, run.Phase)

	page, err := c.Runs().Logs(ctx, run.ID, 0, 0)
	if err != nil {
		panic(err)
	}
	for _, e := range page.Entries {
		fmt.Printf("%s: %s\n", e.Src, e.Content)
	}
	// Output:
	// ci success
	// ci.build: built
	// ci.test: 12 tests passed
}

func ExampleDialUnix() {
	socket, stop := exampleDaemon()
	defer stop()

	c, err := proc.DialUnix(socket) // no I/O yet
	if err != nil {
		panic(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := c.Ping(ctx); err != nil {
		panic(err)
	}
	v, err := c.System().Version(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(v.Version, "serving API", v.APIVersion)
	// Output: fake-1.0 serving API 1.0.0
}

func ExampleDialHTTP() {
	// A daemon's HTTP endpoint, e.g. "http://127.0.0.1:8700", with a token.
	srv := httptest.NewServer(tokenCheck("s3cret")(quietHandler(newFake())))
	defer srv.Close()
	ctx := context.Background()

	c, err := proc.DialHTTP(srv.URL, proc.WithToken("s3cret"))
	if err != nil {
		panic(err)
	}
	defer c.Close()
	v, err := c.System().Version(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(v.Version)

	anonymous, _ := proc.DialHTTP(srv.URL)
	defer anonymous.Close()
	_, err = anonymous.System().Version(ctx)
	fmt.Println(errors.Is(err, proc.ErrUnauthorized))
	// Output:
	// fake-1.0
	// true
}

func ExampleServices() {
	socket, stop := exampleDaemon()
	defer stop()
	ctx := context.Background()
	c, _ := proc.DialUnix(socket)
	defer c.Close()

	restart := proc.RestartPolicyAlways
	st, err := c.Services().Put(ctx, proc.ServiceSpec{
		Name:    "web",
		Actions: []proc.ActionSpec{{Name: "serve", Script: strPtr("python -m http.server"), Restart: &restart}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(st.Name, st.Wanted, st.State)

	run, err := c.Services().Start(ctx, "web")
	if err != nil {
		panic(err)
	}
	fmt.Println(run.ID, run.Phase, run.Jobs[0].Action)

	st, err = c.Services().Stop(ctx, "web")
	if err != nil {
		panic(err)
	}
	fmt.Println(st.Name, st.Wanted, st.State)
	// Output:
	// web stop inactive
	// run-1 running web.serve
	// web stop exited
}

func ExampleLogs_Follow() {
	socket, stop := exampleDaemon()
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _ := proc.DialUnix(socket)
	defer c.Close()

	run, err := c.Runs().Start(ctx, "job", []proc.ActionSpec{
		{Name: "one", Script: strPtr("echo first")},
		{Name: "two", Script: strPtr("echo second")},
	}, "")
	if err != nil {
		panic(err)
	}

	// Following a run ends once it has finished and every line was
	// delivered; the Follower survives daemon restarts on its own.
	fl := c.Logs().Follow(ctx, proc.LogFilter{RunID: run.ID})
	defer fl.Close()
	for fl.Next() {
		e := fl.Entry()
		fmt.Println(e.Logid, e.Stream, e.Content)
	}
	if err := fl.Err(); err != nil {
		panic(err)
	}
	fmt.Println("cursor", fl.Cursor())
	// Output:
	// 1 stdout first
	// 2 stdout second
	// cursor 2
}

func ExampleSecrets() {
	socket, stop := exampleDaemon()
	defer stop()
	ctx := context.Background()
	c, _ := proc.DialUnix(socket)
	defer c.Close()

	if _, err := c.Secrets().Set(ctx, "prod", "db_password", "hunter2"); err != nil {
		panic(err)
	}
	list, err := c.Secrets().List(ctx, "") // names only, every context
	if err != nil {
		panic(err)
	}
	for _, s := range list {
		fmt.Println(s.Context, s.Key)
	}
	// Output: prod db_password
}

func Example_errors() {
	socket, stop := exampleDaemon()
	defer stop()
	ctx := context.Background()
	c, _ := proc.DialUnix(socket)
	defer c.Close()

	_, err := c.Services().Get(ctx, "nope")
	fmt.Println(errors.Is(err, proc.ErrNotFound))

	gone, _ := proc.DialUnix("/nonexistent/hero_proc.sock")
	err = gone.Ping(ctx)
	var ue *proc.UnavailableError
	fmt.Println(errors.Is(err, proc.ErrUnavailable), errors.As(err, &ue) && ue.Addr == "/nonexistent/hero_proc.sock")
	fmt.Println(err)

	short, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	<-short.Done()
	_, err = c.Runs().Wait(short, "run-1")
	fmt.Println(errors.Is(err, proc.ErrTimeout), errors.Is(err, context.DeadlineExceeded))
	// Output:
	// true
	// true true
	// hero_proc: daemon unavailable at /nonexistent/hero_proc.sock: dial unix /nonexistent/hero_proc.sock: connect: no such file or directory
	// true true
}
