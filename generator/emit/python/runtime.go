package python

// The fixed parts of client.py: helpers, decoders, errors, transports and
// the call method. They do not depend on the schema except where marked
// @SERVICE@. They are laid out as black lays them out (TestBlackAndPyflakes).

const helpers = `_T = TypeVar("_T")

DEFAULT_TIMEOUT = 30.0
"""Seconds a call may take in all (connect, send, read) unless told otherwise."""

DEFAULT_MAX_RESPONSE_BYTES = 64 << 20
"""The largest reply body the client reads (64 MiB); a longer one raises."""

RequestHook = Callable[[str, Dict[str, str]], None]
"""Called with the method name and the request headers before each call; may
change the headers (e.g. add a fresh bearer token)."""

_OTIME_RE = re.compile(
    r"@OTIME_PATTERN@",
    re.ASCII,
)
"""The otime rule, the pattern of otime values in the OpenRPC document: RFC 3339
with an upper-case "T" and "Z", seconds 00-59, one to nine fraction digits, a
real calendar date and an offset of at most 23:59."""

_TIME_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))"
)


def _parse_time(value: str) -> datetime.datetime:
    """Parse an otime (see _OTIME_RE); fraction digits past 6 are cut off."""
    m = _TIME_RE.fullmatch(value)
    if m is None or _OTIME_RE.fullmatch(value) is None:
        raise ValueError(f"not an RFC 3339 date-time (otime): {value!r}")
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    micro = int((m.group(7) or "0")[:6].ljust(6, "0"))
    if m.group(8):
        tz = datetime.timezone.utc
    else:
        offset = datetime.timedelta(hours=int(m.group(10)), minutes=int(m.group(11)))
        tz = datetime.timezone(-offset if m.group(9) == "-" else offset)
    if year == 0:
        raise ValueError(f"an otime of year 0 has no Python datetime: {value!r}")
    return datetime.datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)


def _format_time(value: datetime.datetime) -> str:
    """Format an aware datetime as an otime ("Z" for UTC). An offset that is
    not whole minutes, which RFC 3339 cannot write, is sent as UTC."""
    if not isinstance(value, datetime.datetime):
        raise TypeError(f"otime values are datetime.datetime, got {value!r}")
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(
            f"otime values need a timezone, got the naive datetime {value!r}"
        )
    if offset % datetime.timedelta(minutes=1):
        value = value.astimezone(datetime.timezone.utc)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _b64encode(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _b64decode(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error as e:
        raise ValueError(f"not standard base64: {value!r}") from e


# Decoding checks every JSON value of a reply against the schema: a decoder
# takes the value and its path ("result.steps[0].title") and returns the
# Python value or raises _Invalid, which the client turns into ProtocolError.
# Unknown object keys are ignored (forward compatibility).


class _Invalid(ValueError):
    """A JSON value that does not fit the schema, at path."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path or 'value'}: {reason}")
        self.path = path
        self.reason = reason


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _str(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _Invalid(path, f"expected a string, got {_kind(value)}")
    return value


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(path, f"expected a boolean, got {_kind(value)}")
    return value


def _int_in(lo: int, hi: int) -> Callable[[Any, str], int]:
    def decode(value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Invalid(path, f"expected an integer, got {_kind(value)}")
        if not lo <= value <= hi:
            raise _Invalid(path, f"{value} is out of range [{lo}, {hi}]")
        return value

    return decode


_i32 = _int_in(-(1 << 31), (1 << 31) - 1)
_i64 = _int_in(-(1 << 63), (1 << 63) - 1)
_u32 = _int_in(0, (1 << 32) - 1)
_u64 = _int_in(0, (1 << 64) - 1)


def _float(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Invalid(path, f"expected a number, got {_kind(value)}")
    return float(value)


def _time(value: Any, path: str) -> datetime.datetime:
    text = _str(value, path)
    try:
        return _parse_time(text)
    except ValueError as e:
        raise _Invalid(path, str(e)) from e


def _bytes(value: Any, path: str) -> bytes:
    text = _str(value, path)
    try:
        return _b64decode(text)
    except ValueError as e:
        raise _Invalid(path, str(e)) from e


def _any(value: Any, path: str) -> Any:
    return value


def _ignore(value: Any, path: str) -> None:
    return None


def _redacted_repr(obj: Any, secret: List[str]) -> str:
    """The dataclass repr of obj, with the attributes in secret as '***'."""
    parts = []
    for name in obj.__dataclass_fields__:
        value = getattr(obj, name)
        shown = "'***'" if name in secret and value is not None else repr(value)
        parts.append(name + "=" + shown)
    return type(obj).__name__ + "(" + ", ".join(parts) + ")"


def _object(value: Any, path: str) -> Dict[str, Any]:
    if not isinstance(value, dict):
        raise _Invalid(path, f"expected an object, got {_kind(value)}")
    return value


def _list_of(decode: Callable[[Any, str], _T]) -> Callable[[Any, str], List[_T]]:
    def decode_list(value: Any, path: str) -> List[_T]:
        if not isinstance(value, list):
            raise _Invalid(path, f"expected an array, got {_kind(value)}")
        return [decode(x, f"{path}[{i}]") for i, x in enumerate(value)]

    return decode_list


def _map_of(decode: Callable[[Any, str], _T]) -> Callable[[Any, str], Dict[str, _T]]:
    def decode_map(value: Any, path: str) -> Dict[str, _T]:
        return {k: decode(v, _join(path, k)) for k, v in _object(value, path).items()}

    return decode_map


def _req(
    d: Dict[str, Any], key: str, path: str, decode: Callable[[Any, str], _T]
) -> _T:
    if key not in d:
        raise _Invalid(_join(path, key), "required field missing")
    return decode(d[key], _join(path, key))


def _optional(
    d: Dict[str, Any], key: str, path: str, decode: Callable[[Any, str], _T]
) -> Optional[_T]:
    value = d.get(key)
    return None if value is None else decode(value, _join(path, key))
`

// enumHelpers is emitted when the schema has an enum (it needs "import enum").
const enumHelpers = `

# Enums and forward compatibility: a reply may carry an enum value newer than
# this client. Rather than failing, or typing every enum field as
# Union[Enum, str] (which every caller would have to narrow), each enum's
# _missing_ keeps the value as a pseudo-member of the enum: an instance of the
# enum class (so the field keeps its static type) whose .value is the wire
# string and whose .name starts with "?"; "x in Enum" is False for it, and it
# encodes back to the same string. Phase("typo") therefore does not raise.
_E = TypeVar("_E", bound=enum.Enum)


def _enum(cls: Type[_E]) -> Callable[[Any, str], _E]:
    def decode(value: Any, path: str) -> _E:
        return cls(_str(value, path))

    return decode


def _keep_unknown(cls: Any, value: object) -> Any:
    """The pseudo-member of the enum cls for a value it does not list."""
    if not isinstance(value, str):
        return None
    member = str.__new__(cls, value)
    member._name_ = "?" + value
    member._value_ = value
    return cls._value2member_map_.setdefault(value, member)
`

const errorsAndTransports = `

class RpcClientError(Exception):
    """The base of every error a @SERVICE@ client call raises.

    Subclasses: TransportError (RpcTimeoutError), ProtocolError
    (ResponseTooLargeError) and RpcError (one subclass per application error).
    All pickle; an error wrapping another has it as __cause__.
    """


class TransportError(RpcClientError, OSError):
    """The request could not be sent or its reply could not be read.

    Connection refused, a missing socket, a broken HTTP reply (bad status line,
    body cut short) and any other OSError of the transport; also an OSError.
    """


class RpcTimeoutError(TransportError, TimeoutError):
    """The call did not end within its timeout; also a TimeoutError."""


class ProtocolError(RpcClientError):
    """A reply that is not a JSON-RPC 2.0 response to the request, or whose
    result does not fit the schema.

    Attributes:
        method: the JSON-RPC method called ("" when unknown).
        path: where in the reply the schema broke ("result.steps[0].title"),
            "" for other problems.
    """

    def __init__(self, message: str, method: str = "", path: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.path = path


class ResponseTooLargeError(ProtocolError):
    """A reply body longer than the client's max_response_bytes."""


class RpcError(RpcClientError):
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

    def __reduce__(self) -> Tuple[Any, ...]:
        return (
            _rebuild_error,
            (type(self), self.code, self.message, self.data),
            self.__dict__,
        )


def _rebuild_error(cls: Type[RpcError], code: int, message: str, data: Any) -> RpcError:
    return cls(code=code, message=message, data=data)


class Transport(Protocol):
    """Carries one JSON-RPC request: returns the HTTP status and reply body.

    headers are the request headers; deadline, a time.monotonic() value or None
    (no limit), is when the whole exchange must be over: past it, raise
    socket.timeout (TimeoutError). A body longer than limit bytes must raise
    ResponseTooLargeError without being read further.
    """

    def post(
        self,
        body: bytes,
        headers: Dict[str, str],
        deadline: Optional[float],
        limit: int,
    ) -> Tuple[int, bytes]:
        ...


def _remaining(deadline: Optional[float]) -> Optional[float]:
    """The seconds left until deadline (None: no deadline); raises once past."""
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise socket.timeout("the call's deadline passed")
    return left


class _DeadlineSocket(socket.socket):
    """A socket whose every send and read ends by deadline, not a fresh timeout
    each: a server dripping a byte at a time cannot hold a call past it."""

    deadline: Optional[float] = None

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        self.settimeout(_remaining(self.deadline))
        return super().recv_into(buffer, nbytes, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        self.settimeout(_remaining(self.deadline))
        super().sendall(data, flags)


class _DeadlineSSLSocket(ssl.SSLSocket):
    """_DeadlineSocket for TLS (SSLSocket.sendall loops over send)."""

    deadline: Optional[float] = None

    def recv_into(
        self, buffer: Any, nbytes: Optional[int] = None, flags: int = 0
    ) -> int:
        self.settimeout(_remaining(self.deadline))
        return super().recv_into(buffer, nbytes, flags)

    def send(self, data: Any, flags: int = 0) -> int:
        self.settimeout(_remaining(self.deadline))
        return super().send(data, flags)


def _connect_tcp(host: str, port: int, deadline: Optional[float]) -> _DeadlineSocket:
    plain = socket.create_connection((host, port), _remaining(deadline))
    sock = _DeadlineSocket(plain.family, plain.type, plain.proto, plain.detach())
    sock.deadline = deadline
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class _TCPConnection(http.client.HTTPConnection):
    def __init__(
        self, host: str, port: Optional[int], deadline: Optional[float]
    ) -> None:
        super().__init__(host, port)
        self._deadline = deadline

    def connect(self) -> None:
        self.sock = _connect_tcp(self.host, self.port, self._deadline)


class _TLSConnection(http.client.HTTPSConnection):
    def __init__(
        self,
        host: str,
        port: Optional[int],
        deadline: Optional[float],
        context: ssl.SSLContext,
    ) -> None:
        super().__init__(host, port, context=context)
        self._deadline = deadline
        self._tls = context

    def connect(self) -> None:
        plain = _connect_tcp(self.host, self.port, self._deadline)
        sock = self._tls.wrap_socket(plain, server_hostname=self.host)
        cast(_DeadlineSSLSocket, sock).deadline = self._deadline
        self.sock = sock


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, deadline: Optional[float]) -> None:
        super().__init__("localhost")
        self._path = path
        self._deadline = deadline

    def connect(self) -> None:
        sock = _DeadlineSocket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.deadline = self._deadline
            sock.settimeout(_remaining(self._deadline))
            sock.connect(self._path)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


def _post(
    conn: http.client.HTTPConnection,
    path: str,
    body: bytes,
    headers: Dict[str, str],
    limit: int,
) -> Tuple[int, bytes]:
    """POST body and read the reply, at most limit bytes of it."""
    try:
        conn.request("POST", path, body, headers)
        resp = conn.getresponse()
        if resp.length is not None and resp.length > limit:
            raise ResponseTooLargeError(
                f"the reply body ({resp.length} bytes) exceeds the limit of {limit} bytes"
            )
        chunks: List[bytes] = []
        size = 0
        while True:
            chunk = resp.read(min(1 << 16, limit + 1 - size))
            if not chunk:
                if resp.length:  # read(amt) does not report a body cut short
                    raise http.client.IncompleteRead(b"".join(chunks), resp.length)
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise ResponseTooLargeError(
                    f"the reply body exceeds the limit of {limit} bytes"
                )
        return resp.status, b"".join(chunks)
    finally:
        conn.close()


class UnixSocketTransport:
    """HTTP/1.1 POST /rpc over a Unix socket, one connection per call.

    path may start with "~" (expanded). timeout, in seconds, is the default
    deadline of the calls of a client that sets none (None: no deadline).
    headers are sent with every request (e.g. {"Authorization": "Bearer x"}).
    """

    def __init__(
        self,
        path: str = DEFAULT_SOCKET_PATH,
        timeout: Optional[float] = DEFAULT_TIMEOUT,
        headers: Optional[Dict[str, str]] = None,
    ) -> None:
        self.path = os.path.expanduser(path)
        self.timeout = timeout
        self.headers: Dict[str, str] = dict(headers or {})

    def post(
        self,
        body: bytes,
        headers: Dict[str, str],
        deadline: Optional[float],
        limit: int,
    ) -> Tuple[int, bytes]:
        conn = _UnixHTTPConnection(self.path, deadline)
        return _post(conn, "/rpc", body, {**self.headers, **headers}, limit)


class HttpTransport:
    """HTTP(S) POST to url, e.g. "http://127.0.0.1:8080/rpc" (no path means /rpc).

    timeout, in seconds, is the default deadline of the calls of a client that
    sets none (None: no deadline). headers are sent with every request (e.g.
    {"Authorization": "Bearer x"}).
    """

    def __init__(
        self,
        url: str,
        timeout: Optional[float] = DEFAULT_TIMEOUT,
        headers: Optional[Dict[str, str]] = None,
    ) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"HttpTransport needs an http:// or https:// URL, got {url!r}"
            )
        self.url = url
        self.timeout = timeout
        self.headers: Dict[str, str] = dict(headers or {})
        self._tls: Optional[ssl.SSLContext] = None
        if parts.scheme == "https":
            self._tls = ssl.create_default_context()
            self._tls.sslsocket_class = _DeadlineSSLSocket
        self._host = parts.hostname
        self._port = parts.port
        self._path = (parts.path or "/rpc") + (f"?{parts.query}" if parts.query else "")

    def post(
        self,
        body: bytes,
        headers: Dict[str, str],
        deadline: Optional[float],
        limit: int,
    ) -> Tuple[int, bytes]:
        conn: http.client.HTTPConnection
        if self._tls is not None:
            conn = _TLSConnection(self._host, self._port, deadline, self._tls)
        else:
            conn = _TCPConnection(self._host, self._port, deadline)
        return _post(conn, self._path, body, {**self.headers, **headers}, limit)
`

const callMethod = `
    def _call(
        self,
        method: str,
        params: Union[Dict[str, Any], List[Any]],
        decode: Callable[[Any, str], _T],
        timeout: Optional[float],
    ) -> _T:
        if timeout is None:
            timeout = self.timeout
        deadline = None
        if timeout is not None and timeout != float("inf"):
            deadline = time.monotonic() + timeout
        self._next_id += 1
        request_id = self._next_id
        body = json.dumps(
            {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
        )
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.request_hook is not None:
            self.request_hook(method, headers)
        try:
            status, raw = self._transport.post(
                body.encode("utf-8"), headers, deadline, self.max_response_bytes
            )
        except ResponseTooLargeError as e:
            raise ResponseTooLargeError(f"{method}: {e}", method) from e
        except RpcClientError:
            raise
        except (socket.timeout, TimeoutError) as e:
            raise RpcTimeoutError(f"{method}: no reply within {timeout} s") from e
        except (OSError, http.client.HTTPException) as e:
            raise TransportError(f"{method}: {type(e).__name__}: {e}") from e
        try:
            reply = json.loads(raw)
        except ValueError:
            reply = None
        if not isinstance(reply, dict) or (
            "result" not in reply and "error" not in reply
        ):
            snippet = raw[:200].decode("utf-8", "replace")
            raise ProtocolError(
                f"{method}: HTTP {status}, not a JSON-RPC response: {snippet!r}", method
            )
        # A server that could not read the request answers with id null.
        if reply.get("id") != request_id and not (
            reply.get("id") is None and "error" in reply
        ):
            raise ProtocolError(
                f"{method}: response id {reply.get('id')!r} does not match request id {request_id}",
                method,
            )
        error = reply.get("error")
        if error is not None:
            if not isinstance(error, dict):
                raise ProtocolError(
                    f"{method}: malformed error object: {error!r}", method
                )
            code = error.get("code")
            code = code if isinstance(code, int) else 0
            message = str(error.get("message", ""))
            raise _ERRORS.get(code, RpcError)(
                code=code, message=message, data=error.get("data")
            )
        try:
            return decode(reply.get("result"), "result")
        except _Invalid as e:
            raise ProtocolError(
                f"{method}: the reply does not fit the schema: {e}", method, e.path
            ) from e

    def discover(self, *, timeout: Optional[float] = None) -> Dict[str, Any]:
        """Return the service's OpenRPC document (rpc.discover)."""
        return self._call("rpc.discover", {}, _object, timeout)
`
