"""Calls methods of any generated Python client and prints the results.

Usage: driver.py CLIENT_DIR CLIENT_CLASS ENDPOINT CALLS
  CALLS  JSON list of {"method": Python method name, "args": {keyword: wire value}}

Arguments are decoded from their wire form with the method's own type
hints (records through from_dict, enums, datetimes, bytes), so the call is
typed like a user's. Prints one JSON line per call: {"result": wire form,
"type": Python type of the result} or {"error": {"code", "message", "data"}}.
"""

from __future__ import annotations

import base64
import datetime
import enum
import json
import sys
import typing
from typing import Any

sys.path.insert(0, sys.argv[1])

import client  # noqa: E402


def decode(hint: Any, value: Any) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union:
        if value is None:
            return None
        return decode([a for a in args if a is not type(None)][0], value)
    if origin is list:
        return [decode(args[0], v) for v in value]
    if origin is dict:
        return {k: decode(args[1], v) for k, v in value.items()}
    if isinstance(hint, type) and hasattr(hint, "from_dict"):
        return hint.from_dict(value)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)
    if hint is datetime.datetime:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if hint is bytes:
        return base64.b64decode(value)
    return value


def wire(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, list):
        return [wire(v) for v in value]
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items()}
    return value


def type_name(value: Any) -> str:
    if isinstance(value, list):
        return "list[" + (type_name(value[0]) if value else "") + "]"
    if isinstance(value, dict):
        first = next(iter(value.values()), None)
        return "dict[str, " + (type_name(first) if value else "") + "]"
    return type(value).__name__


def main() -> None:
    client_dir, class_name, endpoint, calls = sys.argv[1:5]
    transport: Any
    if endpoint.startswith("unix:"):
        transport = client.UnixSocketTransport(endpoint[len("unix:"):], timeout=10.0)
    else:
        transport = client.HttpTransport(endpoint, timeout=10.0)
    c = getattr(client, class_name)(transport)
    for call in json.loads(calls):
        method = getattr(c, call["method"])
        hints = typing.get_type_hints(method)
        kwargs = {k: decode(hints[k], v) for k, v in call["args"].items()}
        try:
            result = method(**kwargs)
            line = {"result": wire(result), "type": type_name(result)}
        except client.RpcError as e:
            line = {"error": {"code": e.code, "message": e.message, "data": e.data}}
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
