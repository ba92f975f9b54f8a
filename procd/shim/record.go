package shim

import (
	"bytes"
	"errors"
	"strconv"
)

// Record is one log line as the shim writes it and the daemon reads it.
// On disk a record is one line:
//
//	SEQ TAB STREAM TAB UNIXNANO TAB FLAG TAB CONTENT NEWLINE
//
// STREAM is "o" (stdout), "e" (stderr) or "s" (system: the shim's own
// notes); FLAG is "c" when the line was longer than the bound and
// continues in the next record, else "-". CONTENT holds no newline (lines
// are split at newlines) and may hold any other byte.
type Record struct {
	Seq       int64
	Stream    byte
	UnixNano  int64
	Continued bool
	Content   []byte
}

// Streams of a Record.
const (
	Stdout byte = 'o'
	Stderr byte = 'e'
	System byte = 's'
)

// AppendRecord appends r's encoding to b.
func AppendRecord(b []byte, r Record) []byte {
	b = strconv.AppendInt(b, r.Seq, 10)
	b = append(b, '\t', r.Stream, '\t')
	b = strconv.AppendInt(b, r.UnixNano, 10)
	if r.Continued {
		b = append(b, "\tc\t"...)
	} else {
		b = append(b, "\t-\t"...)
	}
	b = append(b, r.Content...)
	return append(b, '\n')
}

// ErrMalformed is returned for a line that is not a record.
var ErrMalformed = errors.New("shim: malformed log record")

// ParseRecord decodes one record line (without its newline). Content
// aliases line.
func ParseRecord(line []byte) (Record, error) {
	var r Record
	var f [4][]byte
	rest := line
	for i := range f {
		j := bytes.IndexByte(rest, '\t')
		if j < 0 {
			return r, ErrMalformed
		}
		f[i], rest = rest[:j], rest[j+1:]
	}
	var err error
	if r.Seq, err = strconv.ParseInt(string(f[0]), 10, 64); err != nil {
		return r, ErrMalformed
	}
	if len(f[1]) != 1 {
		return r, ErrMalformed
	}
	r.Stream = f[1][0]
	if r.UnixNano, err = strconv.ParseInt(string(f[2]), 10, 64); err != nil {
		return r, ErrMalformed
	}
	r.Continued = string(f[3]) == "c"
	r.Content = rest
	return r, nil
}

// SplitComplete returns the complete record lines at the start of buf
// (each without its newline) and how many bytes they take; a trailing
// partial line (the shim is still writing it) is left for the next read.
func SplitComplete(buf []byte) (lines [][]byte, n int) {
	for {
		i := bytes.IndexByte(buf[n:], '\n')
		if i < 0 {
			return lines, n
		}
		lines = append(lines, buf[n:n+i])
		n += i + 1
	}
}
