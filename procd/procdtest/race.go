//go:build race

package procdtest

// raceEnabled: the test binary runs under the race detector, so the daemon
// it starts is built with -race too.
const raceEnabled = true
