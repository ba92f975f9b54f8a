package svc_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"example.com/bcr_test/svc"
)

type notes struct{ added []svc.Note }

func (n *notes) NoteAdd(ctx context.Context, in svc.NoteAddInput) (string, error) {
	n.added = append(n.added, in.Note)
	return "n1", nil
}

// The Go API oschema_go_library generated and compiled, called over HTTP.
func TestNoteAdd(t *testing.T) {
	n := &notes{}
	srv := httptest.NewServer(svc.NewHandler(n))
	defer srv.Close()
	c := svc.NewClient(svc.NewHTTPTransport(srv.URL + "/rpc"))
	id, err := c.NoteAdd(context.Background(), svc.NoteAddInput{Note: svc.Note{Text: "hi", Tags: []svc.Tag{{Name: "a"}}}})
	if err != nil || id != "n1" || len(n.added) != 1 || n.added[0].Tags[0].Name != "a" {
		t.Fatalf("NoteAdd: %q, %v, %+v", id, err, n.added)
	}
}
