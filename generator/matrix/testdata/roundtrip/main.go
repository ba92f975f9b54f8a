// Command roundtrip decodes a kitchen_sink Task (JSON on stdin) into the
// generated Go type and writes it encoded again on stdout.
package main

import (
	"encoding/json"
	"log"
	"os"

	ks "example.com/kitchensink"
)

func main() {
	var task ks.Task
	if err := json.NewDecoder(os.Stdin).Decode(&task); err != nil {
		log.Fatalf("decoding Task: %v", err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(task); err != nil {
		log.Fatalf("encoding Task: %v", err)
	}
}
