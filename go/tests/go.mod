// go/tests is built and tested by Bazel only: its Go packages exist as
// generated code in bazel-bin (oschema_go_library), which the host go tool
// cannot see. This go.mod keeps `go test ./...` and `go vet ./...` of the
// main module out of it.
module github.com/lhumina-code/rules_oschema/go/tests

go 1.19
