package golangtest

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	code := m.Run()
	Cleanup()
	os.Exit(code)
}

func post(t *testing.T, c *http.Client, url, body string) string {
	t.Helper()
	resp, err := c.Post(url, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

func TestStartKitchenSink(t *testing.T) {
	s := StartKitchenSink(t)
	unix := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", s.Socket)
	}}}
	// Both endpoints reach the same store.
	got := post(t, http.DefaultClient, s.URL,
		`{"jsonrpc":"2.0","method":"task_new","params":{"task":{"sid":"a","name":"n","phase":"pending","priority":1,"attempts":0,"size":0,"quota":0,"ratio":0,"score":0,"done":false,"created_at":"2026-01-01T00:00:00Z","payload":"","extra":null,"tags":[],"labels":{},"steps":[],"matrix":{},"owner":{"name":"o"}}},"id":1}`)
	assert.Contains(t, got, `"sid":"a"`)
	assert.Equal(t, `{"jsonrpc":"2.0","result":["a"],"id":2}`,
		post(t, unix, "http://unix/rpc", `{"jsonrpc":"2.0","method":"task_list","id":2}`))
	assert.Equal(t, `{"jsonrpc":"2.0","error":{"code":1004,"message":"The task does not exist.","data":{"sid":"x"}},"id":3}`,
		post(t, unix, "http://unix/rpc", `{"jsonrpc":"2.0","method":"task_get","params":{"sid":"x"},"id":3}`))

	// A second server starts empty.
	s2 := StartKitchenSink(t)
	assert.Equal(t, `{"jsonrpc":"2.0","result":[],"id":1}`,
		post(t, http.DefaultClient, s2.URL, `{"jsonrpc":"2.0","method":"task_list","id":1}`))
}
