// Command harness serves the generated kitchen_sink Go server with the
// deterministic implementation of impl.go, for other languages' tests.
// golangtest.StartKitchenSink builds and runs it; it prints one line,
// "LISTENING <endpoint>...", once it accepts connections, and exits when
// its stdin closes or it gets SIGINT/SIGTERM.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"

	ks "example.com/kitchensink"
)

func main() {
	socket := flag.String("socket", "", "Unix socket to serve on")
	addr := flag.String("http", "", "TCP address to serve on, e.g. 127.0.0.1:0")
	flag.Parse()
	if *socket == "" && *addr == "" {
		log.Fatal("harness: give -socket, -http or both")
	}
	h := ks.NewHandler(ks.NewImpl())
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
		go func(l net.Listener) { _ = http.Serve(l, h) }(l)
	}
	fmt.Println("LISTENING", strings.Join(endpoints, " "))

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin) // the parent went away
		stop <- os.Interrupt
	}()
	<-stop
	for _, l := range listeners {
		l.Close() // unlinks the socket file
	}
}
