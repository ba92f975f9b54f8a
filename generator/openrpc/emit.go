// Package openrpc writes an OpenRPC 1.3 document for a service and imports
// OpenRPC documents into the model.
package openrpc

import (
	"encoding/json"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/model"
)

// FileName is the default name of the OpenRPC artifact.
const FileName = "openrpc.json"

// Generate returns the OpenRPC document of svc as openrpc.json.
// STUB: replaced by the real emitter.
func Generate(s *model.Schema, svc *model.Service, opts emit.Options) ([]emit.File, error) {
	doc := map[string]interface{}{
		"openrpc": "1.3.2",
		"info":    map[string]interface{}{"title": svc.Name, "version": svc.Version},
		"methods": []interface{}{},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return []emit.File{{Name: FileName, Content: append(b, '\n')}}, nil
}
