package python

// The fixed parts of client.py: helpers, errors, transports and the call
// method. They do not depend on the schema except where marked @SERVICE@.

const helpers = `_T = TypeVar("_T")

_TIME_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)


def _parse_time(value: str) -> datetime.datetime:
    """Parse an RFC 3339 date-time (any fraction digits, "Z" or offset)."""
    m = _TIME_RE.fullmatch(value)
    if m is None:
        raise ValueError(f"not an RFC 3339 date-time: {value!r}")
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    micro = int((m.group(7) or "0")[:6].ljust(6, "0"))
    if m.group(8):
        tz = datetime.timezone.utc
    else:
        offset = datetime.timedelta(hours=int(m.group(10)), minutes=int(m.group(11)))
        tz = datetime.timezone(-offset if m.group(9) == "-" else offset)
    return datetime.datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)


def _format_time(value: datetime.datetime) -> str:
    """Format an aware datetime as RFC 3339 ("Z" for UTC)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"otime values need a timezone, got the naive datetime {value!r}"
        )
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _b64encode(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _b64decode(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error as e:
        raise ValueError(f"not standard base64: {value!r}") from e


def _opt(value: Any, conv: Callable[[Any], _T]) -> Optional[_T]:
    return None if value is None else conv(value)
`

const errorsAndTransports = `

class RpcError(Exception):
    """A JSON-RPC error reply from the @SERVICE@ service.

    Attributes:
        code: the JSON-RPC error code.
        message: the error message.
        data: the optional error data (decoded JSON), None when absent.
    """

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"{message} (code {code})")
        self.code = code
        self.message = message
        self.data = data


class ProtocolError(Exception):
    """A reply that is not a JSON-RPC 2.0 response to the request."""


class Transport(Protocol):
    """Carries one JSON-RPC request: returns the HTTP status and reply body."""

    def post(self, body: bytes) -> Tuple[int, bytes]:
        ...


def _post(
    conn: http.client.HTTPConnection, path: str, body: bytes, where: str
) -> Tuple[int, bytes]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    try:
        conn.request("POST", path, body, headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    except socket.timeout as e:
        raise TimeoutError(f"no reply from {where} within {conn.timeout} s") from e
    finally:
        conn.close()


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: Optional[float]) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect(self._path)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


class UnixSocketTransport:
    """HTTP/1.1 POST /rpc over a Unix socket, one connection per call.

    path may start with "~" (expanded). timeout, in seconds, bounds the connect and
    each read (None waits forever); running out raises TimeoutError.
    """

    def __init__(
        self, path: str = DEFAULT_SOCKET_PATH, timeout: Optional[float] = 30.0
    ) -> None:
        self.path = os.path.expanduser(path)
        self.timeout = timeout

    def post(self, body: bytes) -> Tuple[int, bytes]:
        conn = _UnixHTTPConnection(self.path, self.timeout)
        return _post(conn, "/rpc", body, self.path)


class HttpTransport:
    """HTTP(S) POST to url, e.g. "http://127.0.0.1:8080/rpc" (no path means /rpc).

    timeout, in seconds, bounds the connect and each read (None waits forever);
    running out raises TimeoutError.
    """

    def __init__(self, url: str, timeout: Optional[float] = 30.0) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"HttpTransport needs an http:// or https:// URL, got {url!r}"
            )
        self.url = url
        self.timeout = timeout
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._path = (parts.path or "/rpc") + (f"?{parts.query}" if parts.query else "")

    def post(self, body: bytes) -> Tuple[int, bytes]:
        conn: http.client.HTTPConnection
        if self._https:
            conn = http.client.HTTPSConnection(
                self._host, self._port, timeout=self.timeout
            )
        else:
            conn = http.client.HTTPConnection(
                self._host, self._port, timeout=self.timeout
            )
        return _post(conn, self._path, body, self.url)
`

const callMethod = `
    def _call(self, method: str, params: Dict[str, Any]) -> Any:
        self._next_id += 1
        request_id = self._next_id
        body = json.dumps(
            {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
        )
        status, raw = self._transport.post(body.encode("utf-8"))
        try:
            reply = json.loads(raw)
        except ValueError:
            reply = None
        if not isinstance(reply, dict) or (
            "result" not in reply and "error" not in reply
        ):
            snippet = raw[:200].decode("utf-8", "replace")
            raise ProtocolError(
                f"{method}: HTTP {status}, not a JSON-RPC response: {snippet!r}"
            )
        # A server that could not read the request answers with id null.
        if reply.get("id") != request_id and not (
            reply.get("id") is None and "error" in reply
        ):
            raise ProtocolError(
                f"{method}: response id {reply.get('id')!r} does not match request id {request_id}"
            )
        error = reply.get("error")
        if error is not None:
            if not isinstance(error, dict):
                raise ProtocolError(f"{method}: malformed error object: {error!r}")
            code = error.get("code")
            code = code if isinstance(code, int) else 0
            message = str(error.get("message", ""))
            raise _ERRORS.get(code, RpcError)(
                code=code, message=message, data=error.get("data")
            )
        return reply.get("result")

    def discover(self) -> Dict[str, Any]:
        """Return the service's OpenRPC document (rpc.discover)."""
        return cast(Dict[str, Any], self._call("rpc.discover", {}))
`
