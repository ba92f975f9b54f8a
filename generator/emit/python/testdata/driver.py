"""Drives the generated kitchen_sink Python client through clienttest.Script.

Usage: driver.py CLIENT_DIR ENDPOINT [timeout]
  CLIENT_DIR  directory holding the generated client.py
  ENDPOINT    unix:/path/to/rpc.sock or http://host:port/rpc
  timeout     instead of the script, call reset() with a 0.3 s timeout
              against a server that never answers

Prints one JSON line per step (see generator/emit/clienttest/script.go).
"""

from __future__ import annotations

import datetime
import enum
import json
import sys
from typing import Any, Callable

sys.path.insert(0, sys.argv[1])

from client import (  # noqa: E402
    Actor,
    HttpTransport,
    Phase,
    RpcError,
    Step,
    Task,
    TaskServiceClient,
    Transport,
    UnixSocketTransport,
)

UTC = datetime.timezone.utc

T1 = Task(
    sid="t1",
    name="first",
    phase=Phase.PENDING,
    priority=-3,
    attempts=2,
    size=-9007199254740991,
    quota=9007199254740991,
    ratio=0.5,
    score=2.25,
    done=False,
    created_at=datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
    payload=bytes([0xFB, 0xFF, 0xFE, 0x00]),
    extra={"k": [1, "two", None, True]},
    tags=["a", "b"],
    labels={"env": "prod", "from": "x"},
    steps=[Step(title="s1", children=[Step(title="s1.1", children=[])], note=Step(title="n", children=[]))],
    matrix={"m": [1, -2, 3], "e": []},
    owner=Actor(name="Ann", email="ann@example.com"),
    parent="t0",
    deadline=datetime.datetime(2024, 2, 3, 4, 5, 6, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
    from_="alice",
    type_="batch",
)

T2 = Task(
    sid="t2",
    name="second",
    phase=Phase.RUNNING,
    priority=0,
    attempts=0,
    size=0,
    quota=0,
    ratio=0.0,
    score=0.0,
    done=True,
    created_at=datetime.datetime(2024, 1, 1, tzinfo=UTC),
    payload=b"",
    extra=None,
    tags=[],
    labels={},
    steps=[],
    matrix={},
    owner=Actor(name="Bob"),
)


def wire(value: Any) -> Any:
    """The wire form of a client value, for printing."""
    if isinstance(value, (Task, Step, Actor)):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return [wire(v) for v in value]
    return value


def step(name: str, call: Callable[[], Any]) -> None:
    try:
        line = {"step": name, "result": wire(call())}
    except RpcError as e:
        err = {"type": type(e).__name__, "code": e.code, "message": e.message, "data": e.data}
        line = {"step": name, "error": err}
    print(json.dumps(line), flush=True)


def main() -> None:
    endpoint = sys.argv[2]
    timeout = 0.3 if len(sys.argv) > 3 and sys.argv[3] == "timeout" else 10.0
    transport: Transport
    if endpoint.startswith("unix:"):
        transport = UnixSocketTransport(endpoint[len("unix:"):], timeout=timeout)
    else:
        transport = HttpTransport(endpoint, timeout=timeout)
    c = TaskServiceClient(transport)

    if len(sys.argv) > 3 and sys.argv[3] == "timeout":
        try:
            c.reset()
            print(json.dumps({"step": "timeout", "result": "no timeout"}))
        except TimeoutError as e:
            print(json.dumps({"step": "timeout", "error": {"type": type(e).__name__, "message": str(e)}}))
        return

    t2_done = Task.from_dict({**T2.to_dict(), "phase": "done"})
    step("reset", lambda: c.reset())
    step("list_empty", lambda: c.task_list())
    step("new_t1", lambda: c.task_new(T1))
    step("new_t2", lambda: c.task_new(T2))
    step("get_t1", lambda: c.task_get("t1"))
    step("exists_t1", lambda: c.task_exists("t1"))
    step("exists_nope", lambda: c.task_exists(sid="nope"))
    step("get_nope", lambda: c.task_get("nope"))
    step("start_dry", lambda: c.task_start("t1", dry_run=True))
    step("start_t1", lambda: c.task_start("t1"))
    step("set_t2", lambda: c.task_set(t2_done))
    step("start_t2", lambda: c.task_start("t2"))
    step("find_running", lambda: c.task_find(phase=Phase.RUNNING))
    step("find_name", lambda: c.task_find(name="second"))
    step("find_all", lambda: c.task_find())
    step("list", lambda: c.task_list())
    step("list_full", lambda: c.task_list_full())
    step("delete_t2", lambda: c.task_delete("t2"))
    step("delete_t2_again", lambda: c.task_delete("t2"))
    step("list_after_delete", lambda: c.task_list())
    step("echo_full", lambda: c.echo(T1, {"a": 1, "b": 9007199254740991}, note="hi"))
    step("echo_minimal", lambda: c.echo(task=T2, counts={}))
    step("sum", lambda: c.sum([1.5, 2.25, -0.75]))
    step("scale_all", lambda: c.scale([1, 2], factor=2, offset=0.5))
    step("scale_offset", lambda: c.scale([1, 2], offset=1))
    step("scale_plain", lambda: c.scale([1, 2]))
    step("get_boom", lambda: c.task_get("boom"))

    def discover() -> Any:
        doc = c.discover()
        return {
            "title": doc["info"]["title"],
            "version": doc["info"]["version"],
            "methods": [m["name"] for m in doc["methods"]],
        }

    step("discover", discover)


if __name__ == "__main__":
    main()
