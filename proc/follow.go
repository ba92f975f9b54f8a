package proc

import (
	"context"
	"errors"
	"sync"
	"time"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

// followPoll is the longest logs_follow long-poll a Follower asks for.
const followPoll = 10 * time.Second

// The backoff of a Follower between reconnection attempts.
const (
	followBackoffMin = 100 * time.Millisecond
	followBackoffMax = 2 * time.Second
)

// Follow returns a Follower of the lines f selects, starting after the
// cursor f.After. The Follower long-polls logs_follow and survives dropped
// connections and daemon restarts: it reconnects with backoff (100 ms
// doubling to 2 s) for as long as the daemon is unavailable and resumes
// from the last line it delivered, so no line is missed or repeated. It
// ends when ctx ends, when Close is called, or, following a run or a job
// (f.RunID or f.JobID), once that has finished and every line was
// delivered.
//
// A typical loop:
//
//	fl := c.Logs().Follow(ctx, proc.LogFilter{RunID: run.ID})
//	defer fl.Close()
//	for fl.Next() {
//		fmt.Println(fl.Entry().Content)
//	}
//	if err := fl.Err(); err != nil { ... }
func (l *Logs) Follow(ctx context.Context, f LogFilter) *Follower {
	fctx, cancel := context.WithCancel(ctx)
	return &Follower{api: l.api, parent: ctx, ctx: fctx, cancel: cancel, filter: f, after: f.After, cursor: f.After}
}

// Follower iterates over log lines as they are written; see Logs.Follow.
// Next, Entry, Cursor and Err are for one goroutine; Close may be called
// from any, also while Next blocks.
type Follower struct {
	api    *heroproc.Client
	parent context.Context
	ctx    context.Context
	cancel context.CancelFunc
	filter LogFilter

	after  int64 // the cursor of the next logs_follow
	cursor int64 // the logid of the last entry delivered
	buf    []LogEntry
	entry  LogEntry
	done   bool // the followed run or job finished: no lines after buf
	err    error
	ended  bool

	mu     sync.Mutex
	closed bool

	// poll is how long a long-poll waits at most; followPoll unless a test
	// says otherwise.
	poll time.Duration
}

// Next waits for the next line and reports whether there is one (Entry).
// It returns false when ctx ended, the Follower was closed, the followed
// run or job finished and every line was delivered, or a call failed with
// an error other than ErrUnavailable (see Err).
func (f *Follower) Next() bool {
	for {
		if f.ended {
			return false
		}
		if len(f.buf) > 0 {
			f.entry = f.buf[0]
			f.buf = f.buf[1:]
			f.cursor = f.entry.Logid
			return true
		}
		if f.done {
			return f.end(nil)
		}
		if err := f.fetch(); err != nil {
			if err == errClosed {
				err = nil
			}
			return f.end(err)
		}
	}
}

// fetch long-polls once (reconnecting while the daemon is unavailable) and
// fills buf with the new lines.
func (f *Follower) fetch() error {
	backoff := followBackoffMin
	for {
		if f.ctx.Err() != nil {
			return f.ctxErr()
		}
		page, err := f.api.LogsFollow(f.ctx, f.input())
		if err == nil {
			f.take(page)
			return nil
		}
		if f.ctx.Err() != nil {
			return f.ctxErr()
		}
		if !errors.Is(err, ErrUnavailable) && !errors.Is(err, ErrShuttingDown) {
			return err
		}
		// The daemon is gone or restarting: logs_follow is a read, so
		// asking again from the same cursor loses and repeats nothing.
		if !sleep(f.ctx, backoff) {
			return f.ctxErr()
		}
		if backoff *= 2; backoff > followBackoffMax {
			backoff = followBackoffMax
		}
	}
}

func (f *Follower) input() heroproc.LogsFollowInput {
	poll := f.poll
	if poll <= 0 {
		poll = followPoll
	}
	ms := uint64(pollTimeout(f.ctx, poll) / time.Millisecond)
	in := heroproc.LogsFollowInput{
		Service: optString(f.filter.Service),
		RunID:   optString(f.filter.RunID),
		JobID:   optString(f.filter.JobID),
		After:   optInt64(f.after),
		Limit:   optUint32(f.filter.Limit),
		WaitMs:  &ms,
	}
	if f.filter.Stream != "" {
		s := f.filter.Stream
		in.Stream = &s
	}
	if f.filter.Level != "" {
		l := f.filter.Level
		in.Level = &l
	}
	return in
}

// take buffers the page's lines after the cursor within Since and Until,
// and advances the cursor of the next call.
func (f *Follower) take(page LogPage) {
	for _, e := range page.Entries {
		if e.Logid <= f.after {
			continue // already delivered: never repeat a line
		}
		f.after = e.Logid
		if !f.filter.Since.IsZero() && e.Time.Before(f.filter.Since) {
			continue
		}
		if !f.filter.Until.IsZero() && e.Time.After(f.filter.Until) {
			continue
		}
		f.buf = append(f.buf, e)
	}
	if page.Next > f.after {
		f.after = page.Next
	}
	f.done = page.Done
}

// errClosed ends a Follower that was closed.
var errClosed = errors.New("hero_proc: follower closed")

// ctxErr is the error of a Follower whose context ended: errClosed after
// Close.
func (f *Follower) ctxErr() error {
	f.mu.Lock()
	closed := f.closed
	f.mu.Unlock()
	if closed && f.parent.Err() == nil {
		return errClosed
	}
	return contextError(heroproc.MethodLogsFollow, f.parent)
}

func (f *Follower) end(err error) bool {
	f.ended = true
	f.err = err
	f.entry = LogEntry{}
	f.cancel()
	return false
}

// Entry is the line the last Next returned true for.
func (f *Follower) Entry() LogEntry { return f.entry }

// Cursor is the logid of the last line delivered (f.After before the
// first); a new Follower with this as LogFilter.After continues after it.
func (f *Follower) Cursor() int64 { return f.cursor }

// Err is why Next returned false: nil when the followed run or job
// finished or after Close; a Timeout kind error (ErrTimeout,
// context.DeadlineExceeded) or one matching context.Canceled when ctx
// ended; otherwise the error of the failed call.
func (f *Follower) Err() error { return f.err }

// Close stops the Follower: a Next blocked in a long-poll returns false and
// Err stays nil. It always returns nil.
func (f *Follower) Close() error {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.cancel()
	return nil
}
