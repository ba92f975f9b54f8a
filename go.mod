module github.com/lhumina-code/rules_oschema

go 1.19

require (
	github.com/bazelbuild/bazel-gazelle v0.25.0
	github.com/bazelbuild/buildtools v0.0.0-20220323134444-a9f46b2bb3de
	github.com/pmezard/go-difflib v1.0.0
	github.com/stretchr/testify v1.8.4
)

require (
	github.com/bmatcuk/doublestar/v4 v4.0.2 // indirect
	github.com/davecgh/go-spew v1.1.1 // indirect
	golang.org/x/sys v0.0.0-20220319134239-a9b59b0215f8 // indirect
	golang.org/x/tools v0.1.10 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
