package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
	"github.com/lhumina-code/rules_oschema/procd/procdtest"
)

func TestSecretsLifecycleMaskingAndAtRest(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	const value = "s3cr3t-Value-8d1f"
	ctx := ctxT(t, 20*time.Second)
	info, err := c.SecretSet(ctx, heroproc.SecretSetInput{Context: "prod", Key: "token", Value: value})
	require.NoError(t, err)
	assert.Equal(t, "prod", info.Context)
	assert.Equal(t, "token", info.Key)
	_, err = c.SecretSet(ctx, heroproc.SecretSetInput{Context: "dev", Key: "other", Value: "dev-value-123"})
	require.NoError(t, err)
	s, err := c.SecretGet(ctx, heroproc.SecretGetInput{Context: "prod", Key: "token"})
	require.NoError(t, err)
	assert.Equal(t, value, s.Value)
	_, err = c.SecretGet(ctx, heroproc.SecretGetInput{Context: "dev", Key: "token"})
	assert.ErrorIs(t, err, heroproc.ErrNotFound, "contexts are separate")

	list, err := c.SecretList(ctx, heroproc.SecretListInput{})
	require.NoError(t, err)
	assert.Len(t, list, 2)
	prod := "prod"
	list, err = c.SecretList(ctx, heroproc.SecretListInput{Context: &prod})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "token", list[0].Key)
	// The raw answer holds names only.
	r := rawCall(t, unixHTTP(d.Socket), "http://unix/rpc", `{"jsonrpc":"2.0","id":1,"method":"secret.list","params":{}}`)
	require.Nil(t, r.Error)
	assert.NotContains(t, string(r.Result), value)
	assert.NotContains(t, string(r.Result), "dev-value-123")
	assert.NotContains(t, string(r.Result), `"value"`)

	// A job gets it in its environment; its log shows "***".
	a := sh("show", `echo "token=$TOKEN"; echo "$TOKEN" >&2; echo "len=${#TOKEN}"`)
	a.SecretEnv = map[string]string{"TOKEN": "token"}
	run, err := c.RunStart(ctx, heroproc.RunStartInput{Name: "sec", Context: &prod, Actions: []heroproc.ActionSpec{a}})
	require.NoError(t, err)
	run = waitRun(t, c, run.ID, 10*time.Second)
	require.Equal(t, heroproc.RunPhaseSuccess, run.Phase, "%+v", run.Jobs)
	assert.ElementsMatch(t, []string{"token=***", "***", "len=17"}, lines(t, c, run.ID, ""))
	// A run in another context cannot read it.
	run2, err := c.RunStart(ctx, heroproc.RunStartInput{Name: "sec", Actions: []heroproc.ActionSpec{a}})
	require.NoError(t, err)
	run2 = waitRun(t, c, run2.ID, 10*time.Second)
	assert.Equal(t, heroproc.JobPhaseFailed, run2.Jobs[0].Phase)
	assert.Contains(t, derefS(run2.Jobs[0].Error), `secret "token" of context "default" is not set`)

	// Services use their context.
	putSvc(t, c, heroproc.ServiceSpec{Name: "svc", Context: &prod, Actions: []heroproc.ActionSpec{a}})
	sr, err := c.ServiceStart(ctx, heroproc.ServiceStartInput{Name: "svc"})
	require.NoError(t, err)
	sr = waitRun(t, c, sr.ID, 10*time.Second)
	require.Equal(t, heroproc.RunPhaseSuccess, sr.Phase)
	assert.Contains(t, lines(t, c, sr.ID, ""), "token=***")

	// At rest: in no file of the data directory, WAL files included.
	require.NoError(t, d.Stop(10*time.Second))
	var scanned []string
	require.NoError(t, filepath.Walk(d.DataDir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		scanned = append(scanned, filepath.Base(p))
		assert.False(t, strings.Contains(string(b), value), "%s holds the secret value", p)
		assert.False(t, strings.Contains(string(b), "dev-value-123"), "%s holds a secret value", p)
		return nil
	}))
	assert.Contains(t, scanned, "state.db")
	t.Logf("scanned %v", scanned)
	fi, err := os.Stat(filepath.Join(d.DataDir, "secret.key"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	// Stored while the daemon was down, readable after; delete works.
	d.Restart()
	c = d.Client()
	ctx = ctxT(t, 10*time.Second)
	s, err = c.SecretGet(ctx, heroproc.SecretGetInput{Context: "prod", Key: "token"})
	require.NoError(t, err)
	assert.Equal(t, value, s.Value)
	require.NoError(t, c.SecretDelete(ctx, heroproc.SecretDeleteInput{Context: "prod", Key: "token"}))
	_, err = c.SecretGet(ctx, heroproc.SecretGetInput{Context: "prod", Key: "token"})
	assert.ErrorIs(t, err, heroproc.ErrNotFound)
	list, err = c.SecretList(ctx, heroproc.SecretListInput{Context: &prod})
	require.NoError(t, err)
	assert.Empty(t, list)
	_, err = c.SecretSet(ctx, heroproc.SecretSetInput{Context: "bad context!", Key: "k", Value: "v"})
	assert.ErrorIs(t, err, heroproc.ErrInvalidSpec)
}
