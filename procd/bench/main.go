// Command bench measures hero_procd against baselines measured in the same
// run, alternating, so that a loaded machine slows both sides alike:
//
//  1. system.version calls per second and p50/p99 latency over the Unix
//     socket and over HTTP, sequential and with concurrent clients, against
//     a bare JSON-RPC echo handler (net/http, fixed result) served by this
//     process, and against the generated heroproc.Handler with a stub
//     Server (which separates the generated code's cost from the daemon's);
//  2. run.start to run finished (run.wait) and run.start to the job's first
//     instruction, against os/exec directly and against the shim alone;
//  3. log lines stored per second: a job printing N lines, until all N are
//     paged out of logs.query, against the same command writing to
//     /dev/null;
//  4. the daemon's idle RSS and CPU: empty, with S services defined (not
//     started), and with J running `sleep 1000` jobs;
//  5. the per-job helper's cost: RSS and PSS of the shims per job, and the
//     start latency of item 2.
//
// It prints progress on stderr and a markdown report on stdout. Every
// process it starts is recorded in WORK/pids ("pid starttime") and every
// job marker in WORK/instances, so that tools/bench-procd can kill what a
// crashed run left behind; normally this program cleans up itself.
//
//	bench -bin HERO_PROCD -work DIR [flags]
//	bench stamp FILE     (the job of item 2: writes the time it started)
//
// tools/bench-procd builds hero_procd and this command and runs it.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
	"github.com/lhumina-code/rules_oschema/procd/procinfo"
	"github.com/lhumina-code/rules_oschema/procd/shim"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == "stamp" {
		// As early as a Go program can: the runtime's start-up is the same
		// on every path this is started through.
		now := time.Now().UnixNano()
		if err := os.WriteFile(os.Args[2], []byte(strconv.FormatInt(now, 10)), 0o600); err != nil {
			os.Exit(1)
		}
		return
	}
	b := &bench{}
	flag.StringVar(&b.bin, "bin", "", "the hero_procd binary (required)")
	flag.StringVar(&b.work, "work", "", "working directory: sockets, data directories, pid lists (required)")
	flag.IntVar(&b.calls, "calls", 3000, "system.version calls per target and mode")
	flag.IntVar(&b.conc, "conc", 8, "concurrent clients of the concurrent mode")
	flag.IntVar(&b.runs, "runs", 50, "runs of each start-latency variant")
	flag.IntVar(&b.lines, "lines", 200000, "lines the log job prints")
	flag.IntVar(&b.logReps, "log-reps", 2, "repetitions of the log benchmark")
	flag.IntVar(&b.services, "services", 500, "services defined for the idle measurement")
	flag.IntVar(&b.jobs, "jobs", 50, "running sleep jobs for the idle measurement")
	flag.DurationVar(&b.idle, "idle", 10*time.Second, "idle window")
	flag.Parse()
	if b.bin == "" || b.work == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: bench -bin HERO_PROCD -work DIR [flags]  (see -h)")
		os.Exit(2)
	}
	if b.conc < 1 || b.calls < b.conc || b.runs < 1 || b.lines < 1 || b.logReps < 1 || b.jobs < 0 || b.services < 0 {
		fmt.Fprintln(os.Stderr, "bench: -calls must be >= -conc >= 1; -runs, -lines, -log-reps >= 1")
		os.Exit(2)
	}
	self, err := os.Executable()
	if err != nil {
		fatal(err)
	}
	b.self = self
	if err := b.main(); err != nil {
		b.cleanupAll()
		fatal(err)
	}
	b.cleanupAll()
	os.Stdout.WriteString(b.report.String())
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

func logf(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "  "+format+"\n", args...)
}

type bench struct {
	bin, work, self string
	calls, conc     int
	runs            int
	lines, logReps  int
	services, jobs  int
	idle            time.Duration

	daemons []*daemon
	direct  []*exec.Cmd // processes started without the daemon, killed at the end
	report  bytes.Buffer
	mu      sync.Mutex
	// startShim is the p50 to-exec latency over os/exec of the shim alone
	// and of the daemon (item 2), for item 5.
	startShim [2]time.Duration
}

func (b *bench) printf(format string, args ...interface{}) {
	fmt.Fprintf(&b.report, format, args...)
}

func (b *bench) main() error {
	if err := os.MkdirAll(b.work, 0o700); err != nil {
		return err
	}
	var load [3]string
	copy(load[:], strings.Fields(readString("/proc/loadavg")))
	b.printf("Machine: %d cores, load average %s %s %s at the start; %s.\n", nprocs(), load[0], load[1], load[2], kernel())
	b.printf("Daemon and baselines measured in the same run, alternating in blocks; ratios are daemon / baseline.\n\n")

	fmt.Fprintln(os.Stderr, "bench: starting hero_procd A (API, start latency, logs)")
	d, err := b.startDaemon("a", true)
	if err != nil {
		return err
	}
	if err := b.benchAPI(d); err != nil {
		return err
	}
	if err := b.benchStart(d); err != nil {
		return err
	}
	if err := b.benchLogs(d); err != nil {
		return err
	}
	b.stopDaemon(d)

	fmt.Fprintln(os.Stderr, "bench: starting hero_procd B (idle cost, per-job helper)")
	d, err = b.startDaemon("b", false)
	if err != nil {
		return err
	}
	if err := b.benchIdle(d); err != nil {
		return err
	}
	b.stopDaemon(d)
	return nil
}

// ---------------------------------------------------------------- daemon

type daemon struct {
	name, dir, socket, data string
	httpAddr, token         string
	cmd                     *exec.Cmd
	pid                     int
	exited                  chan struct{}
	instance                string
	unix, http              *heroproc.Client
}

func (b *bench) record(file, line string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f, err := os.OpenFile(filepath.Join(b.work, file), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return
	}
	fmt.Fprintln(f, line)
	f.Close()
}

func (b *bench) recordPid(pid int) {
	st, _ := procinfo.StartTime(pid)
	b.record("pids", fmt.Sprintf("%d %d", pid, st))
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	l.Close()
	return addr, nil
}

func httpClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxIdleConns: 64}}
}

func (b *bench) startDaemon(name string, withHTTP bool) (*daemon, error) {
	d := &daemon{name: name, dir: filepath.Join(b.work, name)}
	d.socket = filepath.Join(d.dir, "rpc.sock")
	d.data = filepath.Join(d.dir, "data")
	if err := os.MkdirAll(d.dir, 0o700); err != nil {
		return nil, err
	}
	args := []string{"--socket", d.socket, "--data", d.data}
	if withHTTP {
		addr, err := freePort()
		if err != nil {
			return nil, err
		}
		d.httpAddr = addr
		args = append(args, "--http", addr)
	}
	logFile, err := os.Create(filepath.Join(d.dir, "daemon.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(b.bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Not in our process group: a ^C of the script reaches the daemon
	// only through our cleanup (SIGTERM), which then also stops its jobs.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	logFile.Close()
	d.cmd, d.pid = cmd, cmd.Process.Pid
	b.recordPid(d.pid)
	d.exited = make(chan struct{})
	go func() { _ = cmd.Wait(); close(d.exited) }()
	b.daemons = append(b.daemons, d)
	d.unix = heroproc.Dial(d.socket)
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := d.unix.SystemHealth(ctx)
		cancel()
		if err == nil {
			break
		}
		select {
		case <-d.exited:
			return nil, fmt.Errorf("hero_procd exited at start: %s", readString(filepath.Join(d.dir, "daemon.log")))
		default:
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("hero_procd did not answer within 20s: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	d.instance = strings.TrimSpace(readString(filepath.Join(d.data, "instance")))
	if d.instance == "" {
		return nil, errors.New("hero_procd wrote no DATA/instance")
	}
	b.record("instances", d.instance)
	if withHTTP {
		d.token = strings.TrimSpace(readString(filepath.Join(d.data, "http.token")))
		if d.token == "" {
			return nil, errors.New("hero_procd wrote no DATA/http.token")
		}
		d.http = heroproc.NewClient(heroproc.NewHTTPTransport("http://"+d.httpAddr+"/rpc",
			heroproc.WithHTTPClient(httpClient()), heroproc.WithHeader("Authorization", "Bearer "+d.token)))
	}
	logf("hero_procd %s: pid %d, socket %s, instance %s", name, d.pid, d.socket, d.instance)
	return d, nil
}

func (d *daemon) running() bool {
	select {
	case <-d.exited:
		return false
	default:
		return true
	}
}

// stopDaemon stops d with SIGTERM (it stops its jobs), SIGKILL after 30s,
// then kills by pid whatever still carries its marker.
func (b *bench) stopDaemon(d *daemon) time.Duration {
	t0 := time.Now()
	if d.running() {
		_ = d.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-d.exited:
		case <-time.After(30 * time.Second):
			logf("hero_procd %s did not stop within 30s of SIGTERM: SIGKILL", d.name)
			_ = d.cmd.Process.Kill()
			<-d.exited
		}
	}
	took := time.Since(t0)
	killMarked(d.instance)
	return took
}

// killMarked kills, by pid checked against its start time, every process
// carrying HERO_PROC_INSTANCE=instance.
func killMarked(instance string) {
	if instance == "" {
		return
	}
	for i := 0; i < 100; i++ {
		left := procinfo.FindMarked(instance)
		if len(left) == 0 {
			return
		}
		for _, m := range left {
			shim.KillExact(m.Pid, m.Start, syscall.SIGKILL)
		}
		time.Sleep(20 * time.Millisecond)
	}
	logf("processes with marker %s still alive after cleanup: %v", instance, procinfo.FindMarked(instance))
}

func (b *bench) cleanupAll() {
	for _, d := range b.daemons {
		b.stopDaemon(d)
	}
	b.killDirect()
}

func (b *bench) killDirect() {
	for _, c := range b.direct {
		if c.Process != nil && c.ProcessState == nil {
			_ = c.Process.Kill()
			_ = c.Wait()
		}
	}
	b.direct = nil
}

// ---------------------------------------------------------------- stats

type sample []time.Duration

func (s sample) pct(p float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	c := append(sample(nil), s...)
	sort.Slice(c, func(i, j int) bool { return c[i] < c[j] })
	i := int(p/100*float64(len(c))+0.5) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(c) {
		i = len(c) - 1
	}
	return c[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f", float64(d)/1e6) }

func ratio(a, b float64) string {
	if b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", a/b)
}

// ---------------------------------------------------------------- 1. API

// echoResult is a JSON-RPC response with a fixed result, written around
// the request's id.
type echoHandler struct{ pre, post []byte }

func newEchoHandler(result []byte) *echoHandler {
	return &echoHandler{pre: []byte(`{"jsonrpc":"2.0","result":` + string(result) + `,"id":`), post: []byte("}\n")}
}

func (h *echoHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req struct {
		ID json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(body, &req); err != nil || len(req.ID) == 0 {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	out := make([]byte, 0, len(h.pre)+len(req.ID)+len(h.post))
	out = append(append(append(out, h.pre...), req.ID...), h.post...)
	_, _ = w.Write(out)
}

// stubServer is the generated handler's Server with only system.version.
type stubServer struct {
	heroproc.Server
	v heroproc.VersionInfo
}

func (s stubServer) SystemVersion(ctx context.Context) (heroproc.VersionInfo, error) { return s.v, nil }

type target struct {
	name string
	c    *heroproc.Client
	seq  sample
	conc sample
	// wall time of the measured blocks
	seqWall, concWall time.Duration
	seqN, concN       int
}

func serve(l net.Listener, h http.Handler) *http.Server {
	s := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.Serve(l) }()
	return s
}

func (b *bench) benchAPI(d *daemon) error {
	fmt.Fprintf(os.Stderr, "bench: 1. system.version: %d calls sequential and %d with %d clients, per target\n", b.calls, b.calls, b.conc)
	ctx := context.Background()
	v, err := d.unix.SystemVersion(ctx)
	if err != nil {
		return err
	}
	result, err := json.Marshal(v)
	if err != nil {
		return err
	}
	echo := newEchoHandler(result)
	var servers []*http.Server
	defer func() {
		for _, s := range servers {
			s.Close()
		}
	}()
	listenUnix := func(name string, h http.Handler) (string, error) {
		p := filepath.Join(b.work, name)
		l, err := net.Listen("unix", p)
		if err != nil {
			return "", err
		}
		servers = append(servers, serve(l, h))
		return p, nil
	}
	echoSock, err := listenUnix("echo.sock", echo)
	if err != nil {
		return err
	}
	genSock, err := listenUnix("gen.sock", heroproc.NewHandler(stubServer{v: v}))
	if err != nil {
		return err
	}
	tl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	servers = append(servers, serve(tl, echo))
	echoHTTP := heroproc.NewClient(heroproc.NewHTTPTransport("http://"+tl.Addr().String()+"/rpc",
		heroproc.WithHTTPClient(httpClient()), heroproc.WithHeader("Authorization", "Bearer "+d.token)))

	unixT := []*target{
		{name: "hero_procd, Unix socket", c: d.unix},
		{name: "echo handler, Unix socket", c: heroproc.Dial(echoSock)},
		{name: "generated handler + stub, Unix socket", c: heroproc.Dial(genSock)},
	}
	httpT := []*target{
		{name: "hero_procd, HTTP + bearer token", c: d.http},
		{name: "echo handler, HTTP", c: echoHTTP},
	}
	all := append(append([]*target(nil), unixT...), httpT...)
	// Warm up: connections, the daemon's caches, the CPU governor.
	for _, t := range all {
		for i := 0; i < 200; i++ {
			if _, err := t.c.SystemVersion(ctx); err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
		}
	}
	const rounds = 6
	for r := 0; r < rounds; r++ {
		for k := range all {
			t := all[(k+r)%len(all)]
			n := b.calls / rounds
			t0 := time.Now()
			for i := 0; i < n; i++ {
				c0 := time.Now()
				if _, err := t.c.SystemVersion(ctx); err != nil {
					return fmt.Errorf("%s: %w", t.name, err)
				}
				t.seq = append(t.seq, time.Since(c0))
			}
			t.seqWall += time.Since(t0)
			t.seqN += n
		}
		for k := range all {
			t := all[(k+r)%len(all)]
			per := b.calls / rounds / b.conc
			if per < 1 {
				per = 1
			}
			lat := make([]sample, b.conc)
			errs := make([]error, b.conc)
			var wg sync.WaitGroup
			t0 := time.Now()
			for g := 0; g < b.conc; g++ {
				wg.Add(1)
				go func(g int) {
					defer wg.Done()
					for i := 0; i < per; i++ {
						c0 := time.Now()
						if _, err := t.c.SystemVersion(ctx); err != nil {
							errs[g] = err
							return
						}
						lat[g] = append(lat[g], time.Since(c0))
					}
				}(g)
			}
			wg.Wait()
			t.concWall += time.Since(t0)
			t.concN += per * b.conc
			for g := range lat {
				if errs[g] != nil {
					return fmt.Errorf("%s: %w", t.name, errs[g])
				}
				t.conc = append(t.conc, lat[g]...)
			}
		}
	}
	rate := func(n int, wall time.Duration) float64 { return float64(n) / wall.Seconds() }
	b.printf("### 1. API: `system.version`\n\n")
	b.printf("%d sequential calls and %d calls from %d concurrent clients per target, in %d alternating blocks; the echo handler (net/http returning a fixed JSON-RPC result) and the generated `heroproc.NewHandler` with a stub Server run in the benchmark process, which is also the client.\n\n", b.calls, b.calls, b.conc, rounds)
	b.printf("| target | seq calls/s | seq p50 (ms) | seq p99 (ms) | %d clients calls/s | p50 (ms) | p99 (ms) |\n", b.conc)
	b.printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	row := func(t *target) {
		b.printf("| %s | %.0f | %s | %s | %.0f | %s | %s |\n", t.name, rate(t.seqN, t.seqWall), ms(t.seq.pct(50)), ms(t.seq.pct(99)),
			rate(t.concN, t.concWall), ms(t.conc.pct(50)), ms(t.conc.pct(99)))
	}
	ratioRow := func(name string, a, e *target) {
		b.printf("| **ratio %s** | %s | %s | %s | %s | %s | %s |\n", name,
			ratio(rate(a.seqN, a.seqWall), rate(e.seqN, e.seqWall)), ratio(float64(a.seq.pct(50)), float64(e.seq.pct(50))), ratio(float64(a.seq.pct(99)), float64(e.seq.pct(99))),
			ratio(rate(a.concN, a.concWall), rate(e.concN, e.concWall)), ratio(float64(a.conc.pct(50)), float64(e.conc.pct(50))), ratio(float64(a.conc.pct(99)), float64(e.conc.pct(99))))
	}
	for _, t := range unixT {
		row(t)
	}
	ratioRow("daemon / echo (Unix)", unixT[0], unixT[1])
	ratioRow("generated stub / echo (Unix)", unixT[2], unixT[1])
	for _, t := range httpT {
		row(t)
	}
	ratioRow("daemon / echo (HTTP)", httpT[0], httpT[1])
	b.printf("\n")
	return nil
}

// ---------------------------------------------------------------- 2. start

type variant struct {
	name  string
	run   func(i int) (total, toExec, startCall time.Duration, err error)
	total sample
	exec  sample
	call  sample
}

func (b *bench) readStamp(file string, t0 time.Time) (time.Duration, error) {
	s := strings.TrimSpace(readString(file))
	ns, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("stamp %s: %q", file, s)
	}
	os.Remove(file)
	return time.Duration(ns - t0.UnixNano()), nil
}

func (b *bench) benchStart(d *daemon) error {
	fmt.Fprintf(os.Stderr, "bench: 2. start latency: %d runs of each variant, alternating\n", b.runs)
	ctx := context.Background()
	stamps := filepath.Join(b.work, "stamps")
	if err := os.MkdirAll(stamps, 0o700); err != nil {
		return err
	}
	daemonRun := func(argv []string) (time.Duration, time.Duration, error) {
		t0 := time.Now()
		r, err := d.unix.RunStart(ctx, heroproc.RunStartInput{Name: "bench", Actions: []heroproc.ActionSpec{{Name: "a", Command: argv}}})
		if err != nil {
			return 0, 0, err
		}
		call := time.Since(t0)
		wait := uint64(30000)
		r, err = d.unix.RunWait(ctx, heroproc.RunWaitInput{ID: r.ID, TimeoutMs: &wait})
		if err != nil {
			return 0, 0, err
		}
		total := time.Since(t0)
		if r.Phase != heroproc.RunPhaseSuccess {
			return 0, 0, fmt.Errorf("run %s of %v ended %s", r.ID, argv, r.Phase)
		}
		return total, call, nil
	}
	// The shim alone, as the daemon starts it (own session, config on
	// stdin, a marker so its end-of-job scan of /proc is the same), but
	// without the daemon: no API, no store, no 50ms ingest tick.
	shimInstance := fmt.Sprintf("bench-shim-%d-%d", os.Getpid(), rand.Int63())
	b.record("instances", shimInstance)
	shimRun := func(i int, argv []string) (time.Duration, error) {
		dir := filepath.Join(b.work, "shim", strconv.Itoa(i))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return 0, err
		}
		job := "shim" + strconv.Itoa(i)
		env := []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			procinfo.MarkerInstance + "=" + shimInstance, procinfo.MarkerJob + "=" + job}
		cfg, err := json.Marshal(shim.Config{Job: job, Attempt: 1, Argv: argv, Env: env, Dir: dir, AttemptDir: dir, SeqStart: 1})
		if err != nil {
			return 0, err
		}
		t0 := time.Now()
		cmd := exec.Command(b.bin, "shim")
		cmd.Env = env
		cmd.Dir = dir
		cmd.Stdin = bytes.NewReader(cfg)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		out, err := cmd.CombinedOutput()
		total := time.Since(t0)
		if err != nil {
			return 0, fmt.Errorf("hero_procd shim: %v: %s", err, out)
		}
		st, err := shim.ReadStatus(dir)
		if err != nil || st.ExitCode == nil || *st.ExitCode != 0 {
			return 0, fmt.Errorf("hero_procd shim of %v: status %+v, %v", argv, st, err)
		}
		os.RemoveAll(dir)
		return total, nil
	}
	directRun := func(argv []string) (time.Duration, error) {
		t0 := time.Now()
		err := exec.Command(argv[0], argv[1:]...).Run()
		return time.Since(t0), err
	}
	stampArgv := func(prefix string, i int) ([]string, string) {
		f := filepath.Join(stamps, fmt.Sprintf("%s-%d", prefix, i))
		return []string{b.self, "stamp", f}, f
	}
	vs := []*variant{
		{name: "hero_procd: run.start + run.wait of `/bin/true`", run: func(i int) (time.Duration, time.Duration, time.Duration, error) {
			total, call, err := daemonRun([]string{"/bin/true"})
			return total, -1, call, err
		}},
		{name: "os/exec: `exec.Command(\"/bin/true\").Run()`", run: func(i int) (time.Duration, time.Duration, time.Duration, error) {
			total, err := directRun([]string{"/bin/true"})
			return total, -1, -1, err
		}},
		{name: "hero_procd: run of a stamp program", run: func(i int) (time.Duration, time.Duration, time.Duration, error) {
			argv, f := stampArgv("d", i)
			t0 := time.Now()
			total, call, err := daemonRun(argv)
			if err != nil {
				return 0, 0, 0, err
			}
			te, err := b.readStamp(f, t0)
			return total, te, call, err
		}},
		{name: "shim alone (`hero_procd shim`, no daemon): stamp program", run: func(i int) (time.Duration, time.Duration, time.Duration, error) {
			argv, f := stampArgv("s", i)
			t0 := time.Now()
			total, err := shimRun(i, argv)
			if err != nil {
				return 0, 0, 0, err
			}
			te, err := b.readStamp(f, t0)
			return total, te, -1, err
		}},
		{name: "os/exec: stamp program", run: func(i int) (time.Duration, time.Duration, time.Duration, error) {
			argv, f := stampArgv("x", i)
			t0 := time.Now()
			total, err := directRun(argv)
			if err != nil {
				return 0, 0, 0, err
			}
			te, err := b.readStamp(f, t0)
			return total, te, -1, err
		}},
	}
	// Warm-up: page cache, the daemon's first run.
	for _, v := range vs {
		for i := 0; i < 3; i++ {
			if _, _, _, err := v.run(-1 - i); err != nil {
				return fmt.Errorf("%s: %w", v.name, err)
			}
		}
	}
	for i := 0; i < b.runs; i++ {
		for k := range vs {
			v := vs[(k+i)%len(vs)]
			total, te, call, err := v.run(i)
			if err != nil {
				return fmt.Errorf("%s: %w", v.name, err)
			}
			v.total = append(v.total, total)
			if te >= 0 {
				v.exec = append(v.exec, te)
			}
			if call >= 0 {
				v.call = append(v.call, call)
			}
		}
	}
	killMarked(shimInstance)
	opt := func(s sample, p float64) string {
		if len(s) == 0 {
			return "–"
		}
		return ms(s.pct(p))
	}
	b.printf("### 2. Start latency (%d runs each, alternating)\n\n", b.runs)
	b.printf("*to exec*: from sending run.start (or calling exec) to the first instruction of the job's `main` (a Go program writing `time.Now()` to a file; its runtime start-up is in every row alike). *done*: until run.wait returns the finished run (os/exec: `Run()` returns). *run.start call*: until run.start answers.\n\n")
	b.printf("| variant | to exec p50 (ms) | to exec p99 (ms) | done p50 (ms) | done p99 (ms) | run.start call p50 (ms) |\n")
	b.printf("| --- | ---: | ---: | ---: | ---: | ---: |\n")
	for _, v := range vs {
		b.printf("| %s | %s | %s | %s | %s | %s |\n", v.name, opt(v.exec, 50), opt(v.exec, 99), opt(v.total, 50), opt(v.total, 99), opt(v.call, 50))
	}
	r := func(a, c sample, p float64) string { return ratio(float64(a.pct(p)), float64(c.pct(p))) }
	b.printf("| **ratio daemon / os/exec, `/bin/true`** | – | – | %s | %s | – |\n", r(vs[0].total, vs[1].total, 50), r(vs[0].total, vs[1].total, 99))
	b.printf("| **ratio daemon / os/exec, stamp** | %s | %s | %s | %s | – |\n", r(vs[2].exec, vs[4].exec, 50), r(vs[2].exec, vs[4].exec, 99), r(vs[2].total, vs[4].total, 50), r(vs[2].total, vs[4].total, 99))
	b.printf("| **ratio shim alone / os/exec, stamp** | %s | %s | %s | %s | – |\n", r(vs[3].exec, vs[4].exec, 50), r(vs[3].exec, vs[4].exec, 99), r(vs[3].total, vs[4].total, 50), r(vs[3].total, vs[4].total, 99))
	b.printf("\n")
	b.startShim = [2]time.Duration{vs[3].exec.pct(50) - vs[4].exec.pct(50), vs[2].exec.pct(50) - vs[4].exec.pct(50)}
	return nil
}

// ---------------------------------------------------------------- 3. logs

func (b *bench) benchLogs(d *daemon) error {
	fmt.Fprintf(os.Stderr, "bench: 3. logs: a job printing %d lines (`seq 1 %d`), %d times, against `seq` > /dev/null\n", b.lines, b.lines, b.logReps)
	ctx := context.Background()
	argv := []string{"seq", "1", strconv.Itoa(b.lines)}
	type res struct{ queryable, done, job, cpuDone, cpuQ time.Duration }
	var daemonRes []res
	var nullRes []time.Duration
	for rep := 0; rep < b.logReps; rep++ {
		// Baseline first on even reps, second on odd ones.
		runNull := func() error {
			devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer devnull.Close()
			cmd := exec.Command(argv[0], argv[1:]...)
			cmd.Stdout = devnull
			t0 := time.Now()
			if err := cmd.Run(); err != nil {
				return err
			}
			nullRes = append(nullRes, time.Since(t0))
			return nil
		}
		runDaemon := func() error {
			p0, err := readProc(d.pid)
			if err != nil {
				return err
			}
			var cpuDone time.Duration
			t0 := time.Now()
			r, err := d.unix.RunStart(ctx, heroproc.RunStartInput{Name: "logs", Actions: []heroproc.ActionSpec{{Name: "seq", Command: argv}}})
			if err != nil {
				return err
			}
			if len(r.Jobs) != 1 {
				return fmt.Errorf("run.start returned %d jobs", len(r.Jobs))
			}
			jobID := r.Jobs[0].ID
			doneC := make(chan time.Duration, 1)
			var fin heroproc.Run
			var waitErr error
			go func() {
				wait := uint64(120000)
				fin, waitErr = d.unix.RunWait(ctx, heroproc.RunWaitInput{ID: r.ID, TimeoutMs: &wait})
				el := time.Since(t0)
				if p, err := readProc(d.pid); err == nil {
					cpuDone = time.Duration(p.ticks-p0.ticks) * (time.Second / clkTck)
				}
				doneC <- el
			}()
			var after int64
			limit := uint32(10000)
			stream := heroproc.LogStreamStdout
			count := 0
			deadline := t0.Add(120 * time.Second)
			for count < b.lines {
				p, err := d.unix.LogsQuery(ctx, heroproc.LogsQueryInput{JobID: &jobID, Stream: &stream, After: &after, Limit: &limit})
				if err != nil {
					return err
				}
				count += len(p.Entries)
				after = p.Next
				if len(p.Entries) == 0 {
					if time.Now().After(deadline) {
						return fmt.Errorf("only %d of %d lines queryable after 120s", count, b.lines)
					}
					time.Sleep(10 * time.Millisecond)
				}
			}
			q := time.Since(t0)
			p1, err := readProc(d.pid)
			if err != nil {
				return err
			}
			done := <-doneC
			if waitErr != nil {
				return waitErr
			}
			if fin.Phase != heroproc.RunPhaseSuccess {
				return fmt.Errorf("log run ended %s", fin.Phase)
			}
			var job time.Duration
			if j := fin.Jobs[0]; j.StartedAt != nil && j.FinishedAt != nil {
				job = j.FinishedAt.Sub(*j.StartedAt)
			}
			cpuQ := time.Duration(p1.ticks-p0.ticks) * (time.Second / clkTck)
			daemonRes = append(daemonRes, res{q, done, job, cpuDone, cpuQ})
			logf("rep %d: %d lines queryable after %s (daemon CPU %s), run finished after %s (daemon CPU %s)", rep+1, count,
				q.Round(time.Millisecond), cpuQ, done.Round(time.Millisecond), cpuDone)
			return nil
		}
		first, second := runNull, runDaemon
		if rep%2 == 1 {
			first, second = runDaemon, runNull
		}
		if err := first(); err != nil {
			return err
		}
		if err := second(); err != nil {
			return err
		}
	}
	var q, done, job, null, cpuQ, cpuDone sample
	for i, r := range daemonRes {
		q, done, job, null = append(q, r.queryable), append(done, r.done), append(job, r.job), append(null, nullRes[i])
		cpuQ, cpuDone = append(cpuQ, r.cpuQ), append(cpuDone, r.cpuDone)
	}
	lps := func(d time.Duration) float64 { return float64(b.lines) / d.Seconds() }
	b.printf("### 3. Log lines stored (`seq 1 %d`, %d repetitions, median)\n\n", b.lines, b.logReps)
	b.printf("*queryable*: from run.start until all %d lines were paged out of logs.query (after/limit=10000, polled by the client while the job runs); *run done*: run.wait returned (the daemon ends a job only after ingesting its last line).\n\n", b.lines)
	b.printf("| what | time (s) | lines/s | daemon CPU (s) |\n| --- | ---: | ---: | ---: |\n")
	b.printf("| hero_procd: all lines queryable | %.2f | %.0f | %.2f |\n", q.pct(50).Seconds(), lps(q.pct(50)), cpuQ.pct(50).Seconds())
	b.printf("| hero_procd: run done | %.2f | %.0f | %.2f |\n", done.pct(50).Seconds(), lps(done.pct(50)), cpuDone.pct(50).Seconds())
	b.printf("| hero_procd: the job (started_at to finished_at) | %.2f | %.0f | |\n", job.pct(50).Seconds(), lps(job.pct(50)))
	b.printf("| `seq` > /dev/null (os/exec) | %.3f | %.0f | |\n", null.pct(50).Seconds(), lps(null.pct(50)))
	b.printf("| **ratio queryable / `seq` > /dev/null (time)** | %s | | |\n", ratio(float64(q.pct(50)), float64(null.pct(50))))
	b.printf("\n")
	return nil
}

// ---------------------------------------------------------------- 4+5. idle

type procStat struct {
	rssKB, pssKB int64
	ticks        int64 // utime + stime
}

func readProc(pid int) (procStat, error) {
	var ps procStat
	st := readString(fmt.Sprintf("/proc/%d/stat", pid))
	i := strings.LastIndexByte(st, ')')
	if i < 0 {
		return ps, fmt.Errorf("no /proc/%d/stat", pid)
	}
	f := strings.Fields(st[i+1:])
	if len(f) < 13 {
		return ps, fmt.Errorf("short /proc/%d/stat", pid)
	}
	// f[0] is field 3; utime and stime are fields 14 and 15.
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	ps.ticks = u + s
	ps.rssKB = kbField(fmt.Sprintf("/proc/%d/status", pid), "VmRSS:")
	ps.pssKB = kbField(fmt.Sprintf("/proc/%d/smaps_rollup", pid), "Pss:")
	return ps, nil
}

func kbField(file, key string) int64 {
	for _, l := range strings.Split(readString(file), "\n") {
		if strings.HasPrefix(l, key) {
			f := strings.Fields(l[len(key):])
			if len(f) > 0 {
				v, _ := strconv.ParseInt(f[0], 10, 64)
				return v
			}
		}
	}
	return 0
}

// clkTck is USER_HZ, 100 on every Linux architecture Go supports here.
const clkTck = 100

type window struct {
	rssKB, pssKB int64
	cpuPct       float64
	helpersCPU   float64 // the shims, summed
}

// idleWindow waits a second, then measures the daemon (and the given
// helpers) over b.idle.
func (b *bench) idleWindow(d *daemon, helpers []int) (window, error) {
	time.Sleep(time.Second)
	p0, err := readProc(d.pid)
	if err != nil {
		return window{}, err
	}
	h0 := sumTicks(helpers)
	t0 := time.Now()
	time.Sleep(b.idle)
	p1, err := readProc(d.pid)
	if err != nil {
		return window{}, err
	}
	el := time.Since(t0).Seconds()
	h1 := sumTicks(helpers)
	return window{rssKB: p1.rssKB, pssKB: p1.pssKB, cpuPct: float64(p1.ticks-p0.ticks) / clkTck / el * 100,
		helpersCPU: float64(h1-h0) / clkTck / el * 100}, nil
}

func sumTicks(pids []int) int64 {
	var t int64
	for _, p := range pids {
		if ps, err := readProc(p); err == nil {
			t += ps.ticks
		}
	}
	return t
}

func cmdline(pid int) []string {
	s := strings.TrimRight(readString(fmt.Sprintf("/proc/%d/cmdline", pid)), "\x00")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\x00")
}

func (b *bench) benchIdle(d *daemon) error {
	fmt.Fprintf(os.Stderr, "bench: 4. idle cost: empty, %d services, %d sleep jobs (%s windows)\n", b.services, b.jobs, b.idle)
	ctx := context.Background()
	empty, err := b.idleWindow(d, nil)
	if err != nil {
		return err
	}
	logf("empty: RSS %d KiB, CPU %.2f%%", empty.rssKB, empty.cpuPct)

	t0 := time.Now()
	for i := 0; i < b.services; i++ {
		name := fmt.Sprintf("svc%03d", i)
		if _, err := d.unix.ServicePut(ctx, heroproc.ServicePutInput{Spec: heroproc.ServiceSpec{Name: name, Actions: []heroproc.ActionSpec{
			{Name: "main", Command: []string{"sleep", "1000"}, Env: map[string]string{"N": strconv.Itoa(i)}},
		}}}); err != nil {
			return fmt.Errorf("service.put %s: %w", name, err)
		}
	}
	putTook := time.Since(t0)
	withSvc, err := b.idleWindow(d, nil)
	if err != nil {
		return err
	}
	logf("%d services (put in %s): RSS %d KiB, CPU %.2f%%", b.services, putTook.Round(time.Millisecond), withSvc.rssKB, withSvc.cpuPct)

	// J sleep jobs: one run of J actions.
	var actions []heroproc.ActionSpec
	for i := 0; i < b.jobs; i++ {
		actions = append(actions, heroproc.ActionSpec{Name: fmt.Sprintf("s%02d", i), Command: []string{"sleep", "1000"}})
	}
	var withJobs window
	var shims, jobs []int
	if b.jobs > 0 {
		t0 = time.Now()
		r, err := d.unix.RunStart(ctx, heroproc.RunStartInput{Name: "sleepers", Actions: actions})
		if err != nil {
			return err
		}
		for {
			r, err = d.unix.RunGet(ctx, heroproc.RunGetInput{ID: r.ID})
			if err != nil {
				return err
			}
			n := 0
			for _, j := range r.Jobs {
				if j.Pid != nil && j.Phase == heroproc.JobPhaseRunning {
					n++
				}
			}
			if n == b.jobs {
				break
			}
			if time.Since(t0) > 60*time.Second {
				return fmt.Errorf("only %d of %d sleep jobs running after 60s", n, b.jobs)
			}
			time.Sleep(20 * time.Millisecond)
		}
		logf("%d sleep jobs running after %s", b.jobs, time.Since(t0).Round(time.Millisecond))
		for _, m := range procinfo.FindMarked(d.instance) {
			c := cmdline(m.Pid)
			if len(c) > 0 && c[len(c)-1] == "shim" {
				shims = append(shims, m.Pid)
			} else {
				jobs = append(jobs, m.Pid)
			}
		}
		if len(shims) != b.jobs || len(jobs) != b.jobs {
			return fmt.Errorf("found %d shims and %d job processes for %d jobs", len(shims), len(jobs), b.jobs)
		}
		withJobs, err = b.idleWindow(d, shims)
		if err != nil {
			return err
		}
		logf("%d jobs: RSS %d KiB, CPU %.2f%%, shims CPU %.2f%%", b.jobs, withJobs.rssKB, withJobs.cpuPct, withJobs.helpersCPU)
	}
	sum := func(pids []int) (rss, pss int64) {
		for _, p := range pids {
			if ps, err := readProc(p); err == nil {
				rss += ps.rssKB
				pss += ps.pssKB
			}
		}
		return
	}
	shimRSS, shimPSS := sum(shims)
	jobRSS, jobPSS := sum(jobs)

	// The same jobs without a helper: os/exec directly.
	var directRSS, directPSS int64
	if b.jobs > 0 {
		var pids []int
		for i := 0; i < b.jobs; i++ {
			c := exec.Command("sleep", "1000")
			c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			if err := c.Start(); err != nil {
				b.killDirect()
				return err
			}
			b.direct = append(b.direct, c)
			b.recordPid(c.Process.Pid)
			pids = append(pids, c.Process.Pid)
		}
		time.Sleep(500 * time.Millisecond)
		directRSS, directPSS = sum(pids)
		b.killDirect()
	}

	stopTook := b.stopDaemon(d)
	logf("SIGTERM to exit with %d running jobs: %s", b.jobs, stopTook.Round(time.Millisecond))

	kib := func(v int64) string { return fmt.Sprintf("%.1f", float64(v)/1024) }
	b.printf("### 4. Idle daemon (%s windows, after 1 s settling)\n\n", b.idle)
	b.printf("| state | daemon VmRSS (MiB) | daemon PSS (MiB) | daemon CPU (%% of one core) |\n| --- | ---: | ---: | ---: |\n")
	b.printf("| empty | %s | %s | %.2f |\n", kib(empty.rssKB), kib(empty.pssKB), empty.cpuPct)
	b.printf("| %d services defined, not started (put in %.2f s, %.0f/s) | %s | %s | %.2f |\n", b.services, putTook.Seconds(), float64(b.services)/putTook.Seconds(), kib(withSvc.rssKB), kib(withSvc.pssKB), withSvc.cpuPct)
	if b.jobs > 0 {
		b.printf("| + %d running `sleep 1000` jobs | %s | %s | %.2f |\n", b.jobs, kib(withJobs.rssKB), kib(withJobs.pssKB), withJobs.cpuPct)
	}
	b.printf("\nOrderly stop (SIGTERM) with %d running jobs took %.2f s.\n\n", b.jobs, stopTook.Seconds())
	if b.jobs > 0 {
		n := int64(b.jobs)
		b.printf("### 5. Per-job helper (`hero_procd shim`), %d `sleep 1000` jobs\n\n", b.jobs)
		b.printf("| per job | VmRSS (KiB) | PSS (KiB) |\n| --- | ---: | ---: |\n")
		b.printf("| shim (the helper) | %d | %d |\n", shimRSS/n, shimPSS/n)
		b.printf("| `sleep` under the shim | %d | %d |\n", jobRSS/n, jobPSS/n)
		b.printf("| `sleep` started by os/exec (no helper) | %d | %d |\n", directRSS/n, directPSS/n)
		b.printf("| daemon growth per job (RSS with jobs − with services) / %d | %d | %d |\n", b.jobs, (withJobs.rssKB-withSvc.rssKB)/n, (withJobs.pssKB-withSvc.pssKB)/n)
		b.printf("| **ratio (shim + sleep) / sleep alone** | %s | %s |\n", ratio(float64(shimRSS+jobRSS), float64(directRSS)), ratio(float64(shimPSS+jobPSS), float64(directPSS)))
		b.printf("\nThe %d shims together used %.2f%% of one core while idle. Start latency added by the helper (item 2, p50 to exec): shim alone %s ms, shim + daemon %s ms over os/exec.\n\n",
			b.jobs, withJobs.helpersCPU, ms(b.startShim[0]), ms(b.startShim[1]))
	}
	var load [3]string
	copy(load[:], strings.Fields(readString("/proc/loadavg")))
	b.printf("Load average at the end: %s %s %s.\n", load[0], load[1], load[2])
	return nil
}

// ---------------------------------------------------------------- misc

func readString(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}

func nprocs() int {
	n := 0
	for _, l := range strings.Split(readString("/proc/cpuinfo"), "\n") {
		if strings.HasPrefix(l, "processor") {
			n++
		}
	}
	return n
}

func kernel() string {
	return "Linux " + strings.TrimSpace(readString("/proc/sys/kernel/osrelease"))
}
