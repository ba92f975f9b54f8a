//go:build !race

package procdtest

const raceEnabled = false
