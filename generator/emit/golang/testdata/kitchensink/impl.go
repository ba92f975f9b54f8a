package kitchensink

// A deterministic in-memory implementation of TaskService, compiled next
// to the generated api.go by the Go emitter's tests and by the
// cross-language harness (testdata/harness). It has the reference
// behaviour of generator/emit/clienttest/script.go, so every language's
// client driver can run its script against it, plus a few sids of
// task_start for the Go tests: "panic" panics (-32603), "fail" returns a
// plain error (-32603), "slow" waits for the request's context to end.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
)

// Impl implements Server in memory.
type Impl struct {
	mu    sync.Mutex
	tasks map[string]Task
	// Canceled receives the error of a "slow" task_start's context.
	Canceled chan error
}

// NewImpl returns an empty Impl.
func NewImpl() *Impl {
	return &Impl{tasks: map[string]Task{}, Canceled: make(chan error, 1)}
}

var _ Server = (*Impl)(nil)

func notFound(sid string) error {
	return ErrNotFound.WithData(map[string]string{"sid": sid})
}

func (s *Impl) TaskNew(ctx context.Context, in TaskNewInput) (Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tasks[in.Task.Sid] = in.Task
	return in.Task, nil
}

func (s *Impl) TaskGet(ctx context.Context, in TaskGetInput) (Task, error) {
	if in.Sid == "boom" {
		// A server error outside the schema's application errors.
		return Task{}, (&RPCError{Code: -32000, Message: "boom"}).WithData(map[string]string{"sid": in.Sid})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tasks[in.Sid]
	if !ok {
		return Task{}, notFound(in.Sid)
	}
	return t, nil
}

func (s *Impl) TaskSet(ctx context.Context, in TaskSetInput) (Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.tasks[in.Task.Sid]; !ok {
		// Wrapped on purpose: the handler must still find the RPCError.
		return Task{}, fmt.Errorf("task_set: %w", notFound(in.Task.Sid))
	}
	s.tasks[in.Task.Sid] = in.Task
	return in.Task, nil
}

func (s *Impl) TaskDelete(ctx context.Context, in TaskDeleteInput) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.tasks[in.Sid]; !ok {
		return notFound(in.Sid)
	}
	delete(s.tasks, in.Sid)
	return nil
}

func (s *Impl) sorted() []Task {
	var out []Task // nil when empty: the handler must still send []
	for _, t := range s.tasks {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Sid < out[j].Sid })
	return out
}

func (s *Impl) TaskList(ctx context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sids []string
	for _, t := range s.sorted() {
		sids = append(sids, t.Sid)
	}
	return sids, nil
}

func (s *Impl) TaskListFull(ctx context.Context) ([]Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sorted(), nil
}

func (s *Impl) TaskExists(ctx context.Context, in TaskExistsInput) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.tasks[in.Sid]
	return ok, nil
}

func (s *Impl) TaskFind(ctx context.Context, in TaskFindInput) ([]Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Task
	for _, t := range s.sorted() {
		if (in.Name == nil || *in.Name == t.Name) && (in.Phase == nil || *in.Phase == t.Phase) {
			out = append(out, t)
		}
	}
	return out, nil
}

func (s *Impl) TaskStart(ctx context.Context, in TaskStartInput) (Phase, error) {
	switch in.Sid {
	case "panic":
		panic("task_start: deliberate panic")
	case "fail":
		return "", errors.New("disk on fire")
	case "slow":
		<-ctx.Done()
		select {
		case s.Canceled <- ctx.Err():
		default:
		}
		return "", ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tasks[in.Sid]
	if !ok {
		return "", notFound(in.Sid)
	}
	if t.Phase == PhaseDone || t.Phase == PhaseFailed {
		return "", ErrBadPhase.WithData(map[string]string{"phase": string(t.Phase)})
	}
	if in.DryRun != nil && *in.DryRun {
		return PhasePending, nil
	}
	t.Phase = PhaseRunning
	s.tasks[in.Sid] = t
	return PhaseRunning, nil
}

func (s *Impl) Echo(ctx context.Context, in EchoInput) (Task, error) {
	return in.Task, nil
}

func (s *Impl) Reset(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tasks = map[string]Task{}
	return nil
}

func (s *Impl) Sum(ctx context.Context, in SumInput) (float64, error) {
	total := 0.0
	for _, v := range in.Values {
		total += v
	}
	return total, nil
}

func (s *Impl) Scale(ctx context.Context, in ScaleInput) ([]float64, error) {
	factor, offset := 1.0, 0.0
	if in.Factor != nil {
		factor = *in.Factor
	}
	if in.Offset != nil {
		offset = *in.Offset
	}
	out := make([]float64, len(in.Values))
	for i, v := range in.Values {
		out[i] = v*factor + offset
	}
	return out, nil
}
