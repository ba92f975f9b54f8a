// Each marked line is a type error tsc --strict must report: proof that
// client.d.ts really types the client.
import { TaskServiceClient, type Task } from "./client.js";

export async function misuse(c: TaskServiceClient, task: Task): Promise<void> {
  await c.taskGet({ sid: 42 }); // ERROR 1: sid is a string
  await c.taskStart({ sid: "t1", dry_run: "yes" }); // ERROR 2: dry_run is a boolean
  await c.taskFind({ phase: "sleeping" }); // ERROR 3: not a Phase
  await c.echo({ task }); // ERROR 4: counts is required
  const n: string = await c.sum({ values: [1] }); // ERROR 5: sum returns a number
  await c.taskNew({ task: { ...task, owner: {} } }); // ERROR 6: Actor.name is required
  await c.taskGet({ sid: "x", nope: 1 }); // ERROR 7: unknown param
  await c.playStart({}); // ERROR 8: no such method
  void n;
}
