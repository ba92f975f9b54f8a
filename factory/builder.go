package factory

import (
	"context"
	"fmt"
	"strings"

	"github.com/lhumina-code/rules_oschema/proc"
	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

// ValidationError is every problem a builder found; nothing was sent to
// the daemon.
type ValidationError struct {
	// What was built: `service "api"` or `run "build-run"`.
	What string
	// One line each, naming the action it is about.
	Problems []string
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	n := len(e.Problems)
	if n == 1 {
		fmt.Fprintf(&b, "invalid %s (1 problem):", e.What)
	} else {
		fmt.Fprintf(&b, "invalid %s (%d problems):", e.What, n)
	}
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p)
	}
	return b.String()
}

// ServiceBuilder builds a service's spec; Save puts it. Make one with
// HeroProcClient.ServiceBuilder (or NewServiceBuilder, for Spec only).
type ServiceBuilder struct {
	c        *HeroProcClient
	spec     heroproc.ServiceSpec
	actions  []*Action
	problems []string
}

// NewServiceBuilder is a ServiceBuilder with no client: Spec works, Save
// returns an error.
func NewServiceBuilder(name string) *ServiceBuilder {
	return &ServiceBuilder{spec: heroproc.ServiceSpec{Name: name}}
}

// Description sets the service's description.
func (b *ServiceBuilder) Description(text string) *ServiceBuilder {
	if b != nil {
		b.spec.Description = &text
	}
	return b
}

// Context sets the namespace of the service's secrets (default "default").
func (b *ServiceBuilder) Context(context string) *ServiceBuilder {
	if b != nil {
		if context == "" {
			b.problems = append(b.problems, "context is empty")
		}
		b.spec.Context = &context
	}
	return b
}

// Class sets who the service runs for (default heroproc.ServiceClassUser).
func (b *ServiceBuilder) Class(class heroproc.ServiceClass) *ServiceBuilder {
	if b != nil {
		if !class.Valid() {
			b.problems = append(b.problems, fmt.Sprintf("class %q is not user or system", string(class)))
		}
		b.spec.Class = &class
	}
	return b
}

// Wanted sets the wanted state on Save, which the daemon then acts on
// (without it a new service is wanted stopped and an existing one keeps its
// wanted state).
func (b *ServiceBuilder) Wanted(state heroproc.WantedState) *ServiceBuilder {
	if b != nil {
		if !state.Valid() {
			b.problems = append(b.problems, fmt.Sprintf("wanted state %q is not start, stop or ignore", string(state)))
		}
		b.spec.Wanted = &state
	}
	return b
}

// DependsOn names services started before this one and stopped after it.
func (b *ServiceBuilder) DependsOn(services ...string) *ServiceBuilder {
	if b != nil {
		for _, s := range services {
			switch {
			case s == "":
				b.problems = append(b.problems, "depends on an empty service name")
			case s == b.spec.Name:
				b.problems = append(b.problems, fmt.Sprintf("service %q depends on itself", s))
			case !contains(b.spec.DependsOn, s):
				b.spec.DependsOn = append(b.spec.DependsOn, s)
			}
		}
	}
	return b
}

// Tags adds tags to the service.
func (b *ServiceBuilder) Tags(tags ...string) *ServiceBuilder {
	if b != nil {
		for _, t := range tags {
			if t == "" {
				b.problems = append(b.problems, "tag is empty")
				continue
			}
			if !contains(b.spec.Tags, t) {
				b.spec.Tags = append(b.spec.Tags, t)
			}
		}
	}
	return b
}

// Action adds the action name, configured by configure (which may be nil,
// though an action needs at least a script or a command).
func (b *ServiceBuilder) Action(name string, configure func(a *Action)) *ServiceBuilder {
	if b != nil {
		b.actions = append(b.actions, newAction(name, configure))
	}
	return b
}

// Spec returns the service's spec, or a *ValidationError with every
// problem found.
func (b *ServiceBuilder) Spec() (heroproc.ServiceSpec, error) {
	if b == nil {
		return heroproc.ServiceSpec{}, errNoClient
	}
	spec := b.spec
	var problems []string
	what := fmt.Sprintf("service %q", spec.Name)
	if strings.TrimSpace(spec.Name) == "" {
		problems = append(problems, "service name is empty")
	}
	problems = append(problems, b.problems...)
	actions, aproblems := buildActions(b.actions, false)
	if len(b.actions) == 0 {
		problems = append(problems, what+" has no actions")
	}
	problems = append(problems, aproblems...)
	if len(problems) > 0 {
		return heroproc.ServiceSpec{}, &ValidationError{What: what, Problems: problems}
	}
	spec.Actions = actions
	if spec.Description != nil {
		spec.Description = strp(*spec.Description)
	}
	if spec.Context != nil {
		spec.Context = strp(*spec.Context)
	}
	if spec.Class != nil {
		class := *spec.Class
		spec.Class = &class
	}
	if spec.Wanted != nil {
		wanted := *spec.Wanted
		spec.Wanted = &wanted
	}
	spec.DependsOn = append([]string(nil), spec.DependsOn...)
	spec.Tags = append([]string(nil), spec.Tags...)
	if len(spec.DependsOn) == 0 {
		spec.DependsOn = nil
	}
	if len(spec.Tags) == 0 {
		spec.Tags = nil
	}
	return spec, nil
}

// Save validates the service and puts it (services().put): a new service
// is created, an existing one replaced (a running one keeps its current run
// until restarted).
func (b *ServiceBuilder) Save(ctx context.Context) (proc.ServiceStatus, error) {
	spec, err := b.Spec()
	if err != nil {
		return proc.ServiceStatus{}, err
	}
	if err := b.c.check(); err != nil {
		return proc.ServiceStatus{}, err
	}
	return b.c.Services().Put(ctx, spec)
}

// RunBuilder builds an ad-hoc run; Start starts it. Make one with
// HeroProcClient.RunBuilder (or NewRunBuilder, for Actions only).
type RunBuilder struct {
	c        *HeroProcClient
	name     string
	context  string
	actions  []*Action
	problems []string
}

// NewRunBuilder is a RunBuilder with no client: Actions works, Start
// returns an error.
func NewRunBuilder(name string) *RunBuilder {
	return &RunBuilder{name: name}
}

// Context sets the namespace of the secrets the run's jobs may use
// (default "default").
func (b *RunBuilder) Context(context string) *RunBuilder {
	if b != nil {
		if context == "" {
			b.problems = append(b.problems, "context is empty")
		}
		b.context = context
	}
	return b
}

// Action adds the action name, configured by configure (which may be nil,
// though an action needs at least a script or a command). Actions start in
// depends_on order.
func (b *RunBuilder) Action(name string, configure func(a *Action)) *RunBuilder {
	if b != nil {
		b.actions = append(b.actions, newAction(name, configure))
	}
	return b
}

// Actions returns the run's actions, or a *ValidationError with every
// problem found.
func (b *RunBuilder) Actions() ([]heroproc.ActionSpec, error) {
	if b == nil {
		return nil, errNoClient
	}
	var problems []string
	what := fmt.Sprintf("run %q", b.name)
	if strings.TrimSpace(b.name) == "" {
		problems = append(problems, "run name is empty")
	}
	problems = append(problems, b.problems...)
	actions, aproblems := buildActions(b.actions, true)
	if len(b.actions) == 0 {
		problems = append(problems, what+" has no actions")
	}
	problems = append(problems, aproblems...)
	if len(problems) > 0 {
		return nil, &ValidationError{What: what, Problems: problems}
	}
	return actions, nil
}

// Start validates the run and starts it (runs().start).
func (b *RunBuilder) Start(ctx context.Context) (*RunHandle, error) {
	actions, err := b.Actions()
	if err != nil {
		return nil, err
	}
	if err := b.c.check(); err != nil {
		return nil, err
	}
	run, err := b.c.Runs().Start(ctx, b.name, actions, b.context)
	if err != nil {
		return nil, err
	}
	return b.c.handle(run), nil
}

func newAction(name string, configure func(a *Action)) *Action {
	a := &Action{name: name}
	if configure != nil {
		configure(a)
	}
	return a
}

// buildActions builds the specs of actions and checks them together:
// names, duplicates, each action's own problems, unknown dependencies and
// cycles.
func buildActions(actions []*Action, run bool) ([]heroproc.ActionSpec, []string) {
	var problems []string
	specs := make([]heroproc.ActionSpec, 0, len(actions))
	first := map[string]int{}
	label := func(i int) string {
		if strings.TrimSpace(actions[i].name) == "" {
			return fmt.Sprintf("action #%d", i+1)
		}
		return fmt.Sprintf("action %q", actions[i].name)
	}
	for i, a := range actions {
		name := a.name
		switch {
		case strings.TrimSpace(name) == "":
			problems = append(problems, fmt.Sprintf("action #%d has no name", i+1))
		default:
			if j, ok := first[name]; ok {
				problems = append(problems, fmt.Sprintf("action %q is defined twice (actions #%d and #%d)", name, j+1, i+1))
			} else {
				first[name] = i
			}
		}
	}
	for i, a := range actions {
		spec, own := a.spec(run)
		for _, p := range own {
			problems = append(problems, label(i)+": "+p)
		}
		for _, d := range a.deps {
			if d == a.name {
				continue // a cycle of one, reported below
			}
			if _, ok := first[d]; !ok {
				problems = append(problems, fmt.Sprintf("%s: depends on unknown action %q", label(i), d))
			}
		}
		specs = append(specs, spec)
	}
	problems = append(problems, cycles(actions, first)...)
	return specs, problems
}

// cycles returns a problem for each dependency cycle among actions, found
// depth first in action and depends_on order, e.g.
// "dependency cycle: build -> test -> build".
func cycles(actions []*Action, index map[string]int) []string {
	const (
		white = iota
		grey
		black
	)
	color := make([]int, len(actions))
	var stack []int
	var problems []string
	var visit func(i int)
	visit = func(i int) {
		color[i] = grey
		stack = append(stack, i)
		for _, d := range actions[i].deps {
			j, ok := index[d]
			if !ok {
				continue
			}
			switch color[j] {
			case white:
				visit(j)
			case grey:
				start := 0
				for k, s := range stack {
					if s == j {
						start = k
						break
					}
				}
				names := make([]string, 0, len(stack)-start+1)
				for _, s := range stack[start:] {
					names = append(names, actions[s].name)
				}
				names = append(names, actions[j].name)
				problems = append(problems, "dependency cycle: "+strings.Join(names, " -> "))
			}
		}
		stack = stack[:len(stack)-1]
		color[i] = black
	}
	for i, a := range actions {
		if j, ok := index[a.name]; !ok || j != i {
			continue // unnamed or a duplicate: not part of the graph
		}
		if color[i] == white {
			visit(i)
		}
	}
	return problems
}
