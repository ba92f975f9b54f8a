// Command driver runs the generated kitchen_sink Go client through the
// conversation of generator/emit/clienttest/script.go and prints one JSON
// line per step, like the Python and JavaScript drivers.
//
// Usage: driver ENDPOINT TASK1 TASK2
//
//	ENDPOINT  unix:/path/to/rpc.sock or http://host:port/rpc
//	TASK1     clienttest.Task1 (JSON), TASK2 clienttest.Task2
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"

	ks "example.com/kitchensink"
)

func main() {
	if len(os.Args) != 4 {
		log.Fatal("usage: driver ENDPOINT TASK1 TASK2")
	}
	var c *ks.Client
	if ep := os.Args[1]; strings.HasPrefix(ep, "unix:") {
		c = ks.Dial(strings.TrimPrefix(ep, "unix:"))
	} else {
		c = ks.NewClient(ks.NewHTTPTransport(ep))
	}
	var t1, t2 ks.Task
	for i, t := range []*ks.Task{&t1, &t2} {
		if err := json.Unmarshal([]byte(os.Args[2+i]), t); err != nil {
			log.Fatalf("TASK%d: %v", i+1, err)
		}
	}
	ctx := context.Background()
	yes := true
	running := ks.PhaseRunning
	second := "second"
	hi := "hi"
	t2done := t2
	t2done.Phase = ks.PhaseDone

	printStep("reset", nil, c.Reset(ctx))
	{
		r, err := c.TaskList(ctx)
		printStep("list_empty", r, err)
	}
	{
		r, err := c.TaskNew(ctx, ks.TaskNewInput{Task: t1})
		printStep("new_t1", r, err)
	}
	{
		r, err := c.TaskNew(ctx, ks.TaskNewInput{Task: t2})
		printStep("new_t2", r, err)
	}
	{
		r, err := c.TaskGet(ctx, ks.TaskGetInput{Sid: "t1"})
		printStep("get_t1", r, err)
	}
	{
		r, err := c.TaskExists(ctx, ks.TaskExistsInput{Sid: "t1"})
		printStep("exists_t1", r, err)
	}
	{
		r, err := c.TaskExists(ctx, ks.TaskExistsInput{Sid: "nope"})
		printStep("exists_nope", r, err)
	}
	{
		r, err := c.TaskGet(ctx, ks.TaskGetInput{Sid: "nope"})
		printStep("get_nope", r, err)
	}
	{
		r, err := c.TaskStart(ctx, ks.TaskStartInput{Sid: "t1", DryRun: &yes})
		printStep("start_dry", r, err)
	}
	{
		r, err := c.TaskStart(ctx, ks.TaskStartInput{Sid: "t1"})
		printStep("start_t1", r, err)
	}
	{
		r, err := c.TaskSet(ctx, ks.TaskSetInput{Task: t2done})
		printStep("set_t2", r, err)
	}
	{
		r, err := c.TaskStart(ctx, ks.TaskStartInput{Sid: "t2"})
		printStep("start_t2", r, err)
	}
	{
		r, err := c.TaskFind(ctx, ks.TaskFindInput{Phase: &running})
		printStep("find_running", r, err)
	}
	{
		r, err := c.TaskFind(ctx, ks.TaskFindInput{Name: &second})
		printStep("find_name", r, err)
	}
	{
		r, err := c.TaskFind(ctx, ks.TaskFindInput{})
		printStep("find_all", r, err)
	}
	{
		r, err := c.TaskList(ctx)
		printStep("list", r, err)
	}
	{
		r, err := c.TaskListFull(ctx)
		printStep("list_full", r, err)
	}
	printStep("delete_t2", nil, c.TaskDelete(ctx, ks.TaskDeleteInput{Sid: "t2"}))
	printStep("delete_t2_again", nil, c.TaskDelete(ctx, ks.TaskDeleteInput{Sid: "t2"}))
	{
		r, err := c.TaskList(ctx)
		printStep("list_after_delete", r, err)
	}
	{
		r, err := c.Echo(ctx, ks.EchoInput{Task: t1, Note: &hi, Counts: map[string]uint64{"a": 1, "b": 9007199254740991}})
		printStep("echo_full", r, err)
	}
	{
		r, err := c.Echo(ctx, ks.EchoInput{Task: t2})
		printStep("echo_minimal", r, err)
	}
	{
		r, err := c.Sum(ctx, ks.SumInput{Values: []float64{1.5, 2.25, -0.75}})
		printStep("sum", r, err)
	}
	{
		factor, offset, one := 2.0, 0.5, 1.0
		r, err := c.Scale(ctx, ks.ScaleInput{Values: []float64{1, 2}, Factor: &factor, Offset: &offset})
		printStep("scale_all", r, err)
		r, err = c.Scale(ctx, ks.ScaleInput{Values: []float64{1, 2}, Offset: &one})
		printStep("scale_offset", r, err)
		r, err = c.Scale(ctx, ks.ScaleInput{Values: []float64{1, 2}})
		printStep("scale_plain", r, err)
	}
	{
		r, err := c.TaskGet(ctx, ks.TaskGetInput{Sid: "boom"})
		printStep("get_boom", r, err)
	}
	doc, err := c.Discover(ctx)
	var summary interface{}
	if err == nil {
		var d struct {
			Info    struct{ Title, Version string }
			Methods []struct{ Name string }
		}
		err = json.Unmarshal(doc, &d)
		names := []string{}
		for _, m := range d.Methods {
			names = append(names, m.Name)
		}
		summary = map[string]interface{}{"title": d.Info.Title, "version": d.Info.Version, "methods": names}
	}
	printStep("discover", summary, err)
}

func printStep(name string, result interface{}, err error) {
	line := map[string]interface{}{"step": name}
	if err != nil {
		var e *ks.RPCError
		if !errors.As(err, &e) {
			line["error"] = map[string]interface{}{"type": "TransportError", "message": err.Error()}
		} else {
			typ := "RpcError"
			switch {
			case errors.Is(err, ks.ErrNotFound):
				typ = "NotFoundError"
			case errors.Is(err, ks.ErrBadPhase):
				typ = "BadPhaseError"
			}
			var data interface{}
			if len(e.Data) > 0 {
				data = e.Data
			}
			line["error"] = map[string]interface{}{"type": typ, "code": e.Code, "message": e.Message, "data": data}
		}
	} else {
		line["result"] = result
	}
	b, err := json.Marshal(line)
	if err != nil {
		log.Fatalf("%s: %v", name, err)
	}
	fmt.Println(string(b))
}
