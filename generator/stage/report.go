package stage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Text renders the report for people: one line per service, the drift
// of a stale service as an indented diff, then the removed services.
func (r *Report) Text() string {
	var b strings.Builder
	for _, s := range r.Services {
		switch s.Status {
		case StatusCurrent:
			fmt.Fprintf(&b, "%-8s  %s: %s, pre-generated client from %s\n", "current", s.Service, s.LiveHash, s.From)
		case StatusDrift:
			fmt.Fprintf(&b, "%-8s  %s: DRIFT: the live service does not match its pre-generated client\n", "DRIFT", s.Service)
			fmt.Fprintf(&b, "          pre-generated %s (%s)\n", s.ClientHash, s.From)
			fmt.Fprintf(&b, "          live          %s (%s)\n", s.LiveHash, s.Socket)
			if s.Diff != nil {
				for _, l := range strings.Split(strings.TrimRight(s.Diff.Text(), "\n"), "\n") {
					if strings.HasPrefix(l, "old ") || strings.HasPrefix(l, "new ") {
						continue
					}
					fmt.Fprintf(&b, "          %s\n", l)
				}
			} else {
				b.WriteString("          (no openrpc.json beside the pre-generated client: changes unknown)\n")
			}
			b.WriteString("          staged a client generated from the live document instead\n")
		case StatusFallback:
			fmt.Fprintf(&b, "%-8s  %s: %s, no pre-generated client: generated from the live document\n", "fallback", s.Service, s.LiveHash)
		default:
			fmt.Fprintf(&b, "%-8s  %s: skipped: %s\n", s.Status, s.Service, s.Error)
		}
		for _, w := range s.Warnings {
			fmt.Fprintf(&b, "          warning: %s\n", w)
		}
	}
	for _, s := range r.Removed {
		fmt.Fprintf(&b, "%-8s  %s: its socket is gone: staged files removed\n", "removed", s)
	}
	counts := map[string]int{}
	for _, s := range r.Services {
		counts[s.Status]++
	}
	fmt.Fprintf(&b, "%d services: %d current, %d drift, %d fallback, %d timeout, %d error; %d removed\n",
		len(r.Services), counts[StatusCurrent], counts[StatusDrift], counts[StatusFallback],
		counts[StatusTimeout], counts[StatusError], len(r.Removed))
	return b.String()
}

// JSON renders the report as indented JSON with a trailing newline.
func (r *Report) JSON() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(r)
	return buf.Bytes()
}
