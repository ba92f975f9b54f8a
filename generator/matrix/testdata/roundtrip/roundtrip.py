"""Round-trips a kitchen_sink Task through the generated Python client types.

Usage: roundtrip.py CLIENT_DIR < task.json > task.json
Decodes stdin with Task.from_dict (bytes, datetimes, enums, nested records
become Python values) and writes Task.to_dict of the result.
"""

from __future__ import annotations

import json
import sys

sys.path.insert(0, sys.argv[1])

from client import Task  # noqa: E402

task = Task.from_dict(json.load(sys.stdin))
assert isinstance(task.payload, bytes), type(task.payload)
json.dump(task.to_dict(), sys.stdout)
print()
