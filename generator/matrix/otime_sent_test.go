package matrix

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/emit/golang"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// otimeSendDriver calls take (params by name) and take_by_position
// (@positional) with an otime the rule accepts (offset +23:59) and with
// one it refuses (offset +24:00, which Go 1.19's encoding/json writes and
// newer versions refuse to encode).
const otimeSendDriver = `package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	api "example.com/kitchensink"
)

func report(err error) {
	if err == nil {
		fmt.Println("ok")
		return
	}
	fmt.Println("refused", strings.ReplaceAll(err.Error(), "\n", " "))
}

func main() {
	c := api.NewClient(api.NewHTTPTransport(os.Args[1]))
	ctx := context.Background()
	for _, offset := range []int{23*3600 + 59*60, 24 * 3600} {
		at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("", offset))
		_, err := c.Take(ctx, api.TakeInput{At: at})
		report(err)
		_, err = c.TakeByPosition(ctx, api.TakeByPositionInput{At: at})
		report(err)
	}
}
`

// TestGoClientRefusesToSendBadOtimes: the generated Go client checks the
// otimes it sends against the otime rule, for params by name and for a
// @positional call alike, whatever the Go version's encoding/json writes:
// an offset of 24 hours fails the call before anything is sent.
func TestGoClientRefusesToSendBadOtimes(t *testing.T) {
	testtool.SkipUnderBazel(t, "builds a Go client")
	s, svc := evolutionSchema(t, otimeSchema)
	var mu sync.Mutex
	var received []string
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		received = append(received, string(b))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"jsonrpc":"2.0","id":`+requestID(b)+`,"result":true}`)
	})}
	go hs.Serve(ln) //nolint:errcheck // returns when closed
	t.Cleanup(func() { hs.Close() })
	endpoint := "http://" + ln.Addr().String() + "/rpc"

	files, err := golang.Generate(s, svc, emit.Options{})
	require.NoError(t, err)
	for _, goBin := range []string{testtool.Look(t, "go"), testtool.Look(t, "go1.19", "/usr/lib/go-1.19/bin/go")} {
		goBin := goBin
		t.Run(filepath.Base(filepath.Dir(filepath.Dir(goBin))), func(t *testing.T) {
			mu.Lock()
			received = nil
			mu.Unlock()
			bin := goBuildWith(t, goBin, scratchDir(t, "otime-send-go-client"), map[string][]byte{
				"api.go": files[0].Content, "openrpc.json": openrpcDoc(t, s, svc), "cmd/client/main.go": []byte(otimeSendDriver),
			}, "./cmd/client")
			out := strings.Split(strings.TrimSpace(run(t, "", filepath.Join(bin, "client"), endpoint)), "\n")
			require.Len(t, out, 4)
			assert.Equal(t, []string{"ok", "ok"}, out[:2], "+23:59 is an otime")
			for _, line := range out[2:] {
				assert.True(t, strings.HasPrefix(line, "refused "), line)
				assert.Contains(t, line, "encoding params", line)
			}
			mu.Lock()
			defer mu.Unlock()
			require.Len(t, received, 2, "nothing is sent for the refused calls")
			assert.Contains(t, received[0], `"params":{"at":"2024-01-02T03:04:05+23:59"}`)
			assert.Contains(t, received[1], `"params":["2024-01-02T03:04:05+23:59"]`)
		})
	}
}

// requestID returns the raw id of a JSON-RPC request body.
func requestID(body []byte) string {
	var req struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(body, &req) != nil || len(req.ID) == 0 {
		return "null"
	}
	return string(req.ID)
}
