package stage

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Events of the socket directory: a service directory appeared, vanished
// or was renamed; the directory itself went away.
const rootMask = unix.IN_CREATE | unix.IN_DELETE | unix.IN_MOVED_FROM | unix.IN_MOVED_TO |
	unix.IN_DELETE_SELF | unix.IN_MOVE_SELF | unix.IN_ONLYDIR

// Events of a service directory: its rpc.sock was created, removed,
// renamed over or away, or had its attributes changed; the directory
// itself went away.
const serviceMask = unix.IN_CREATE | unix.IN_DELETE | unix.IN_MOVED_FROM | unix.IN_MOVED_TO |
	unix.IN_ATTRIB | unix.IN_DELETE_SELF | unix.IN_ONLYDIR

// inotifyBuf is the size of one read: room for at least 64 events with
// names of a service directory's length.
const inotifyBuf = 64 * (unix.SizeofInotifyEvent + unix.NAME_MAX + 1)

// notifier watches the socket directory and each service directory in it
// with inotify. Each read of the kernel's queue becomes one batch on C:
// the services it touched, or nil when everything must be re-read (the
// queue overflowed, or the socket directory itself moved or vanished).
type notifier struct {
	C    chan []string
	file *os.File
	dir  string
	// Touched by the reading goroutine only, after newNotifier returns.
	wds      map[int]string // watch descriptor -> service ("" is the socket directory)
	services map[string]int
	done     chan struct{}
	once     sync.Once
}

// newNotifier is a variable so tests can make inotify unavailable.
var newNotifier = startInotify

func startInotify(dir string) (*notifier, error) {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return nil, os.NewSyscallError("inotify_init1", err)
	}
	// A non-blocking descriptor is read through the runtime's poller, so
	// Close wakes a pending Read.
	n := &notifier{
		C:        make(chan []string, 16),
		file:     os.NewFile(uintptr(fd), "inotify"),
		dir:      dir,
		wds:      map[int]string{},
		services: map[string]int{},
		done:     make(chan struct{}),
	}
	wd, err := unix.InotifyAddWatch(fd, dir, rootMask)
	if err != nil {
		n.file.Close()
		return nil, &os.PathError{Op: "inotify_add_watch", Path: dir, Err: err}
	}
	n.wds[wd] = ""
	entries, err := os.ReadDir(dir)
	if err != nil {
		n.file.Close()
		return nil, err
	}
	for _, e := range entries {
		if e.IsDir() {
			n.watchService(e.Name())
		}
	}
	go n.read()
	return n, nil
}

// watchService adds the watch of a service directory. A directory that
// cannot be watched (gone again, unreadable) is left to the slow poll.
func (n *notifier) watchService(svc string) {
	if _, ok := n.services[svc]; ok {
		return
	}
	var wd int
	err := n.control(func(fd int) error {
		var err error
		wd, err = unix.InotifyAddWatch(fd, filepath.Join(n.dir, svc), serviceMask)
		return err
	})
	if err != nil {
		return
	}
	n.wds[wd] = svc
	n.services[svc] = wd
}

// unwatchService drops a service directory that was renamed away: its
// watch would otherwise follow it to its new name.
func (n *notifier) unwatchService(svc string) {
	wd, ok := n.services[svc]
	if !ok {
		return
	}
	delete(n.services, svc)
	delete(n.wds, wd)
	_ = n.control(func(fd int) error {
		_, err := unix.InotifyRmWatch(fd, uint32(wd))
		return err
	})
}

// control runs f with the inotify descriptor, which Close cannot close
// meanwhile. (File.Fd would make it blocking, and Close would then no
// longer wake the pending Read.)
func (n *notifier) control(f func(fd int) error) error {
	rc, err := n.file.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = f(int(fd)) }); err != nil {
		return err
	}
	return ferr
}

func (n *notifier) read() {
	defer close(n.C)
	buf := make([]byte, inotifyBuf)
	for {
		k, err := n.file.Read(buf)
		if err != nil {
			if errors.Is(err, os.ErrClosed) {
				return
			}
			// Unexpected: let the caller re-read everything and go on
			// with its slow poll.
			n.send(nil)
			return
		}
		batch, ok := n.parse(buf[:k])
		if !ok {
			batch = nil
		} else if len(batch) == 0 {
			continue
		}
		if !n.send(batch) {
			return
		}
	}
}

// send delivers a batch unless the notifier was closed.
func (n *notifier) send(batch []string) bool {
	select {
	case n.C <- batch:
		return true
	case <-n.done:
		return false
	}
}

// parse turns the events of one read into the services they touched; ok
// is false when everything must be re-read.
func (n *notifier) parse(b []byte) (services []string, ok bool) {
	seen := map[string]bool{}
	add := func(svc string) {
		if !seen[svc] {
			seen[svc] = true
			services = append(services, svc)
		}
	}
	ok = true
	for len(b) >= unix.SizeofInotifyEvent {
		ev := (*unix.InotifyEvent)(unsafe.Pointer(&b[0]))
		size := unix.SizeofInotifyEvent + int(ev.Len)
		if size > len(b) {
			break
		}
		name := cString(b[unix.SizeofInotifyEvent:size])
		b = b[size:]
		mask := ev.Mask
		if mask&unix.IN_Q_OVERFLOW != 0 {
			ok = false
			continue
		}
		svc, known := n.wds[int(ev.Wd)]
		if !known {
			continue
		}
		if mask&unix.IN_IGNORED != 0 {
			// The kernel dropped the watch (its directory was removed).
			delete(n.wds, int(ev.Wd))
			if svc == "" {
				ok = false
			} else if n.services[svc] == int(ev.Wd) {
				delete(n.services, svc)
			}
			continue
		}
		if svc == "" { // the socket directory
			switch {
			case mask&(unix.IN_DELETE_SELF|unix.IN_MOVE_SELF) != 0:
				ok = false
			case mask&unix.IN_ISDIR == 0 || name == "":
			case mask&(unix.IN_CREATE|unix.IN_MOVED_TO) != 0:
				// Watch it before looking into it, so that a socket
				// created in between is not missed: the batch makes the
				// caller stat it anyway.
				n.watchService(name)
				add(name)
			case mask&unix.IN_MOVED_FROM != 0:
				n.unwatchService(name)
				add(name)
			case mask&unix.IN_DELETE != 0:
				add(name)
			}
			continue
		}
		if mask&unix.IN_DELETE_SELF != 0 || name == SocketName {
			add(svc)
		}
	}
	return services, ok
}

// cString is the NUL-padded name of an inotify event.
func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// Close stops the notifier; C is closed once its goroutine has ended.
func (n *notifier) Close() error {
	var err error
	n.once.Do(func() {
		close(n.done)
		err = n.file.Close()
	})
	return err
}
