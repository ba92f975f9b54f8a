/// Routes a call to the handler method it names. Implemented for every
/// handler of this service; the functions below take any `Dispatch`.
#[allow(dead_code)]
pub trait Dispatch {
    /// Calls `method` with its by-name `params` (None when the call had none).
    fn call(
        &self,
        method: &str,
        params: Option<serde_json::Value>,
    ) -> Result<serde_json::Value, RpcError>;
}

/// Decodes a call's params into a method's input struct. Params are by
/// name: an object (absent or null means no params). Missing required
/// params, unknown params and mistyped values are -32602.
#[allow(dead_code)]
fn decode_params<T: serde::de::DeserializeOwned>(
    params: Option<serde_json::Value>,
) -> Result<T, RpcError> {
    let params = match params {
        None | Some(serde_json::Value::Null) => serde_json::Value::Object(serde_json::Map::new()),
        Some(serde_json::Value::Object(params)) => serde_json::Value::Object(params),
        Some(_) => {
            return Err(RpcError::invalid_params(
                "params must be an object: this service takes params by name",
            ))
        }
    };
    serde_json::from_value(params).map_err(RpcError::invalid_params)
}

/// Decodes the params of a `@positional` method, or of a method without
/// params: an array holds them in declared order (the input struct's
/// field order; optional ones may be left out at the end, and null is
/// a null param), and the by-name object is accepted too.
#[allow(dead_code)]
fn decode_positional<T: serde::de::DeserializeOwned>(
    params: Option<serde_json::Value>,
) -> Result<T, RpcError> {
    match params {
        Some(serde_json::Value::Array(values)) => {
            let params = serde_json::Value::Array(values);
            serde_json::from_value(params).map_err(RpcError::invalid_params)
        }
        params => decode_params(params),
    }
}

/// Encodes a handler's result as the JSON-RPC result.
#[allow(dead_code)]
fn encode_result<T: serde::Serialize>(result: T) -> Result<serde_json::Value, RpcError> {
    serde_json::to_value(result).map_err(RpcError::internal_error)
}

/// The OpenRPC document as JSON, the result of `rpc.discover`.
#[allow(dead_code)]
pub fn openrpc_document() -> serde_json::Value {
    serde_json::from_str(OPENRPC_JSON).expect("the embedded OpenRPC document is valid JSON")
}

/// `rpc.discover` takes no params (an empty object or array is accepted).
#[allow(dead_code)]
fn check_discover_params(params: Option<serde_json::Value>) -> Result<(), RpcError> {
    match params {
        None | Some(serde_json::Value::Null) => Ok(()),
        Some(serde_json::Value::Object(params)) if params.is_empty() => Ok(()),
        Some(serde_json::Value::Array(params)) if params.is_empty() => Ok(()),
        Some(_) => Err(RpcError::invalid_params("rpc.discover takes no params")),
    }
}

#[allow(dead_code)]
fn error_response(id: serde_json::Value, error: &RpcError) -> serde_json::Value {
    serde_json::json!({"jsonrpc": "2.0", "id": id, "error": error.to_json()})
}

/// Answers one JSON-RPC 2.0 message: a call, a notification or a batch.
/// Returns the response text, or None when there is nothing to send back
/// (notifications only). `rpc.discover` answers the document as
/// generated; the servers of `serve_tcp` and `serve_unix` add `servers`.
#[allow(dead_code)]
pub fn handle_json<D: Dispatch + ?Sized>(handler: &D, body: &[u8]) -> Option<String> {
    handle_json_at(handler, body, None)
}

/// The document as served by a server at `server` (a URL and a name, see
/// `server_entry`): with `servers` naming it, inserted after `info` as
/// text, so the rest stays as generated, keys in their order.
#[allow(dead_code)]
fn served_document(server: Option<&(String, &'static str)>) -> std::borrow::Cow<'static, str> {
    let (url, name) = match server {
        Some(server) => server,
        None => return std::borrow::Cow::Borrowed(OPENRPC_JSON),
    };
    // The first line closing an object at the top level's indentation
    // closes "info": the document is indented JSON, whose strings hold no
    // raw newline.
    match OPENRPC_JSON.find("\n  },\n") {
        Some(at) => {
            let (head, tail) = OPENRPC_JSON.split_at(at + "\n  }".len());
            std::borrow::Cow::Owned(format!(
                "{},\n  \"servers\": [\n    {{\n      \"name\": {},\n      \"url\": {}\n    }}\n  ]{}",
                head,
                serde_json::Value::from(*name),
                serde_json::Value::from(url.as_str()),
                tail
            ))
        }
        None => std::borrow::Cow::Borrowed(OPENRPC_JSON),
    }
}

#[allow(dead_code)]
fn handle_json_at<D: Dispatch + ?Sized>(
    handler: &D,
    body: &[u8],
    server: Option<&(String, &'static str)>,
) -> Option<String> {
    let message: serde_json::Value = match serde_json::from_slice(body) {
        Ok(message) => message,
        Err(err) => {
            let error = RpcError::parse_error(err);
            return Some(error_response(serde_json::Value::Null, &error).to_string());
        }
    };
    match message {
        serde_json::Value::Array(calls) if calls.is_empty() => {
            let error = RpcError::invalid_request("empty batch");
            Some(error_response(serde_json::Value::Null, &error).to_string())
        }
        serde_json::Value::Array(calls) => {
            let responses: Vec<String> = calls
                .into_iter()
                .filter_map(|call| call_value(handler, call).map(|reply| reply.into_text(server)))
                .collect();
            if responses.is_empty() {
                None
            } else {
                Some(format!("[{}]", responses.join(",")))
            }
        }
        call => call_value(handler, call).map(|reply| reply.into_text(server)),
    }
}

/// Answers one call of a message with the response text; None for a
/// notification (no `id`), whose outcome is never reported. A handler
/// panic becomes -32603.
#[allow(dead_code)]
pub fn handle_call<D: Dispatch + ?Sized>(handler: &D, call: serde_json::Value) -> Option<String> {
    call_value(handler, call).map(|reply| reply.into_text(None))
}

#[allow(dead_code)]
fn call_value<D: Dispatch + ?Sized>(handler: &D, call: serde_json::Value) -> Option<Reply> {
    let mut call = match call {
        serde_json::Value::Object(call) => call,
        _ => {
            let error = RpcError::invalid_request("a call must be a JSON object");
            return Some(Reply::Json(error_response(serde_json::Value::Null, &error)));
        }
    };
    let id = call.remove("id");
    let reply_id = match &id {
        None => serde_json::Value::Null,
        Some(id @ (serde_json::Value::Null | serde_json::Value::String(_))) => id.clone(),
        Some(id @ serde_json::Value::Number(_)) => id.clone(),
        Some(_) => {
            let error = RpcError::invalid_request("id must be a string, a number or null");
            return Some(Reply::Json(error_response(serde_json::Value::Null, &error)));
        }
    };
    if call.get("jsonrpc").and_then(|v| v.as_str()) != Some("2.0") {
        let error = RpcError::invalid_request("jsonrpc must be \"2.0\"");
        return Some(Reply::Json(error_response(reply_id, &error)));
    }
    let method = match call.remove("method") {
        Some(serde_json::Value::String(method)) => method,
        _ => {
            let error = RpcError::invalid_request("method must be a string");
            return Some(Reply::Json(error_response(reply_id, &error)));
        }
    };
    let params = match call.remove("params") {
        None | Some(serde_json::Value::Null) => None,
        Some(params @ (serde_json::Value::Object(_) | serde_json::Value::Array(_))) => Some(params),
        Some(_) => {
            let error = RpcError::invalid_request("params must be an object or an array");
            return Some(Reply::Json(error_response(reply_id, &error)));
        }
    };
    if method == "rpc.discover" {
        let checked = check_discover_params(params);
        id.as_ref()?;
        return Some(match checked {
            Ok(()) => Reply::Discover(reply_id),
            Err(error) => Reply::Json(error_response(reply_id, &error)),
        });
    }
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        handler.call(&method, params)
    }))
    .unwrap_or_else(|_| Err(RpcError::internal_error("the handler panicked")));
    id.as_ref()?;
    Some(Reply::Json(match result {
        Ok(result) => serde_json::json!({"jsonrpc": "2.0", "id": reply_id, "result": result}),
        Err(error) => error_response(reply_id, &error),
    }))
}

/// A response: JSON, or the answer to `rpc.discover` for this id, whose
/// document is spliced in as written. Through serde_json::Value its keys
/// would come out sorted, and a client generated from the live document
/// would list record fields in another order than the schema.
#[allow(dead_code)]
enum Reply {
    Json(serde_json::Value),
    Discover(serde_json::Value),
}

#[allow(dead_code)]
impl Reply {
    fn into_text(self, server: Option<&(String, &'static str)>) -> String {
        match self {
            Reply::Json(response) => response.to_string(),
            Reply::Discover(id) => format!(
                "{{\"jsonrpc\":\"2.0\",\"id\":{},\"result\":{}}}",
                id,
                served_document(server).trim_end()
            ),
        }
    }
}

/// Largest request body the HTTP server accepts; larger ones get 413.
#[allow(dead_code)]
pub const MAX_BODY_BYTES: usize = 16 << 20;

#[allow(dead_code)]
const MAX_HEADER_LINE: u64 = 8 << 10;
#[allow(dead_code)]
const MAX_HEADERS: usize = 100;

#[allow(dead_code)]
struct HttpRequest {
    method: String,
    path: String,
    body: Vec<u8>,
    keep_alive: bool,
}

#[allow(dead_code)]
struct HttpResponse {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    allow: Option<&'static str>,
}

#[allow(dead_code)]
impl HttpResponse {
    fn json(body: impl Into<Vec<u8>>) -> Self {
        HttpResponse {
            status: 200,
            content_type: "application/json",
            body: body.into(),
            allow: None,
        }
    }

    fn text(status: u16, body: &str) -> Self {
        HttpResponse {
            status,
            content_type: "text/plain; charset=utf-8",
            body: format!("{}\n", body).into_bytes(),
            allow: None,
        }
    }

    fn not_allowed(allow: &'static str) -> Self {
        HttpResponse {
            allow: Some(allow),
            ..HttpResponse::text(405, "method not allowed")
        }
    }
}

#[allow(dead_code)]
enum ReadError {
    Io(std::io::Error),
    Bad(u16, &'static str),
}

impl From<std::io::Error> for ReadError {
    fn from(err: std::io::Error) -> Self {
        ReadError::Io(err)
    }
}

#[allow(dead_code)]
fn read_line<R: std::io::BufRead>(reader: &mut R) -> Result<String, ReadError> {
    use std::io::{BufRead as _, Read as _};
    let mut line = String::new();
    reader.take(MAX_HEADER_LINE).read_line(&mut line)?;
    if !line.ends_with('\n') {
        if line.len() as u64 >= MAX_HEADER_LINE {
            return Err(ReadError::Bad(431, "header line too long"));
        }
        if !line.is_empty() {
            let eof = std::io::ErrorKind::UnexpectedEof;
            return Err(ReadError::Io(eof.into()));
        }
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Reads one request; Ok(None) when the peer closed the connection
/// between requests.
#[allow(dead_code)]
fn read_request<S: std::io::Read + std::io::Write>(
    reader: &mut std::io::BufReader<S>,
) -> Result<Option<HttpRequest>, ReadError> {
    use std::io::{BufRead as _, Read as _};
    let request_line = loop {
        let line = read_line(reader)?;
        if !line.is_empty() {
            break line;
        }
        if reader.fill_buf()?.is_empty() {
            return Ok(None);
        }
    };
    let mut parts = request_line.split_whitespace();
    let (method, target, version) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(target), Some(version), None) => (method, target, version),
        _ => return Err(ReadError::Bad(400, "malformed request line")),
    };
    let mut keep_alive = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => {
            return Err(ReadError::Bad(
                505,
                "only HTTP/1.0 and HTTP/1.1 are supported",
            ))
        }
    };
    let mut content_length: Option<usize> = None;
    let mut chunked = false;
    let mut expect_continue = false;
    let mut headers = 0;
    loop {
        let line = read_line(reader)?;
        if line.is_empty() {
            break;
        }
        headers += 1;
        if headers > MAX_HEADERS {
            return Err(ReadError::Bad(431, "too many headers"));
        }
        let (name, value) = match line.split_once(':') {
            Some((name, value)) => (name.trim().to_ascii_lowercase(), value.trim()),
            None => return Err(ReadError::Bad(400, "malformed header")),
        };
        match name.as_str() {
            "content-length" => {
                let length = value
                    .parse()
                    .map_err(|_| ReadError::Bad(400, "bad Content-Length"))?;
                if matches!(content_length.replace(length), Some(old) if old != length) {
                    return Err(ReadError::Bad(400, "conflicting Content-Length headers"));
                }
            }
            "transfer-encoding" if value.eq_ignore_ascii_case("chunked") => chunked = true,
            "transfer-encoding" => {
                return Err(ReadError::Bad(
                    501,
                    "only Transfer-Encoding: chunked is supported",
                ))
            }
            "connection" => keep_alive = !value.eq_ignore_ascii_case("close"),
            "expect" => expect_continue = value.eq_ignore_ascii_case("100-continue"),
            _ => {}
        }
    }
    if chunked && content_length.is_some() {
        // RFC 9112 6.1: a request with both is an attack or a broken proxy.
        return Err(ReadError::Bad(
            400,
            "Content-Length together with Transfer-Encoding",
        ));
    }
    let content_length = content_length.unwrap_or(0);
    if content_length > MAX_BODY_BYTES {
        return Err(ReadError::Bad(413, "request body too large"));
    }
    if expect_continue && (chunked || content_length > 0) {
        reader
            .get_mut()
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let body = if chunked {
        read_chunked(reader)?
    } else {
        let mut body = vec![0; content_length];
        reader.read_exact(&mut body)?;
        body
    };
    let path = target.split('?').next().unwrap_or_default().to_string();
    Ok(Some(HttpRequest {
        method: method.to_string(),
        path,
        body,
        keep_alive,
    }))
}

/// Reads a chunked body (RFC 9112 7.1): hex size lines (extensions
/// ignored), the data, and trailer lines (ignored) after the last chunk.
#[allow(dead_code)]
fn read_chunked<R: std::io::BufRead>(reader: &mut R) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let line = read_line(reader)?;
        let size = line.split(';').next().unwrap_or_default().trim();
        let size =
            usize::from_str_radix(size, 16).map_err(|_| ReadError::Bad(400, "bad chunk size"))?;
        if size == 0 {
            break;
        }
        if size > MAX_BODY_BYTES - body.len() {
            return Err(ReadError::Bad(413, "request body too large"));
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        if !read_line(reader)?.is_empty() {
            return Err(ReadError::Bad(400, "chunk data longer than its size"));
        }
    }
    let mut trailers = 0;
    while !read_line(reader)?.is_empty() {
        trailers += 1;
        if trailers > MAX_HEADERS {
            return Err(ReadError::Bad(431, "too many trailers"));
        }
    }
    Ok(body)
}

#[allow(dead_code)]
fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

#[allow(dead_code)]
fn write_response<W: std::io::Write>(
    writer: &mut W,
    response: &HttpResponse,
    keep_alive: bool,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    if response.status != 204 {
        head.push_str(&format!("Content-Type: {}\r\n", response.content_type));
        head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    }
    if let Some(allow) = response.allow {
        head.push_str(&format!("Allow: {}\r\n", allow));
    }
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(&response.body);
    writer.write_all(&out)?;
    writer.flush()
}

#[allow(dead_code)]
fn route<D: Dispatch + ?Sized>(
    handler: &D,
    request: &HttpRequest,
    server: Option<&(String, &'static str)>,
) -> HttpResponse {
    match (request.path.as_str(), request.method.as_str()) {
        ("/rpc", "POST") => match handle_json_at(handler, &request.body, server) {
            Some(body) => HttpResponse::json(body),
            None => HttpResponse {
                status: 204,
                ..HttpResponse::json("")
            },
        },
        ("/openrpc.json", "GET") => HttpResponse::json(served_document(server).into_owned()),
        ("/health", "GET") => HttpResponse::json("{\"status\":\"ok\"}"),
        ("/rpc", _) => HttpResponse::not_allowed("POST"),
        ("/openrpc.json" | "/health", _) => HttpResponse::not_allowed("GET"),
        _ => HttpResponse::text(404, "not found"),
    }
}

/// Serves HTTP/1.1 requests on one connection until the peer closes it
/// (keep-alive is supported): `POST /rpc` (JSON-RPC; 204 when only
/// notifications were sent), `GET /openrpc.json`, `GET /health`. The
/// document has no `servers` here: the stream's address is unknown.
#[allow(dead_code)]
pub fn serve_connection<D, S>(handler: &D, stream: S) -> std::io::Result<()>
where
    D: Dispatch + ?Sized,
    S: std::io::Read + std::io::Write,
{
    serve_connection_at(handler, stream, None)
}

#[allow(dead_code)]
fn serve_connection_at<D, S>(
    handler: &D,
    stream: S,
    server: Option<(String, &'static str)>,
) -> std::io::Result<()>
where
    D: Dispatch + ?Sized,
    S: std::io::Read + std::io::Write,
{
    let mut reader = std::io::BufReader::new(stream);
    loop {
        let request = match read_request(&mut reader) {
            Ok(Some(request)) => request,
            Ok(None) => return Ok(()),
            Err(ReadError::Io(err)) => return Err(err),
            Err(ReadError::Bad(status, message)) => {
                let response = HttpResponse::text(status, message);
                return write_response(reader.get_mut(), &response, false);
            }
        };
        let response = route(handler, &request, server.as_ref());
        write_response(reader.get_mut(), &response, request.keep_alive)?;
        if !request.keep_alive {
            return Ok(());
        }
    }
}

#[allow(dead_code)]
fn accept_failed_for_good(err: &std::io::Error) -> bool {
    !matches!(
        err.kind(),
        std::io::ErrorKind::Interrupted
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::WouldBlock
    )
}

/// How long a connection may stay silent, between requests or inside one,
/// before the server closes it, so that a peer that vanished without
/// closing does not hold its thread forever. `serve_tcp` and `serve_unix`
/// use it; the `_with_idle_timeout` variants take another.
#[allow(dead_code)]
pub const IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// A stream the server accepts: what it needs beyond Read and Write.
#[allow(dead_code)]
trait Connection: std::io::Read + std::io::Write + Send + 'static {
    fn set_timeouts(&self, timeout: Option<std::time::Duration>) -> std::io::Result<()>;
    /// The URL and the name of the server entry `rpc.discover` announces
    /// on this connection: `http://<ip>:<port>/rpc` ("http") for TCP,
    /// `unix://<socket path>` ("unix") for a Unix socket, whose JSON-RPC
    /// endpoint is POST /rpc over HTTP on that socket.
    fn server_entry(&self) -> Option<(String, &'static str)>;
}

impl Connection for std::net::TcpStream {
    fn set_timeouts(&self, timeout: Option<std::time::Duration>) -> std::io::Result<()> {
        self.set_read_timeout(timeout)?;
        self.set_write_timeout(timeout)
    }

    fn server_entry(&self) -> Option<(String, &'static str)> {
        let addr = self.local_addr().ok()?;
        Some((format!("http://{}/rpc", addr), "http"))
    }
}

#[cfg(unix)]
impl Connection for std::os::unix::net::UnixStream {
    fn set_timeouts(&self, timeout: Option<std::time::Duration>) -> std::io::Result<()> {
        self.set_read_timeout(timeout)?;
        self.set_write_timeout(timeout)
    }

    fn server_entry(&self) -> Option<(String, &'static str)> {
        let addr = self.local_addr().ok()?;
        let path = addr.as_pathname()?.to_str()?;
        Some((format!("unix://{}", path), "unix"))
    }
}

/// Serves each accepted connection on a thread of its own until accepting
/// fails for good.
#[allow(dead_code)]
fn serve_incoming<D, S, I>(
    handler: std::sync::Arc<D>,
    incoming: I,
    idle_timeout: std::time::Duration,
) -> std::io::Result<()>
where
    D: Dispatch + Send + Sync + 'static,
    S: Connection,
    I: Iterator<Item = std::io::Result<S>>,
{
    // A zero Duration is rejected by set_read_timeout; here it means none.
    let timeout = Some(idle_timeout).filter(|timeout| !timeout.is_zero());
    for stream in incoming {
        match stream {
            Ok(stream) => {
                if stream.set_timeouts(timeout).is_err() {
                    continue; // the peer is already gone
                }
                let handler = handler.clone();
                let server = stream.server_entry();
                std::thread::spawn(move || serve_connection_at(&*handler, stream, server));
            }
            Err(err) if accept_failed_for_good(&err) => return Err(err),
            Err(_) => {}
        }
    }
    Ok(())
}

/// Serves HTTP/1.1 on a TCP listener, one thread per connection, closing
/// connections idle for [`IDLE_TIMEOUT`]. Returns only when accepting
/// fails for good.
#[allow(dead_code)]
pub fn serve_tcp<D>(
    handler: std::sync::Arc<D>,
    listener: std::net::TcpListener,
) -> std::io::Result<()>
where
    D: Dispatch + Send + Sync + 'static,
{
    serve_tcp_with_idle_timeout(handler, listener, IDLE_TIMEOUT)
}

/// Like [`serve_tcp`], closing connections idle for `idle_timeout` (zero:
/// never).
#[allow(dead_code)]
pub fn serve_tcp_with_idle_timeout<D>(
    handler: std::sync::Arc<D>,
    listener: std::net::TcpListener,
    idle_timeout: std::time::Duration,
) -> std::io::Result<()>
where
    D: Dispatch + Send + Sync + 'static,
{
    serve_incoming(handler, listener.incoming(), idle_timeout)
}

/// Serves HTTP/1.1 on a Unix socket listener, one thread per connection,
/// closing connections idle for [`IDLE_TIMEOUT`]. Returns only when
/// accepting fails for good.
#[cfg(unix)]
#[allow(dead_code)]
pub fn serve_unix<D>(
    handler: std::sync::Arc<D>,
    listener: std::os::unix::net::UnixListener,
) -> std::io::Result<()>
where
    D: Dispatch + Send + Sync + 'static,
{
    serve_unix_with_idle_timeout(handler, listener, IDLE_TIMEOUT)
}

/// Like [`serve_unix`], closing connections idle for `idle_timeout` (zero:
/// never).
#[cfg(unix)]
#[allow(dead_code)]
pub fn serve_unix_with_idle_timeout<D>(
    handler: std::sync::Arc<D>,
    listener: std::os::unix::net::UnixListener,
    idle_timeout: std::time::Duration,
) -> std::io::Result<()>
where
    D: Dispatch + Send + Sync + 'static,
{
    serve_incoming(handler, listener.incoming(), idle_timeout)
}

/// Binds a Unix socket at `path`, creating its directory and replacing a
/// stale socket file that nothing listens on. Fails with AddrInUse when a
/// server already listens there.
#[cfg(unix)]
#[allow(dead_code)]
pub fn bind_unix(
    path: impl AsRef<std::path::Path>,
) -> std::io::Result<std::os::unix::net::UnixListener> {
    let path = path.as_ref();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    if path.exists() {
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            let message = format!("a server already listens on {}", path.display());
            return Err(std::io::Error::new(std::io::ErrorKind::AddrInUse, message));
        }
        std::fs::remove_file(path)?;
    }
    std::os::unix::net::UnixListener::bind(path)
}

/// The conventional socket path of this service, with `~` expanded from
/// `$HOME`.
#[allow(dead_code)]
pub fn default_socket_path() -> std::path::PathBuf {
    match (
        DEFAULT_SOCKET_PATH.strip_prefix("~/"),
        std::env::var_os("HOME"),
    ) {
        (Some(rest), Some(home)) => std::path::Path::new(&home).join(rest),
        _ => std::path::PathBuf::from(DEFAULT_SOCKET_PATH),
    }
}
