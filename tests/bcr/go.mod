// tests/bcr is the BCR presubmit's test module, built by Bazel only (its Go
// package is generated code in bazel-bin). This go.mod keeps `go test ./...`
// and `go vet ./...` of the main module out of it.
module example.com/bcr_test

go 1.19
