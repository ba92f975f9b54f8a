// Package server is hero_procd's API: it implements the generated
// heroproc.Server on top of the supervisor and serves it with the
// generated handler, on a Unix socket (mode 0600 in a 0700 directory) and,
// when asked, on HTTP bound to loopback with a bearer token.
package server

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
	"github.com/lhumina-code/rules_oschema/procd/store"
	"github.com/lhumina-code/rules_oschema/procd/supervisor"
)

// Info is what system.version reports besides the supervisor's state.
type Info struct {
	Version string
	Pid     int64
	Started time.Time
	Socket  string
	DataDir string
}

// API implements heroproc.Server.
type API struct {
	sup *supervisor.Supervisor
	st  *store.Store
	inf Info
	// Shutdown is called (once, in its own goroutine) by system.shutdown.
	Shutdown func(detach bool)
}

var _ heroproc.Server = (*API)(nil)

// New returns the API over sup.
func New(sup *supervisor.Supervisor, st *store.Store, inf Info) *API {
	return &API{sup: sup, st: st, inf: inf}
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func u32(p *uint32) int {
	if p == nil {
		return 0
	}
	return int(*p)
}

func i64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func clampMs(p *uint64, def, max time.Duration) time.Duration {
	if p == nil {
		return def
	}
	d := time.Duration(*p) * time.Millisecond
	if d > max {
		return max
	}
	return d
}

// ServicePut implements heroproc.Server.
func (a *API) ServicePut(ctx context.Context, in heroproc.ServicePutInput) (heroproc.ServiceStatus, error) {
	return a.sup.PutService(ctx, in.Spec)
}

// ServiceGet implements heroproc.Server.
func (a *API) ServiceGet(ctx context.Context, in heroproc.ServiceGetInput) (heroproc.ServiceSpec, error) {
	return a.sup.GetService(in.Name)
}

// ServiceList implements heroproc.Server.
func (a *API) ServiceList(ctx context.Context) ([]heroproc.ServiceStatus, error) {
	return a.sup.ListServices(), nil
}

// ServiceDelete implements heroproc.Server.
func (a *API) ServiceDelete(ctx context.Context, in heroproc.ServiceDeleteInput) error {
	return a.sup.DeleteService(ctx, in.Name)
}

// ServiceStart implements heroproc.Server.
func (a *API) ServiceStart(ctx context.Context, in heroproc.ServiceStartInput) (heroproc.Run, error) {
	return a.sup.StartService(ctx, in.Name)
}

// ServiceStop implements heroproc.Server.
func (a *API) ServiceStop(ctx context.Context, in heroproc.ServiceStopInput) (heroproc.ServiceStatus, error) {
	return a.sup.StopService(ctx, in.Name)
}

// ServiceRestart implements heroproc.Server.
func (a *API) ServiceRestart(ctx context.Context, in heroproc.ServiceRestartInput) (heroproc.Run, error) {
	return a.sup.RestartService(ctx, in.Name, in.KeepJobs != nil && *in.KeepJobs)
}

// ServiceStatus implements heroproc.Server.
func (a *API) ServiceStatus(ctx context.Context, in heroproc.ServiceStatusInput) (heroproc.ServiceStatus, error) {
	return a.sup.ServiceStatus(in.Name)
}

// RunStart implements heroproc.Server.
func (a *API) RunStart(ctx context.Context, in heroproc.RunStartInput) (heroproc.Run, error) {
	return a.sup.StartRun(in.Name, in.Actions, str(in.Context))
}

// RunGet implements heroproc.Server.
func (a *API) RunGet(ctx context.Context, in heroproc.RunGetInput) (heroproc.Run, error) {
	return a.sup.GetRun(in.ID)
}

// RunList implements heroproc.Server.
func (a *API) RunList(ctx context.Context, in heroproc.RunListInput) ([]heroproc.Run, error) {
	var phase heroproc.RunPhase
	if in.Phase != nil {
		phase = *in.Phase
	}
	return a.sup.ListRuns(str(in.Service), phase, u32(in.Limit)), nil
}

// RunStatus implements heroproc.Server.
func (a *API) RunStatus(ctx context.Context, in heroproc.RunStatusInput) (heroproc.RunStatus, error) {
	return a.sup.RunStatus(in.ID)
}

// RunWait implements heroproc.Server.
func (a *API) RunWait(ctx context.Context, in heroproc.RunWaitInput) (heroproc.Run, error) {
	return a.sup.WaitRun(ctx, in.ID, clampMs(in.TimeoutMs, 30*time.Second, 300*time.Second))
}

// RunCancel implements heroproc.Server.
func (a *API) RunCancel(ctx context.Context, in heroproc.RunCancelInput) (heroproc.Run, error) {
	return a.sup.CancelRun(ctx, in.ID)
}

// RunLogs implements heroproc.Server.
func (a *API) RunLogs(ctx context.Context, in heroproc.RunLogsInput) (heroproc.LogPage, error) {
	return a.sup.Logs(ctx, store.LogQuery{RunID: in.ID, After: i64(in.After), Limit: u32(in.Limit)}, 0)
}

// JobGet implements heroproc.Server.
func (a *API) JobGet(ctx context.Context, in heroproc.JobGetInput) (heroproc.Job, error) {
	return a.sup.GetJob(in.ID)
}

// JobList implements heroproc.Server.
func (a *API) JobList(ctx context.Context, in heroproc.JobListInput) ([]heroproc.Job, error) {
	var phase heroproc.JobPhase
	if in.Phase != nil {
		phase = *in.Phase
	}
	return a.sup.ListJobs(str(in.RunID), str(in.Service), phase, u32(in.Limit)), nil
}

// JobStop implements heroproc.Server.
func (a *API) JobStop(ctx context.Context, in heroproc.JobStopInput) (heroproc.Job, error) {
	return a.sup.StopJob(ctx, in.ID)
}

// JobLogs implements heroproc.Server.
func (a *API) JobLogs(ctx context.Context, in heroproc.JobLogsInput) (heroproc.LogPage, error) {
	return a.sup.Logs(ctx, store.LogQuery{JobID: in.ID, After: i64(in.After), Limit: u32(in.Limit)}, 0)
}

func query(service, runID, jobID *string, stream *heroproc.LogStream, level *heroproc.LogLevel, after *int64, limit *uint32) store.LogQuery {
	q := store.LogQuery{Service: str(service), RunID: str(runID), JobID: str(jobID), After: i64(after), Limit: u32(limit)}
	if stream != nil {
		q.Stream = *stream
	}
	if level != nil {
		q.Level = *level
	}
	return q
}

// LogsQuery implements heroproc.Server.
func (a *API) LogsQuery(ctx context.Context, in heroproc.LogsQueryInput) (heroproc.LogPage, error) {
	q := query(in.Service, in.RunID, in.JobID, in.Stream, in.Level, in.After, in.Limit)
	if in.Since != nil {
		q.Since = *in.Since
	}
	if in.Until != nil {
		q.Until = *in.Until
	}
	return a.sup.Logs(ctx, q, 0)
}

// LogsFollow implements heroproc.Server.
func (a *API) LogsFollow(ctx context.Context, in heroproc.LogsFollowInput) (heroproc.LogPage, error) {
	q := query(in.Service, in.RunID, in.JobID, in.Stream, in.Level, in.After, in.Limit)
	return a.sup.Logs(ctx, q, clampMs(in.WaitMs, 10*time.Second, 60*time.Second))
}

// SecretSet implements heroproc.Server.
func (a *API) SecretSet(ctx context.Context, in heroproc.SecretSetInput) (heroproc.SecretInfo, error) {
	return a.sup.SetSecret(in.Context, in.Key, in.Value)
}

// SecretGet implements heroproc.Server.
func (a *API) SecretGet(ctx context.Context, in heroproc.SecretGetInput) (heroproc.Secret, error) {
	return a.sup.GetSecret(in.Context, in.Key)
}

// SecretList implements heroproc.Server.
func (a *API) SecretList(ctx context.Context, in heroproc.SecretListInput) ([]heroproc.SecretInfo, error) {
	return a.sup.ListSecrets(str(in.Context))
}

// SecretDelete implements heroproc.Server.
func (a *API) SecretDelete(ctx context.Context, in heroproc.SecretDeleteInput) error {
	return a.sup.DeleteSecret(in.Context, in.Key)
}

// SystemVersion implements heroproc.Server.
func (a *API) SystemVersion(ctx context.Context) (heroproc.VersionInfo, error) {
	return heroproc.VersionInfo{Version: a.inf.Version, APIVersion: heroproc.ServiceVersion, Pid: a.inf.Pid,
		StartedAt: a.inf.Started, Socket: a.inf.Socket, DataDir: a.inf.DataDir}, nil
}

// SystemHealth implements heroproc.Server.
func (a *API) SystemHealth(ctx context.Context) (heroproc.Health, error) {
	svcs, running := a.sup.Counts()
	h := heroproc.Health{Ok: true, StoreOk: true, UptimeSecs: uint64(a.sup.Uptime().Seconds()), Services: uint32(svcs), RunningJobs: uint32(running)}
	if err := a.st.Ping(); err != nil {
		h.Ok, h.StoreOk = false, false
		msg := "store: " + err.Error()
		h.Error = &msg
	}
	return h, nil
}

// SystemShutdown implements heroproc.Server.
func (a *API) SystemShutdown(ctx context.Context, in heroproc.SystemShutdownInput) error {
	if a.Shutdown != nil {
		go a.Shutdown(in.Detach != nil && *in.Detach)
	}
	return nil
}

// WithToken requires `Authorization: Bearer <token>` on every request
// but GET /health. It adds no CORS header: browsers cannot read answers
// from another origin, and cannot send the token.
func WithToken(h http.Handler, token string) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/health" && r.Method == http.MethodGet {
			h.ServeHTTP(w, r)
			return
		}
		got := []byte(strings.TrimSpace(r.Header.Get("Authorization")))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="hero_proc"`)
			http.Error(w, "hero_procd: missing or wrong bearer token", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// NewHTTPServer returns an http.Server with the limits a daemon needs:
// slow or oversized requests are cut off; answers may take long (run.wait
// and logs.follow long-poll, bounded by the API itself).
func NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}
