package supervisor

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/sys/unix"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$`)

// validName checks a service, run or action name (they appear in paths,
// log sources and command lines).
func validName(what, name string) string {
	if name == "" {
		return what + " name is empty"
	}
	if !nameRE.MatchString(name) {
		return fmt.Sprintf("%s name %q: use letters, digits and _ . @ - (at most 128, starting with a letter or digit)", what, name)
	}
	return ""
}

// validateActions checks the actions of a service (service true) or a
// run and returns every problem found.
func validateActions(actions []heroproc.ActionSpec, service bool) []string {
	var probs []string
	if len(actions) == 0 {
		probs = append(probs, "no actions: add at least one")
	}
	byName := map[string]*heroproc.ActionSpec{}
	for i := range actions {
		a := &actions[i]
		where := fmt.Sprintf("action %q", a.Name)
		if p := validName("action", a.Name); p != "" {
			probs = append(probs, fmt.Sprintf("action %d: %s", i+1, p))
		} else if byName[a.Name] != nil {
			probs = append(probs, fmt.Sprintf("duplicate action name %q", a.Name))
		}
		byName[a.Name] = a
		hasScript := a.Script != nil && *a.Script != ""
		hasCmd := len(a.Command) > 0
		switch {
		case hasScript && hasCmd:
			probs = append(probs, where+": has both script and command; give exactly one")
		case !hasScript && !hasCmd:
			probs = append(probs, where+": has neither script nor command; give exactly one")
		}
		if hasCmd && a.Command[0] == "" {
			probs = append(probs, where+": command[0] is empty")
		}
		if a.Interpreter != nil && !hasScript {
			probs = append(probs, where+": interpreter is set but there is no script")
		}
		if a.Restart != nil {
			if !a.Restart.Valid() {
				probs = append(probs, fmt.Sprintf("%s: unknown restart policy %q (never, on_failure, always)", where, *a.Restart))
			} else if !service && *a.Restart != heroproc.RestartPolicyNever {
				probs = append(probs, fmt.Sprintf("%s: restart %q is for services; a run's actions run once (use retry)", where, *a.Restart))
			}
		}
		if a.Retry != nil && a.Retry.MaxAttempts == 0 {
			probs = append(probs, where+": retry.max_attempts must be at least 1")
		}
		if a.StopSignal != nil {
			if _, ok := parseSignal(*a.StopSignal); !ok {
				probs = append(probs, fmt.Sprintf("%s: unknown stop signal %q (e.g. SIGTERM, SIGINT)", where, *a.StopSignal))
			}
		}
		for _, h := range []*heroproc.HealthCheck{a.Ready, a.Live} {
			if h == nil {
				continue
			}
			switch h.Kind {
			case heroproc.HealthKindExec:
				if len(h.Command) == 0 {
					probs = append(probs, where+": exec health check needs command")
				}
			case heroproc.HealthKindTCP:
				if h.Address == nil || *h.Address == "" {
					probs = append(probs, where+": tcp health check needs address")
				}
			case heroproc.HealthKindHTTP:
				if h.URL == nil || !strings.HasPrefix(*h.URL, "http") {
					probs = append(probs, where+": http health check needs an http:// url")
				}
			default:
				probs = append(probs, fmt.Sprintf("%s: unknown health check kind %q", where, h.Kind))
			}
		}
		for k := range a.Env {
			if k == "" || strings.ContainsAny(k, "=\x00") {
				probs = append(probs, fmt.Sprintf("%s: invalid environment variable name %q", where, k))
			}
		}
	}
	for i := range actions {
		a := &actions[i]
		for _, d := range a.DependsOn {
			if byName[d] == nil {
				probs = append(probs, fmt.Sprintf("action %q depends on unknown action %q", a.Name, d))
			} else if d == a.Name {
				probs = append(probs, fmt.Sprintf("action %q depends on itself", a.Name))
			}
		}
	}
	if c := findCycle(actions); c != "" {
		probs = append(probs, "dependency cycle: "+c)
	}
	return probs
}

// findCycle returns the first depends_on cycle, as "a -> b -> a".
func findCycle(actions []heroproc.ActionSpec) string {
	deps := map[string][]string{}
	var names []string
	for _, a := range actions {
		if _, ok := deps[a.Name]; !ok {
			names = append(names, a.Name)
		}
		deps[a.Name] = a.DependsOn
	}
	return cycle(names, deps)
}

// cycle finds a cycle in a graph given as name -> edges, visiting names
// in order.
func cycle(names []string, edges map[string][]string) string {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var found string
	var visit func(n string) bool
	visit = func(n string) bool {
		color[n] = grey
		stack = append(stack, n)
		for _, d := range edges[n] {
			if d == n {
				continue // reported as "depends on itself"
			}
			if _, ok := edges[d]; !ok {
				continue
			}
			switch color[d] {
			case grey:
				i := len(stack) - 1
				for stack[i] != d {
					i--
				}
				found = strings.Join(append(append([]string{}, stack[i:]...), d), " -> ")
				return true
			case white:
				if visit(d) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[n] = black
		return false
	}
	for _, n := range names {
		if color[n] == white && visit(n) {
			return found
		}
	}
	return ""
}

func validateService(spec heroproc.ServiceSpec) []string {
	var probs []string
	if p := validName("service", spec.Name); p != "" {
		probs = append(probs, p)
	}
	if spec.Class != nil && !spec.Class.Valid() {
		probs = append(probs, fmt.Sprintf("unknown class %q (user, system)", *spec.Class))
	}
	if spec.Wanted != nil && !spec.Wanted.Valid() {
		probs = append(probs, fmt.Sprintf("unknown wanted state %q (start, stop, ignore)", *spec.Wanted))
	}
	for _, d := range spec.DependsOn {
		if d == spec.Name {
			probs = append(probs, fmt.Sprintf("service %q depends on itself", d))
		}
	}
	return append(probs, validateActions(spec.Actions, true)...)
}

// parseSignal accepts "SIGTERM", "TERM" or a number.
func parseSignal(s string) (unix.Signal, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if !strings.HasPrefix(s, "SIG") {
		var n int
		if _, err := fmt.Sscanf(s, "%d", &n); err == nil && n > 0 && n < 65 {
			return unix.Signal(n), true
		}
		s = "SIG" + s
	}
	sig := unix.SignalNum(s)
	return sig, sig != 0
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
