// Command godriver calls methods of any generated Go client and prints the
// results, like driver.py and driver.mjs.
//
// Usage: godriver ENDPOINT CALLS
//
//	CALLS  JSON list of {"method": Go method name, "params": wire params}
//
// The params are decoded into the method's own Input type, so the call is
// typed like a user's. Prints one JSON line per call: {"result": ...,
// "type": Go type of the result} or {"error": {"code", "message", "data"}}.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"reflect"
	"strings"

	api "example.com/kitchensink"
)

type call struct {
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
}

func main() {
	if len(os.Args) != 3 {
		log.Fatal("usage: godriver ENDPOINT CALLS")
	}
	var c *api.Client
	if ep := os.Args[1]; strings.HasPrefix(ep, "unix:") {
		c = api.Dial(strings.TrimPrefix(ep, "unix:"))
	} else {
		c = api.NewClient(api.NewHTTPTransport(ep))
	}
	var calls []call
	if err := json.Unmarshal([]byte(os.Args[2]), &calls); err != nil {
		log.Fatalf("CALLS: %v", err)
	}
	for _, cl := range calls {
		m := reflect.ValueOf(c).MethodByName(cl.Method)
		if !m.IsValid() {
			log.Fatalf("the client has no method %s", cl.Method)
		}
		args := []reflect.Value{reflect.ValueOf(context.Background())}
		if m.Type().NumIn() == 2 {
			in := reflect.New(m.Type().In(1))
			if err := json.Unmarshal(cl.Params, in.Interface()); err != nil {
				log.Fatalf("%s params: %v", cl.Method, err)
			}
			args = append(args, in.Elem())
		}
		out := m.Call(args)
		line := map[string]interface{}{}
		if err, _ := out[len(out)-1].Interface().(error); err != nil {
			var rpcErr *api.RPCError
			if !errors.As(err, &rpcErr) {
				log.Fatalf("%s: %v", cl.Method, err)
			}
			line["error"] = rpcErr
		} else if len(out) == 2 {
			line["result"] = out[0].Interface()
			line["type"] = fmt.Sprintf("%T", out[0].Interface())
		} else {
			line["result"] = nil
		}
		b, err := json.Marshal(line)
		if err != nil {
			log.Fatalf("%s: encoding the result: %v", cl.Method, err)
		}
		fmt.Println(string(b))
	}
}
