package matrix

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// benchResult is one server's figures in TestBenchServers.
type benchResult struct {
	name                   string
	wall                   time.Duration
	calls, reconnects, bad int64
	hwmKB, maxThreads      int64
}

// TestBenchServers is the benchmark of tools/bench-servers, skipped unless
// OSCHEMA_BENCH_SERVERS=1: BENCH_CONNS (1000) concurrent TCP connections
// each make BENCH_CALLS (20) calls on keep-alive (reconnecting when the
// server closes an idle one), then hold their connection until all are
// done, against the generated Rust server and the Go one; it prints a
// markdown table of wall time, calls/s, peak RSS and peak thread count.
func TestBenchServers(t *testing.T) {
	if os.Getenv("OSCHEMA_BENCH_SERVERS") != "1" {
		t.Skip("a benchmark: run tools/bench-servers")
	}
	conns, calls := envInt("BENCH_CONNS", 1000), envInt("BENCH_CALLS", 20)
	var results []benchResult
	for _, p := range startServers(t, 0) {
		results = append(results, benchServer(t, p, conns, calls))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%d concurrent TCP connections x %d calls (sum of 3 values)\n\n", conns, calls)
	b.WriteString("| server | wall | calls/s | reconnects | failed | peak RSS | peak threads |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %s | %v | %.0f | %d | %d | %.1f MiB | %d |\n", r.name, r.wall.Round(time.Millisecond),
			float64(r.calls)/r.wall.Seconds(), r.reconnects, r.bad, float64(r.hwmKB)/1024, r.maxThreads)
	}
	if len(results) == 2 {
		r, g := results[0], results[1]
		fmt.Fprintf(&b, "| rust/go | %.2f | %.2f | | | %.2f | %.2f |\n", r.wall.Seconds()/g.wall.Seconds(),
			(float64(r.calls)/r.wall.Seconds())/(float64(g.calls)/g.wall.Seconds()),
			float64(r.hwmKB)/float64(g.hwmKB), float64(r.maxThreads)/float64(g.maxThreads))
	}
	fmt.Print(b.String())
	if out := os.Getenv("BENCH_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// statusKB is the number of a /proc/<pid>/status field (kB for VmHWM, a
// count for Threads), 0 when it cannot be read.
func statusKB(pid int, field string) int64 {
	f := strings.Fields(procStatus(pid, field))
	if len(f) == 0 {
		return 0
	}
	n, _ := strconv.ParseInt(f[0], 10, 64)
	return n
}

func benchServer(t *testing.T, p *serverProc, conns, calls int) benchResult {
	pid := p.cmd.Process.Pid
	r := benchResult{name: p.name}
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if n := statusKB(pid, "Threads"); n > r.maxThreads {
				r.maxThreads = n
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	body := `{"jsonrpc":"2.0","id":1,"method":"sum","params":{"values":[1,2,3]}}`
	req := "POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + body
	var wg, held sync.WaitGroup
	release := make(chan struct{})
	start := time.Now()
	for i := 0; i < conns; i++ {
		wg.Add(1)
		held.Add(1)
		go func() {
			defer held.Done()
			var c net.Conn
			var rd *bufio.Reader
			dial := func() bool {
				var err error
				for try := 0; try < 50; try++ {
					if c, err = net.DialTimeout("tcp", p.tcp, 30*time.Second); err == nil {
						rd = bufio.NewReader(c)
						return true
					}
					time.Sleep(20 * time.Millisecond)
				}
				return false
			}
			if !dial() {
				atomic.AddInt64(&r.bad, int64(calls))
				wg.Done()
				return
			}
			for k := 0; k < calls; k++ {
				ok := false
				for try := 0; try < 5 && !ok; try++ {
					_ = c.SetDeadline(time.Now().Add(120 * time.Second))
					if _, err := io.WriteString(c, req); err == nil {
						if resp, err := http.ReadResponse(rd, nil); err == nil {
							_, err = io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
							ok = err == nil && resp.StatusCode == 200
							if resp.Close {
								c.Close()
								dial()
							}
							if ok {
								break
							}
						}
					}
					c.Close()
					atomic.AddInt64(&r.reconnects, 1)
					if !dial() {
						break
					}
				}
				if ok {
					atomic.AddInt64(&r.calls, 1)
				} else {
					atomic.AddInt64(&r.bad, 1)
				}
			}
			wg.Done()
			<-release // hold the connection until every client is done
			c.Close()
		}()
	}
	wg.Wait()
	r.wall = time.Since(start)
	r.hwmKB = statusKB(pid, "VmHWM")
	close(release)
	held.Wait()
	close(stop)
	<-sampled
	t.Logf("%s: %+v", p.name, r)
	return r
}
