"""oschema_py_library: two generated clients in one program, called offline.

A JSON-RPC 2.0 server over HTTP on a Unix socket (what the generated Rust
and Go servers speak) runs in a thread of this test; the clients of both
services call it.
"""

import http.server
import json
import os
import socketserver
import tempfile
import threading
import unittest

import brush_client
import paint_client
from paint_client import Color, PaintServiceClient, UnixSocketTransport


class _Handler(http.server.BaseHTTPRequestHandler):
    calls = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        req = json.loads(body)
        _Handler.calls.append((self.path, req["method"], req.get("params")))
        if req["method"] == "paint":
            result = req["params"]["color"] == "green"
        elif req["method"] == "count":
            result = {"small": 3, "large": 1}[req["params"]["size"]]
        else:
            result = None
        out = json.dumps({"jsonrpc": "2.0", "id": req["id"], "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def address_string(self):
        return "unix"

    def log_message(self, *args):
        pass


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class ClientsTest(unittest.TestCase):
    def setUp(self):
        # Not under TEST_TMPDIR: a socket path has at most 107 bytes.
        self.dir = tempfile.mkdtemp(prefix="oschema-py-")
        self.sock = os.path.join(self.dir, "rpc.sock")
        self.server = _Server(self.sock, _Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        _Handler.calls = []

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()
        os.unlink(self.sock)
        os.rmdir(self.dir)

    def test_two_services_are_two_modules(self):
        self.assertNotEqual(brush_client.__file__, paint_client.__file__)
        self.assertTrue(paint_client.__file__.endswith("/paint_py.gen/python/paint_client/__init__.py"), paint_client.__file__)
        self.assertTrue(hasattr(paint_client, "PaintServiceClient"))
        self.assertTrue(hasattr(brush_client, "BrushServiceClient"))
        self.assertFalse(hasattr(paint_client, "BrushServiceClient"))

    def test_enums(self):
        self.assertEqual(["red", "green"], [c.value for c in Color])
        self.assertEqual(["small", "large"], [s.value for s in brush_client.Size])

    def test_calls_over_unix_socket(self):
        paint = PaintServiceClient(UnixSocketTransport(self.sock, timeout=10))
        self.assertTrue(paint.paint("s1", Color.GREEN))
        self.assertFalse(paint.paint("s2", Color.RED))
        brush = brush_client.BrushServiceClient(brush_client.UnixSocketTransport(self.sock, timeout=10))
        self.assertEqual(3, brush.count(brush_client.Size.SMALL))
        self.assertEqual(
            [
                ("/rpc", "paint", {"sid": "s1", "color": "green"}),
                ("/rpc", "paint", {"sid": "s2", "color": "red"}),
                ("/rpc", "count", {"size": "small"}),
            ],
            _Handler.calls,
        )


if __name__ == "__main__":
    unittest.main()
