// Type-checked against the generated client.d.ts: every method, with the
// types a caller sees. tsc --strict --noEmit must accept it.
import {
  BadPhaseError,
  DEFAULT_SOCKET_PATH,
  ErrorCode,
  NotFoundError,
  RpcError,
  RpcTimeoutError,
  TaskServiceClient,
  httpTransport,
  unixSocketTransport,
  type Phase,
  type Task,
} from "./client.js";

export async function useEverything(task: Task): Promise<number> {
  const a = new TaskServiceClient({ url: "http://127.0.0.1:1/rpc", timeoutMs: 500 });
  const b = new TaskServiceClient({ transport: unixSocketTransport(DEFAULT_SOCKET_PATH) });
  const c = new TaskServiceClient({ transport: httpTransport("http://x/rpc") });
  new TaskServiceClient();

  const stored: Task = await a.taskNew({ task });
  const got: Task = await a.taskGet({ sid: stored.sid }, { timeoutMs: 100 });
  const set: Task = await b.taskSet({ task: { ...got, deadline: null, from: "x", type: "y" } });
  const none: void = await b.taskDelete({ sid: set.sid });
  const sids: string[] = await c.taskList();
  const all: Task[] = await c.taskListFull();
  const exists: boolean = await c.taskExists({ sid: "t1" });
  const found: Task[] = await c.taskFind({ name: "n", phase: "done" });
  const foundAll: Task[] = await c.taskFind();
  const phase: Phase = await c.taskStart({ sid: "t1", dry_run: true });
  const echoed: Task = await c.echo({ task, counts: { a: 1 }, note: null });
  await c.reset({ timeoutMs: 0 });
  const total: number = await c.sum({ values: [1, 2] });
  const doc = await c.discover();
  const title: string = doc.info.title;

  try {
    await c.taskGet({ sid: "x" });
  } catch (e) {
    if (e instanceof NotFoundError) {
      const code: 1004 = e.code;
      return code;
    }
    if (e instanceof BadPhaseError || e instanceof RpcTimeoutError) {
      return 0;
    }
    if (e instanceof RpcError) {
      const data: unknown = e.data;
      return e.code + String(data).length;
    }
  }
  const codes: 1004 | 1005 = ErrorCode.NotFound;
  void [none, sids, all, exists, found, foundAll, phase, echoed, title];
  return total + codes + task.owner.name.length + (task.steps[0]?.children.length ?? 0);
}
