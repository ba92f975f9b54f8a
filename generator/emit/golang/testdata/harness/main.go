// Command harness serves the generated kitchen_sink Go server with the
// deterministic implementation of impl.go, for other languages' tests.
// golangtest.StartKitchenSink builds and runs it; it prints one line,
// "LISTENING <endpoint>...", once it accepts connections, and exits when
// its stdin closes or it gets SIGINT/SIGTERM. It serves with the
// http.Server of NewHTTPServer; -read-timeout sets both its
// ReadHeaderTimeout and its ReadTimeout (for the tests of slow clients).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	ks "example.com/kitchensink"
)

func main() {
	socket := flag.String("socket", "", "Unix socket to serve on")
	addr := flag.String("http", "", "TCP address to serve on, e.g. 127.0.0.1:0")
	readTimeout := flag.Duration("read-timeout", 0, "ReadHeaderTimeout and ReadTimeout (0: the defaults)")
	flag.Parse()
	if *socket == "" && *addr == "" {
		log.Fatal("harness: give -socket, -http or both")
	}
	h := ks.NewHandler(ks.NewImpl())
	srv := ks.NewHTTPServer(h)
	if *readTimeout > 0 {
		srv.ReadHeaderTimeout, srv.ReadTimeout = *readTimeout, *readTimeout
	}
	var endpoints []string
	var listeners []net.Listener
	if *socket != "" {
		l, err := ks.ListenUnix(*socket)
		if err != nil {
			log.Fatalf("harness: %v", err)
		}
		listeners = append(listeners, l)
		endpoints = append(endpoints, "unix:"+*socket)
	}
	if *addr != "" {
		l, err := net.Listen("tcp", *addr)
		if err != nil {
			log.Fatalf("harness: %v", err)
		}
		listeners = append(listeners, l)
		endpoints = append(endpoints, "http://"+l.Addr().String()+"/rpc")
	}
	for _, l := range listeners {
		go func(l net.Listener) { _ = srv.Serve(l) }(l)
	}
	fmt.Println("LISTENING", strings.Join(endpoints, " "))

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin) // the parent went away
		stop <- os.Interrupt
	}()
	<-stop
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx) // closes the listeners, unlinking the socket file
	for _, l := range listeners {
		l.Close()
	}
}
