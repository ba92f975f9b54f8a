package alpha

import "context"

type impl struct{}

// NewImpl returns the test implementation.
func NewImpl() Server { return impl{} }

func (impl) Greet(_ context.Context, in GreetInput) (string, error) {
	return "hello " + in.Name, nil
}
