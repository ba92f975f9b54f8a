package beta

import "context"

type impl struct{}

// NewImpl returns the test implementation.
func NewImpl() Server { return impl{} }

func (impl) GetPoint(_ context.Context, in GetPointInput) (Point, error) {
	return Point{X: 1.5, Label: in.Label}, nil
}

func (impl) Scale(_ context.Context, in ScaleInput) (Point, error) {
	return Point{X: in.P.X * in.Factor, Label: in.P.Label}, nil
}
