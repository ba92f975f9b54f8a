package resolve

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MaxFileSize is the largest schema file (or OpenRPC document) read: 16 MiB.
const MaxFileSize = 16 << 20

// ReadFile reads the schema source name of fsys: a regular file (or a
// symlink to one) of at most MaxFileSize bytes. It stats before opening, so
// a FIFO is refused without blocking and a device like /dev/zero is never
// read; the errors name the file and what it is instead.
func ReadFile(fsys fs.FS, name string) ([]byte, error) {
	return read(name, func() (fs.FileInfo, error) { return fs.Stat(fsys, name) },
		func() (io.ReadCloser, error) { return fsys.Open(name) })
}

// ReadOSFile is ReadFile for a path of the operating system (oschema fmt's
// arguments, OpenRPC documents).
func ReadOSFile(path string) ([]byte, error) { return ReadOSFileAs(path, path) }

// ReadOSFileAs is ReadOSFile naming the file name in errors (a
// workspace-relative path, say).
func ReadOSFileAs(path, name string) ([]byte, error) {
	return read(name, func() (fs.FileInfo, error) { return os.Stat(path) },
		func() (io.ReadCloser, error) { return os.Open(path) })
}

func read(name string, stat func() (fs.FileInfo, error), open func() (io.ReadCloser, error)) ([]byte, error) {
	st, err := stat()
	if err != nil {
		return nil, fileError(name, err)
	}
	if err := checkRegular(name, st); err != nil {
		return nil, err
	}
	f, err := open()
	if err != nil {
		return nil, fileError(name, err)
	}
	defer f.Close()
	// The file may grow after Stat: read one byte past the limit to see.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fileError(name, err)
	}
	if len(data) > MaxFileSize {
		return nil, tooBig(name, int64(len(data)))
	}
	return data, nil
}

// checkRegular refuses what is not a regular file of at most MaxFileSize.
func checkRegular(name string, st fs.FileInfo) error {
	m := st.Mode()
	if !m.IsRegular() {
		what := "not a regular file"
		switch {
		case m.IsDir():
			what = "a directory"
		case m&fs.ModeNamedPipe != 0:
			what = "a named pipe (FIFO)"
		case m&fs.ModeSocket != 0:
			what = "a socket"
		case m&fs.ModeDevice != 0:
			what = "a device"
		}
		return fmt.Errorf("%s is %s, not a schema file: only regular files are read", name, what)
	}
	if st.Size() > MaxFileSize {
		return tooBig(name, st.Size())
	}
	return nil
}

func tooBig(name string, size int64) error {
	return fmt.Errorf("%s is too large (%.1f MiB): files are limited to %d MiB", name, float64(size)/(1<<20), MaxFileSize>>20)
}

// fileError says what went wrong reading name, in words.
func fileError(name string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: no such file", name)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%s: permission denied", name)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("reading %s: %v", name, err)
}
