package paint_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/go/tests/paint"
)

// painter is a Server that remembers the last colour of each sid.
type painter struct{ colors map[string]paint.Color }

func (p *painter) Paint(ctx context.Context, in paint.PaintInput) (bool, error) {
	changed := p.colors[in.Sid] != in.Color
	p.colors[in.Sid] = in.Color
	return changed, nil
}

// The library oschema_go_library compiled from 00_paint.oschema: its
// constants, and its Client talking to its Handler over HTTP.
func TestGeneratedLibrary(t *testing.T) {
	assert.Equal(t, "PaintService", paint.ServiceName)
	assert.Equal(t, "1.2.0", paint.ServiceVersion)

	srv := httptest.NewServer(paint.NewHandler(&painter{colors: map[string]paint.Color{}}))
	defer srv.Close()
	c := paint.NewClient(paint.NewHTTPTransport(srv.URL + "/rpc"))
	ctx := context.Background()

	changed, err := c.Paint(ctx, paint.PaintInput{Sid: "wall", Color: paint.ColorRed})
	require.NoError(t, err)
	assert.True(t, changed)
	changed, err = c.Paint(ctx, paint.PaintInput{Sid: "wall", Color: paint.ColorRed})
	require.NoError(t, err)
	assert.False(t, changed)

	// The enum is checked before the Server sees the call.
	_, err = c.Paint(ctx, paint.PaintInput{Sid: "wall", Color: "blue"})
	require.Error(t, err)
}
