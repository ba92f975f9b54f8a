package gamma

import "context"

type impl struct{}

// NewImpl returns the test implementation.
func NewImpl() Server { return impl{} }

func (impl) Add(_ context.Context, in AddInput) (int64, error) {
	return in.A + in.B, nil
}
