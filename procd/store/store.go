// Package store keeps hero_procd's state in SQLite (the pure-Go
// modernc.org/sqlite driver): services, runs, jobs and secrets in
// state.db, log lines in logs.db.
//
// Durability: state.db runs in WAL mode with synchronous=FULL, and every
// mutating call commits before it returns, so the API answers only after
// its change is on disk. logs.db runs in WAL mode with synchronous=NORMAL
// (a process crash loses nothing; only an OS crash can roll back the last
// commits) and takes lines in batches. The offset up to which each job
// attempt's log file has been read is committed in the same transaction
// as its lines: after any crash, reading resumes exactly there, with no
// line lost and none stored twice.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// Store is the daemon's persistence. Its methods are safe for concurrent
// use; each database has one connection, so writes are serialized.
type Store struct {
	state *sql.DB
	logs  *sql.DB
}

// ErrNotFound is returned for a missing row.
var ErrNotFound = errors.New("not found")

const stateSchema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS services (
	name TEXT PRIMARY KEY,
	spec TEXT NOT NULL,
	wanted TEXT NOT NULL,
	run_id TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS runs (
	id TEXT PRIMARY KEY,
	created INTEGER NOT NULL,
	service TEXT NOT NULL DEFAULT '',
	data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_service ON runs(service, created);
CREATE TABLE IF NOT EXISTS jobs (
	id TEXT PRIMARY KEY,
	run_id TEXT NOT NULL,
	idx INTEGER NOT NULL,
	data TEXT NOT NULL,
	shim_pid INTEGER NOT NULL DEFAULT 0,
	shim_start INTEGER NOT NULL DEFAULT 0,
	attempt_dir TEXT NOT NULL DEFAULT '',
	private TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS jobs_run ON jobs(run_id, idx);
CREATE TABLE IF NOT EXISTS secrets (
	context TEXT NOT NULL,
	key TEXT NOT NULL,
	value BLOB NOT NULL,
	updated INTEGER NOT NULL,
	PRIMARY KEY (context, key)
);
`

const logsSchema = `
CREATE TABLE IF NOT EXISTS logs (
	logid INTEGER PRIMARY KEY AUTOINCREMENT,
	run_id TEXT NOT NULL,
	job_id TEXT NOT NULL,
	service TEXT NOT NULL,
	src TEXT NOT NULL,
	stream TEXT NOT NULL,
	seq INTEGER NOT NULL,
	time INTEGER NOT NULL,
	level INTEGER NOT NULL,
	content TEXT NOT NULL,
	continued INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_job ON logs(job_id, logid);
CREATE INDEX IF NOT EXISTS logs_run ON logs(run_id, logid);
CREATE INDEX IF NOT EXISTS logs_service ON logs(service, logid);
CREATE INDEX IF NOT EXISTS logs_time ON logs(time);
CREATE TABLE IF NOT EXISTS offsets (
	job_id TEXT NOT NULL,
	attempt INTEGER NOT NULL,
	offset INTEGER NOT NULL,
	PRIMARY KEY (job_id, attempt)
);
`

// Open opens (creating when missing) the databases in dir.
func Open(dir string) (*Store, error) {
	state, err := openDB(filepath.Join(dir, "state.db"), "FULL", stateSchema)
	if err != nil {
		return nil, err
	}
	logs, err := openDB(filepath.Join(dir, "logs.db"), "NORMAL", logsSchema)
	if err != nil {
		state.Close()
		return nil, err
	}
	return &Store{state: state, logs: logs}, nil
}

func openDB(path, sync, schema string) (*sql.DB, error) {
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(" + sync +
		")&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes both databases.
func (s *Store) Close() error {
	err1 := s.state.Close()
	err2 := s.logs.Close()
	if err1 != nil {
		return err1
	}
	return err2
}

// Ping writes to the state database: the health check of the store.
func (s *Store) Ping() error {
	_, err := s.state.Exec(`INSERT INTO meta(key, value) VALUES('ping', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, time.Now().UTC().Format(time.RFC3339))
	return err
}

// Meta returns a value of the meta table ("" when absent).
func (s *Store) Meta(key string) (string, error) {
	var v string
	err := s.state.QueryRow(`SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetMeta stores a value of the meta table.
func (s *Store) SetMeta(key, value string) error {
	_, err := s.state.Exec(`INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// Service is a stored service.
type Service struct {
	Spec   heroproc.ServiceSpec
	Wanted heroproc.WantedState
	RunID  string
}

// PutService stores a service.
func (s *Store) PutService(svc Service) error {
	b, err := json.Marshal(svc.Spec)
	if err != nil {
		return err
	}
	_, err = s.state.Exec(`INSERT INTO services(name, spec, wanted, run_id) VALUES(?, ?, ?, ?)
		ON CONFLICT(name) DO UPDATE SET spec = excluded.spec, wanted = excluded.wanted, run_id = excluded.run_id`,
		svc.Spec.Name, string(b), string(svc.Wanted), svc.RunID)
	return err
}

// DeleteService forgets a service.
func (s *Store) DeleteService(name string) error {
	_, err := s.state.Exec(`DELETE FROM services WHERE name = ?`, name)
	return err
}

// Services returns every stored service.
func (s *Store) Services() ([]Service, error) {
	rows, err := s.state.Query(`SELECT spec, wanted, run_id FROM services ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Service
	for rows.Next() {
		var spec, wanted, runID string
		if err := rows.Scan(&spec, &wanted, &runID); err != nil {
			return nil, err
		}
		var svc Service
		if err := json.Unmarshal([]byte(spec), &svc.Spec); err != nil {
			return nil, err
		}
		svc.Wanted, svc.RunID = heroproc.WantedState(wanted), runID
		out = append(out, svc)
	}
	return out, rows.Err()
}

// JobRecord is a stored job with what the daemon needs to find its
// helper again after a restart.
type JobRecord struct {
	Job        heroproc.Job
	Index      int
	ShimPid    int
	ShimStart  uint64
	AttemptDir string
	Private    JobPrivate
}

// JobPrivate is the daemon's own bookkeeping of a job, kept across
// restarts of the daemon.
type JobPrivate struct {
	NextSeq             int64  `json:"next_seq,omitempty"`             // sequence number of the next line
	Retries             uint32 `json:"retries,omitempty"`              // retries used since the last success
	ConsecutiveRestarts uint32 `json:"consecutive_restarts,omitempty"` // restarts without a stable uptime
	StopRequested       bool   `json:"stop_requested,omitempty"`
	RestartRequested    bool   `json:"restart_requested,omitempty"` // a liveness failure asked for a restart
}

// PutRun stores a run (without its jobs) and, in the same transaction,
// the given jobs.
func (s *Store) PutRun(r heroproc.Run, jobs ...JobRecord) error {
	tx, err := s.state.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck
	r.Jobs = nil
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	svc := ""
	if r.Service != nil {
		svc = *r.Service
	}
	if _, err := tx.Exec(`INSERT INTO runs(id, created, service, data) VALUES(?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET data = excluded.data`, r.ID, r.CreatedAt.UnixNano(), svc, string(b)); err != nil {
		return err
	}
	for _, j := range jobs {
		if err := putJob(tx, j); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// PutJob stores a job.
func (s *Store) PutJob(j JobRecord) error { return putJob(s.state, j) }

type execer interface {
	Exec(query string, args ...interface{}) (sql.Result, error)
}

func putJob(db execer, j JobRecord) error {
	b, err := json.Marshal(j.Job)
	if err != nil {
		return err
	}
	p, err := json.Marshal(j.Private)
	if err != nil {
		return err
	}
	_, err = db.Exec(`INSERT INTO jobs(id, run_id, idx, data, shim_pid, shim_start, attempt_dir, private) VALUES(?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET data = excluded.data, shim_pid = excluded.shim_pid,
		shim_start = excluded.shim_start, attempt_dir = excluded.attempt_dir, private = excluded.private`,
		j.Job.ID, j.Job.RunID, j.Index, string(b), j.ShimPid, int64(j.ShimStart), j.AttemptDir, string(p))
	return err
}

// DeleteRun deletes a run, its jobs and their log lines.
func (s *Store) DeleteRun(id string) error {
	tx, err := s.state.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck
	if _, err := tx.Exec(`DELETE FROM jobs WHERE run_id = ?`, id); err != nil {
		return err
	}
	if _, err := tx.Exec(`DELETE FROM runs WHERE id = ?`, id); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = s.logs.Exec(`DELETE FROM logs WHERE run_id = ?`, id)
	return err
}

// Runs returns every stored run (jobs not filled in), oldest first.
func (s *Store) Runs() ([]heroproc.Run, error) {
	rows, err := s.state.Query(`SELECT data FROM runs ORDER BY created, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []heroproc.Run
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		var r heroproc.Run
		if err := json.Unmarshal([]byte(data), &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Jobs returns every stored job, by run and index.
func (s *Store) Jobs() ([]JobRecord, error) {
	rows, err := s.state.Query(`SELECT data, idx, shim_pid, shim_start, attempt_dir, private FROM jobs ORDER BY run_id, idx`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JobRecord
	for rows.Next() {
		var data, private string
		var j JobRecord
		var start int64
		if err := rows.Scan(&data, &j.Index, &j.ShimPid, &start, &j.AttemptDir, &private); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(private), &j.Private); err != nil {
			return nil, err
		}
		j.ShimStart = uint64(start)
		if err := json.Unmarshal([]byte(data), &j.Job); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// PutSecret stores an (already encrypted) secret.
func (s *Store) PutSecret(context, key string, sealed []byte, at time.Time) error {
	_, err := s.state.Exec(`INSERT INTO secrets(context, key, value, updated) VALUES(?, ?, ?, ?)
		ON CONFLICT(context, key) DO UPDATE SET value = excluded.value, updated = excluded.updated`,
		context, key, sealed, at.UnixNano())
	return err
}

// Secret returns a stored secret's sealed value and update time.
func (s *Store) Secret(context, key string) ([]byte, time.Time, error) {
	var v []byte
	var at int64
	err := s.state.QueryRow(`SELECT value, updated FROM secrets WHERE context = ? AND key = ?`, context, key).Scan(&v, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, ErrNotFound
	}
	return v, time.Unix(0, at).UTC(), err
}

// SecretNames lists secrets (never values), of one context or all ("").
func (s *Store) SecretNames(context string) ([]heroproc.SecretInfo, error) {
	q := `SELECT context, key, updated FROM secrets`
	var args []interface{}
	if context != "" {
		q += ` WHERE context = ?`
		args = append(args, context)
	}
	rows, err := s.state.Query(q+` ORDER BY context, key`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []heroproc.SecretInfo{}
	for rows.Next() {
		var i heroproc.SecretInfo
		var at int64
		if err := rows.Scan(&i.Context, &i.Key, &at); err != nil {
			return nil, err
		}
		i.UpdatedAt = time.Unix(0, at).UTC()
		out = append(out, i)
	}
	return out, rows.Err()
}

// DeleteSecret deletes a secret; ErrNotFound when there was none.
func (s *Store) DeleteSecret(context, key string) error {
	res, err := s.state.Exec(`DELETE FROM secrets WHERE context = ? AND key = ?`, context, key)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// LogLine is a log line to store.
type LogLine struct {
	RunID, JobID, Service, Src string
	Stream                     heroproc.LogStream
	Seq                        int64
	Time                       time.Time
	Level                      heroproc.LogLevel
	Content                    string
	Continued                  bool
}

// Offset is how far an attempt's log file has been read.
type Offset struct {
	JobID   string
	Attempt uint32
	Offset  int64
}

// AppendLogs stores lines and the new offsets in one transaction.
func (s *Store) AppendLogs(lines []LogLine, offsets []Offset) error {
	tx, err := s.logs.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck
	// Multi-row inserts: one statement per 100 lines costs far less than
	// one per line in the pure-Go driver.
	const per = 100
	for len(lines) > 0 {
		n := len(lines)
		if n > per {
			n = per
		}
		q := make([]byte, 0, 160+n*24)
		q = append(q, "INSERT INTO logs(run_id, job_id, service, src, stream, seq, time, level, content, continued) VALUES "...)
		args := make([]interface{}, 0, n*10)
		for i, l := range lines[:n] {
			if i > 0 {
				q = append(q, ',')
			}
			q = append(q, "(?,?,?,?,?,?,?,?,?,?)"...)
			args = append(args, l.RunID, l.JobID, l.Service, l.Src, string(l.Stream), l.Seq, l.Time.UnixNano(), levelRank(l.Level), l.Content, boolInt(l.Continued))
		}
		if _, err := tx.Exec(string(q), args...); err != nil {
			return err
		}
		lines = lines[n:]
	}
	for _, o := range offsets {
		if _, err := tx.Exec(`INSERT INTO offsets(job_id, attempt, offset) VALUES(?, ?, ?)
			ON CONFLICT(job_id, attempt) DO UPDATE SET offset = excluded.offset`, o.JobID, o.Attempt, o.Offset); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// LogOffset returns how far an attempt's file has been read (0 if never).
func (s *Store) LogOffset(jobID string, attempt uint32) (int64, error) {
	var off int64
	err := s.logs.QueryRow(`SELECT offset FROM offsets WHERE job_id = ? AND attempt = ?`, jobID, attempt).Scan(&off)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return off, err
}

// DeleteOffsets forgets the offsets of a job (its files are gone).
func (s *Store) DeleteOffsets(jobID string) error {
	_, err := s.logs.Exec(`DELETE FROM offsets WHERE job_id = ?`, jobID)
	return err
}

// LogQuery selects log lines; zero fields do not filter.
type LogQuery struct {
	Service, RunID, JobID string
	Stream                heroproc.LogStream
	Level                 heroproc.LogLevel // this level and worse
	Since, Until          time.Time
	After                 int64
	Limit                 int
}

// QueryLogs returns matching lines with logid > After, oldest first.
func (s *Store) QueryLogs(ctx context.Context, q LogQuery) ([]heroproc.LogEntry, error) {
	var where []string
	var args []interface{}
	add := func(cond string, v interface{}) {
		where = append(where, cond)
		args = append(args, v)
	}
	add("logid > ?", q.After)
	if q.Service != "" {
		add("service = ?", q.Service)
	}
	if q.RunID != "" {
		add("run_id = ?", q.RunID)
	}
	if q.JobID != "" {
		add("job_id = ?", q.JobID)
	}
	if q.Stream != "" {
		add("stream = ?", string(q.Stream))
	}
	if q.Level != "" {
		add("level >= ?", levelRank(q.Level))
	}
	if !q.Since.IsZero() {
		add("time >= ?", q.Since.UnixNano())
	}
	if !q.Until.IsZero() {
		add("time < ?", q.Until.UnixNano())
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.logs.QueryContext(ctx, `SELECT logid, run_id, job_id, service, src, stream, seq, time, level, content, continued
		FROM logs WHERE `+strings.Join(where, " AND ")+` ORDER BY logid LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []heroproc.LogEntry{}
	for rows.Next() {
		var e heroproc.LogEntry
		var svc, stream string
		var t int64
		var level, cont int
		if err := rows.Scan(&e.Logid, &e.RunID, &e.JobID, &svc, &e.Src, &stream, &e.Seq, &t, &level, &e.Content, &cont); err != nil {
			return nil, err
		}
		if svc != "" {
			sv := svc
			e.Service = &sv
		}
		e.Stream = heroproc.LogStream(stream)
		e.Time = time.Unix(0, t).UTC()
		e.Level = levels[level]
		e.Continued = cont != 0
		out = append(out, e)
	}
	return out, rows.Err()
}

// LastLogID returns the highest logid stored (0 if none).
func (s *Store) LastLogID() (int64, error) {
	var id sql.NullInt64
	err := s.logs.QueryRow(`SELECT MAX(logid) FROM logs`).Scan(&id)
	return id.Int64, err
}

// PruneLogs deletes lines older than before, and the oldest lines beyond
// keep, in chunks; it returns how many it deleted.
func (s *Store) PruneLogs(before time.Time, keep int64) (int64, error) {
	var total int64
	for i := 0; i < 1000; i++ {
		res, err := s.logs.Exec(`DELETE FROM logs WHERE logid IN (SELECT logid FROM logs WHERE time < ? ORDER BY logid LIMIT 5000)`, before.UnixNano())
		if err != nil {
			return total, err
		}
		n, _ := res.RowsAffected()
		total += n
		if n < 5000 {
			break
		}
	}
	if keep > 0 {
		var maxID, count int64
		if err := s.logs.QueryRow(`SELECT COALESCE(MAX(logid), 0), COUNT(*) FROM logs`).Scan(&maxID, &count); err != nil {
			return total, err
		}
		if count > keep {
			res, err := s.logs.Exec(`DELETE FROM logs WHERE logid <= (SELECT logid FROM logs ORDER BY logid DESC LIMIT 1 OFFSET ?)`, keep)
			if err != nil {
				return total, err
			}
			n, _ := res.RowsAffected()
			total += n
		}
	}
	if total > 0 {
		_, _ = s.logs.Exec(`PRAGMA incremental_vacuum`)
	}
	return total, nil
}

var levels = []heroproc.LogLevel{heroproc.LogLevelDebug, heroproc.LogLevelInfo, heroproc.LogLevelWarn, heroproc.LogLevelError}

func levelRank(l heroproc.LogLevel) int {
	for i, v := range levels {
		if v == l {
			return i
		}
	}
	return 1
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
