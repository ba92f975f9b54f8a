//go:build !linux

package stage

import "errors"

// notifier is inotify's, on Linux; elsewhere Watch only polls.
type notifier struct {
	C chan []string
}

// newNotifier is a variable so tests can make inotify unavailable.
var newNotifier = func(dir string) (*notifier, error) {
	return nil, errors.New("inotify is available on Linux only")
}

// Close does nothing: there is no notifier to stop.
func (n *notifier) Close() error { return nil }
