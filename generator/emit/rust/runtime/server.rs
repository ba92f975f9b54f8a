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
    // Servers refuse enum values the schema does not know (clients keep
    // them).
    oschema_strict::refuse_unknown(|| serde_json::from_value(params))
        .map_err(RpcError::invalid_params)
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
            oschema_strict::refuse_unknown(|| serde_json::from_value(params))
                .map_err(RpcError::invalid_params)
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

/// The text of an error response; `id` is the JSON text of the id.
#[allow(dead_code)]
fn error_response(id: &str, error: &RpcError) -> String {
    format!(
        "{{\"error\":{},\"id\":{},\"jsonrpc\":\"2.0\"}}",
        error.to_json(),
        id
    )
}

/// Answers one JSON-RPC 2.0 message: a call, a notification or a batch.
/// Returns the response text, or None when there is nothing to send back
/// (notifications only). `rpc.discover` answers the document as
/// generated; the servers of `serve_tcp` and `serve_unix` add `servers`.
/// Every id is echoed as the text it was sent as (a 30-digit number
/// stays 30 digits, a string keeps its escapes).
///
/// To serve the handler from an async runtime, call this from a blocking
/// task, for example with tokio and axum:
/// `tokio::task::spawn_blocking(move || handle_json(&*handler, &body))`,
/// answering `Some(text)` with 200 and `application/json`, and None with
/// 204 No Content. [`handle_json_with_context`] also passes the request's
/// headers and peer to the handler methods (see [`request_context`]).
#[allow(dead_code)]
pub fn handle_json<D: Dispatch + ?Sized>(handler: &D, body: &[u8]) -> Option<String> {
    handle_json_at(handler, body, None)
}

/// Like [`handle_json`], with `context` reachable through
/// [`request_context`] by the handler methods while they run.
#[allow(dead_code)]
pub fn handle_json_with_context<D: Dispatch + ?Sized>(
    handler: &D,
    body: &[u8],
    context: RequestContext,
) -> Option<String> {
    let _context = ContextGuard::set(context);
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
            return Some(error_response("null", &error));
        }
    };
    let ids = raw_ids(body);
    match message {
        serde_json::Value::Array(calls) if calls.is_empty() => {
            let error = RpcError::invalid_request("empty batch");
            Some(error_response("null", &error))
        }
        serde_json::Value::Array(calls) => {
            let responses: Vec<String> = calls
                .into_iter()
                .enumerate()
                .filter_map(|(i, call)| {
                    let raw_id = ids.get(i).copied().flatten();
                    call_value(handler, call, raw_id).map(|reply| reply.into_text(server))
                })
                .collect();
            if responses.is_empty() {
                None
            } else {
                Some(format!("[{}]", responses.join(",")))
            }
        }
        call => {
            let raw_id = ids.first().copied().flatten();
            call_value(handler, call, raw_id).map(|reply| reply.into_text(server))
        }
    }
}

/// Answers one call of a message with the response text; None for a
/// notification (no `id`), whose outcome is never reported. A handler
/// panic becomes -32603.
#[allow(dead_code)]
pub fn handle_call<D: Dispatch + ?Sized>(handler: &D, call: serde_json::Value) -> Option<String> {
    call_value(handler, call, None).map(|reply| reply.into_text(None))
}

// The raw text of the ids. serde_json (without its arbitrary_precision
// feature) reads a number id of more than 17 digits as a float, so the
// server finds each id's text in the body itself, after serde_json has
// found the body valid JSON.

#[allow(dead_code)]
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The index after the string starting at b[i].
#[allow(dead_code)]
fn skip_string(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// The index after the value starting at b[i] (not nested: no recursion).
#[allow(dead_code)]
fn skip_value(b: &[u8], start: usize) -> usize {
    let mut i = start;
    match b.get(i) {
        Some(b'"') => skip_string(b, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            while i < b.len() {
                match b[i] {
                    b'"' => {
                        i = skip_string(b, i);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            b.len()
        }
        _ => {
            while i < b.len() && !matches!(b[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                i += 1;
            }
            i
        }
    }
}

/// Whether the raw key text (quotes included) is "id", escapes decoded.
#[allow(dead_code)]
fn is_id_key(key: &[u8]) -> bool {
    if key == b"\"id\"" {
        return true;
    }
    key.contains(&b'\\')
        && std::str::from_utf8(key)
            .ok()
            .and_then(|key| serde_json::from_str::<String>(key).ok())
            .as_deref()
            == Some("id")
}

/// The raw text of the last `id` member of the object at b[i], as
/// serde_json keeps the last of duplicate keys.
#[allow(dead_code)]
fn raw_id(b: &[u8], i: usize) -> Option<&str> {
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let mut i = skip_ws(b, i + 1);
    let mut found = None;
    while b.get(i) == Some(&b'"') {
        let key_end = skip_string(b, i);
        let key = &b[i..key_end];
        let value = skip_ws(b, skip_ws(b, key_end) + 1);
        let end = skip_value(b, value);
        if is_id_key(key) {
            found = std::str::from_utf8(&b[value..end]).ok();
        }
        i = skip_ws(b, end);
        if b.get(i) == Some(&b',') {
            i = skip_ws(b, i + 1);
        }
    }
    found
}

/// The raw id of each call of a valid JSON message: one for an object,
/// one per element for a batch.
#[allow(dead_code)]
fn raw_ids(b: &[u8]) -> Vec<Option<&str>> {
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'[') {
        return vec![raw_id(b, i)];
    }
    let mut ids = Vec::new();
    i = skip_ws(b, i + 1);
    while i < b.len() && b[i] != b']' {
        ids.push(raw_id(b, i));
        i = skip_ws(b, skip_value(b, i));
        if b.get(i) == Some(&b',') {
            i = skip_ws(b, i + 1);
        }
    }
    ids
}

#[allow(dead_code)]
fn call_value<D: Dispatch + ?Sized>(
    handler: &D,
    call: serde_json::Value,
    raw_id: Option<&str>,
) -> Option<Reply> {
    let mut call = match call {
        serde_json::Value::Object(call) => call,
        _ => {
            let error = RpcError::invalid_request("a call must be a JSON object");
            return Some(Reply::Json(error_response("null", &error)));
        }
    };
    let id = call.remove("id");
    let reply_id = match &id {
        None | Some(serde_json::Value::Null) => "null".to_string(),
        Some(id @ (serde_json::Value::String(_) | serde_json::Value::Number(_))) => {
            raw_id.map_or_else(|| id.to_string(), str::to_string)
        }
        Some(_) => {
            let error = RpcError::invalid_request("id must be a string, a number or null");
            return Some(Reply::Json(error_response("null", &error)));
        }
    };
    if call.get("jsonrpc").and_then(|v| v.as_str()) != Some("2.0") {
        let error = RpcError::invalid_request("jsonrpc must be \"2.0\"");
        return Some(Reply::Json(error_response(&reply_id, &error)));
    }
    let method = match call.remove("method") {
        Some(serde_json::Value::String(method)) => method,
        _ => {
            let error = RpcError::invalid_request("method must be a string");
            return Some(Reply::Json(error_response(&reply_id, &error)));
        }
    };
    let params = match call.remove("params") {
        None | Some(serde_json::Value::Null) => None,
        Some(params @ (serde_json::Value::Object(_) | serde_json::Value::Array(_))) => Some(params),
        Some(_) => {
            let error = RpcError::invalid_request("params must be an object or an array");
            return Some(Reply::Json(error_response(&reply_id, &error)));
        }
    };
    if method == "rpc.discover" {
        let checked = check_discover_params(params);
        id.as_ref()?;
        return Some(match checked {
            Ok(()) => Reply::Discover(reply_id),
            Err(error) => Reply::Json(error_response(&reply_id, &error)),
        });
    }
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        handler.call(&method, params)
    }))
    .unwrap_or_else(|_| Err(RpcError::internal_error("the handler panicked")));
    id.as_ref()?;
    Some(Reply::Json(match result {
        Ok(result) => format!(
            "{{\"id\":{},\"jsonrpc\":\"2.0\",\"result\":{}}}",
            reply_id, result
        ),
        Err(error) => error_response(&reply_id, &error),
    }))
}

/// A response: its text, or the answer to `rpc.discover` for this id (its
/// text), whose document is spliced in as written. Through
/// serde_json::Value its keys would come out sorted, and a client
/// generated from the live document would list record fields in another
/// order than the schema.
#[allow(dead_code)]
enum Reply {
    Json(String),
    Discover(String),
}

#[allow(dead_code)]
impl Reply {
    fn into_text(self, server: Option<&(String, &'static str)>) -> String {
        match self {
            Reply::Json(response) => response,
            Reply::Discover(id) => format!(
                "{{\"jsonrpc\":\"2.0\",\"id\":{},\"result\":{}}}",
                id,
                served_document(server).trim_end()
            ),
        }
    }
}

/// What the server knows of the HTTP request a handler method answers:
/// [`request_context`] returns it while the method runs.
#[derive(Clone, Debug, Default)]
#[allow(dead_code)]
pub struct RequestContext {
    /// The request's headers in the order sent, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The peer's address, on TCP.
    pub peer_addr: Option<std::net::SocketAddr>,
    /// The peer process's credentials, on a Unix socket (Linux: SO_PEERCRED).
    pub peer_cred: Option<PeerCred>,
}

#[allow(dead_code)]
impl RequestContext {
    /// The value of the first header named `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The credentials of the process at the other end of a Unix socket, as
/// the kernel recorded them when it connected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(dead_code)]
pub struct PeerCred {
    pub pid: i32,
    pub uid: u32,
    pub gid: u32,
}

std::thread_local! {
    static CONTEXT: std::cell::RefCell<Option<RequestContext>> =
        const { std::cell::RefCell::new(None) };
}

/// The context of the request the calling handler method answers: set by
/// the servers of this module (and [`handle_json_with_context`]) on the
/// thread that runs the method; None elsewhere.
#[allow(dead_code)]
pub fn request_context() -> Option<RequestContext> {
    CONTEXT.with(|context| context.borrow().clone())
}

/// Sets the thread's request context until dropped.
#[allow(dead_code)]
struct ContextGuard(Option<RequestContext>);

#[allow(dead_code)]
impl ContextGuard {
    fn set(context: RequestContext) -> Self {
        ContextGuard(CONTEXT.with(|c| c.borrow_mut().replace(context)))
    }
}

#[allow(dead_code)]
impl Drop for ContextGuard {
    fn drop(&mut self) {
        let previous = self.0.take();
        CONTEXT.with(|c| *c.borrow_mut() = previous);
    }
}

/// Largest request body the HTTP server accepts; larger ones get 413. The
/// body is read as it arrives, never allocated from Content-Length alone.
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
    headers: Vec<(String, String)>,
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

#[allow(dead_code)]
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

/// Reads exactly `size` bytes onto the end of `body`, as they arrive.
#[allow(dead_code)]
fn read_body<R: std::io::Read>(
    reader: &mut R,
    body: &mut Vec<u8>,
    size: usize,
) -> Result<(), ReadError> {
    use std::io::Read as _;
    let want = body.len() + size;
    reader.take(size as u64).read_to_end(body)?;
    if body.len() < want {
        return Err(ReadError::Io(std::io::ErrorKind::UnexpectedEof.into()));
    }
    Ok(())
}

/// Reads one request; Ok(None) when the peer closed the connection
/// between requests.
#[allow(dead_code)]
fn read_request<S: std::io::Read + std::io::Write>(
    reader: &mut std::io::BufReader<S>,
) -> Result<Option<HttpRequest>, ReadError> {
    use std::io::BufRead as _;
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
    let mut headers = Vec::new();
    loop {
        let line = read_line(reader)?;
        if line.is_empty() {
            break;
        }
        if headers.len() >= MAX_HEADERS {
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
        headers.push((name, value.to_string()));
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
        let mut body = Vec::with_capacity(content_length.min(64 << 10));
        read_body(reader, &mut body, content_length)?;
        body
    };
    let path = target.split('?').next().unwrap_or_default().to_string();
    Ok(Some(HttpRequest {
        method: method.to_string(),
        path,
        headers,
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
        read_body(reader, &mut body, size)?;
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
        408 => "Request Timeout",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        503 => "Service Unavailable",
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

/// The body of `GET /health`, the same as the Go server's.
#[allow(dead_code)]
fn health_body() -> String {
    format!(
        "{{\"status\":\"ok\",\"service\":{}}}",
        serde_json::Value::from(SERVICE_NAME)
    )
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
        ("/health", "GET") => HttpResponse::json(health_body()),
        ("/rpc", _) => HttpResponse::not_allowed("POST"),
        ("/openrpc.json" | "/health", _) => HttpResponse::not_allowed("GET"),
        _ => HttpResponse::text(404, "not found"),
    }
}

/// Serves HTTP/1.1 requests on one connection until the peer closes it
/// (keep-alive is supported): `POST /rpc` (JSON-RPC; 204 when only
/// notifications were sent), `GET /openrpc.json`, `GET /health`. The
/// document has no `servers` here: the stream's address is unknown. No
/// timeouts apply but the stream's own; the servers of `start_tcp` and
/// `start_unix` bound every request (see [`ServerOptions`]).
#[allow(dead_code)]
pub fn serve_connection<D, S>(handler: &D, stream: S) -> std::io::Result<()>
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
        let response = route(handler, &request, None);
        write_response(reader.get_mut(), &response, request.keep_alive)?;
        if !request.keep_alive {
            return Ok(());
        }
    }
}

/// How long a connection may stay silent, between requests or inside one,
/// before the server closes it, so that a peer that vanished without
/// closing does not hold a worker. [`ServerOptions::idle_timeout`] defaults to it.
#[allow(dead_code)]
pub const IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// How long a whole request may take to arrive, from its first byte to the
/// last byte of its body, however it trickles in: a slower client is cut
/// off. [`ServerOptions::read_timeout`] defaults to it.
#[allow(dead_code)]
pub const READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// How long one write of a response may block on a peer that does not
/// read. [`ServerOptions::write_timeout`] defaults to it.
#[allow(dead_code)]
pub const WRITE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// How many connections a server serves at once, one worker thread each;
/// further ones wait in a queue (an idle keep-alive connection gives its
/// worker up to them). [`ServerOptions::max_connections`] defaults to it.
#[allow(dead_code)]
pub const MAX_CONNECTIONS: usize = 64;

/// How many accepted connections may wait for a worker; the server answers
/// further ones 503 and closes them. [`ServerOptions::max_queued`] defaults
/// to it.
#[allow(dead_code)]
pub const MAX_QUEUED: usize = 4096;

/// How often a worker waiting for a request checks for a shutdown and for
/// connections waiting in the queue.
#[allow(dead_code)]
const POLL: std::time::Duration = std::time::Duration::from_millis(100);

/// Receives the server's messages about connections and the listener.
#[allow(dead_code)]
pub type LogFn = std::sync::Arc<dyn Fn(&str) + Send + Sync>;

/// How a server started by [`start_tcp`] or [`start_unix`] runs. Zero
/// durations mean no timeout.
#[derive(Clone)]
#[allow(dead_code)]
pub struct ServerOptions {
    /// Silence allowed on a connection, between requests or inside one
    /// ([`IDLE_TIMEOUT`]).
    pub idle_timeout: std::time::Duration,
    /// Time allowed for a whole request ([`READ_TIMEOUT`]).
    pub read_timeout: std::time::Duration,
    /// Time allowed for one write of a response ([`WRITE_TIMEOUT`]).
    pub write_timeout: std::time::Duration,
    /// Connections served at once ([`MAX_CONNECTIONS`], at least 1).
    pub max_connections: usize,
    /// Accepted connections waiting for a worker ([`MAX_QUEUED`], at
    /// least 1); the server answers further ones 503 and closes them.
    pub max_queued: usize,
    /// Where messages go (a request cut off by the read timeout, a
    /// malformed request, an overload, a failed accept or thread spawn);
    /// None writes them to stderr. `Some(Arc::new(|_| {}))` is silent.
    pub log: Option<LogFn>,
}

#[allow(dead_code)]
impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            idle_timeout: IDLE_TIMEOUT,
            read_timeout: READ_TIMEOUT,
            write_timeout: WRITE_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
            max_queued: MAX_QUEUED,
            log: None,
        }
    }
}

/// A stream the server accepts: what it needs beyond Read and Write.
#[allow(dead_code)]
trait Connection: std::io::Read + std::io::Write + Send + 'static {
    fn set_read(&self, timeout: Option<std::time::Duration>) -> std::io::Result<()>;
    fn set_write(&self, timeout: Option<std::time::Duration>) -> std::io::Result<()>;
    /// The URL and the name of the server entry `rpc.discover` announces
    /// on this connection: `http://<ip>:<port>/rpc` ("http") for TCP,
    /// `unix://<socket path>` ("unix") for a Unix socket, whose JSON-RPC
    /// endpoint is POST /rpc over HTTP on that socket.
    fn server_entry(&self) -> Option<(String, &'static str)>;
    /// The peer, for the request context.
    fn peer(&self, context: &mut RequestContext);
}

#[allow(dead_code)]
impl Connection for std::net::TcpStream {
    fn set_read(&self, timeout: Option<std::time::Duration>) -> std::io::Result<()> {
        self.set_read_timeout(timeout)
    }

    fn set_write(&self, timeout: Option<std::time::Duration>) -> std::io::Result<()> {
        self.set_write_timeout(timeout)
    }

    fn server_entry(&self) -> Option<(String, &'static str)> {
        let addr = self.local_addr().ok()?;
        Some((format!("http://{}/rpc", addr), "http"))
    }

    fn peer(&self, context: &mut RequestContext) {
        context.peer_addr = self.peer_addr().ok();
    }
}

#[cfg(unix)]
#[allow(dead_code)]
impl Connection for std::os::unix::net::UnixStream {
    fn set_read(&self, timeout: Option<std::time::Duration>) -> std::io::Result<()> {
        self.set_read_timeout(timeout)
    }

    fn set_write(&self, timeout: Option<std::time::Duration>) -> std::io::Result<()> {
        self.set_write_timeout(timeout)
    }

    fn server_entry(&self) -> Option<(String, &'static str)> {
        let addr = self.local_addr().ok()?;
        let path = addr.as_pathname()?.to_str()?;
        Some((format!("unix://{}", path), "unix"))
    }

    fn peer(&self, context: &mut RequestContext) {
        context.peer_cred = peer_cred(self);
    }
}

/// SO_PEERCRED through the C library std links anyway (the libc crate is
/// not a dependency; `UnixStream::peer_cred` is not stable in Rust 1.63).
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "x86",
        target_arch = "aarch64",
        target_arch = "arm",
        target_arch = "riscv64"
    )
))]
#[allow(dead_code)]
fn peer_cred(stream: &std::os::unix::net::UnixStream) -> Option<PeerCred> {
    use std::os::unix::io::AsRawFd as _;
    #[repr(C)]
    struct Ucred {
        pid: i32,
        uid: u32,
        gid: u32,
    }
    extern "C" {
        fn getsockopt(fd: i32, level: i32, name: i32, value: *mut Ucred, len: *mut u32) -> i32;
    }
    // SOL_SOCKET and SO_PEERCRED on these architectures.
    const SOL_SOCKET: i32 = 1;
    const SO_PEERCRED: i32 = 17;
    let mut cred = Ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<Ucred>() as u32;
    // SAFETY: cred and len are valid for writes of the sizes given.
    let rc = unsafe {
        getsockopt(
            stream.as_raw_fd(),
            SOL_SOCKET,
            SO_PEERCRED,
            &mut cred,
            &mut len,
        )
    };
    if rc != 0 || len as usize != std::mem::size_of::<Ucred>() {
        return None;
    }
    Some(PeerCred {
        pid: cred.pid,
        uid: cred.uid,
        gid: cred.gid,
    })
}

#[cfg(all(
    unix,
    not(all(
        target_os = "linux",
        any(
            target_arch = "x86_64",
            target_arch = "x86",
            target_arch = "aarch64",
            target_arch = "arm",
            target_arch = "riscv64"
        )
    ))
))]
#[allow(dead_code)]
fn peer_cred(_stream: &std::os::unix::net::UnixStream) -> Option<PeerCred> {
    None
}

/// A connection whose reads fail with TimedOut once `deadline` passed
/// (the deadline covers a whole request, not each read) or after
/// `silence` without a byte.
#[allow(dead_code)]
struct Deadlined<S> {
    stream: S,
    deadline: Option<std::time::Instant>,
    silence: Option<std::time::Duration>,
    /// Whether a request is being read (else the timeouts are the caller's).
    in_request: bool,
}

#[allow(dead_code)]
impl<S: Connection> std::io::Read for Deadlined<S> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.in_request {
            let mut wait = self.silence;
            if let Some(deadline) = self.deadline {
                let left = deadline.saturating_duration_since(std::time::Instant::now());
                if left.is_zero() {
                    let kind = std::io::ErrorKind::TimedOut;
                    return Err(std::io::Error::new(kind, "request not received in time"));
                }
                wait = Some(wait.map_or(left, |silence| silence.min(left)));
            }
            self.stream.set_read(wait)?;
        }
        self.stream.read(buf)
    }
}

#[allow(dead_code)]
impl<S: Connection> std::io::Write for Deadlined<S> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.stream.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}

#[allow(dead_code)]
fn is_timeout(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

/// Some(duration), None for zero (set_read_timeout rejects zero).
#[allow(dead_code)]
fn nonzero(duration: std::time::Duration) -> Option<std::time::Duration> {
    Some(duration).filter(|d| !d.is_zero())
}

/// The state a server's acceptor and workers share.
#[allow(dead_code)]
struct Shared<S> {
    options: ServerOptions,
    stopping: std::sync::atomic::AtomicBool,
    pool: std::sync::Mutex<Pool<S>>,
    /// Signalled when a connection is queued or the server stops.
    work: std::sync::Condvar,
    /// Signalled when the last worker exits.
    done: std::sync::Condvar,
}

#[allow(dead_code)]
struct Pool<S> {
    queue: std::collections::VecDeque<S>,
    workers: usize,
    idle: usize,
}

#[allow(dead_code)]
impl<S> Shared<S> {
    fn log(&self, message: &str) {
        match &self.options.log {
            Some(log) => log(message),
            None => eprintln!("{}: {}", SERVICE_NAME, message),
        }
    }

    fn stopping(&self) -> bool {
        self.stopping.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pool<S>> {
        self.pool
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether connections wait for a worker and none will be free.
    fn crowded(&self) -> bool {
        let pool = self.lock();
        !pool.queue.is_empty()
            && pool.idle == 0
            && pool.workers >= self.options.max_connections.max(1)
    }
}

/// Waits for the first byte of the next request: true when it is there,
/// false when the connection should close (the peer closed it, it stayed
/// idle too long, the server stops, or other connections wait for a
/// worker while this one is silent).
#[allow(dead_code)]
fn await_request<S: Connection>(
    reader: &mut std::io::BufReader<Deadlined<S>>,
    shared: &Shared<S>,
) -> std::io::Result<bool> {
    use std::io::BufRead as _;
    let idle = nonzero(shared.options.idle_timeout);
    let start = std::time::Instant::now();
    reader.get_mut().in_request = false;
    loop {
        if !reader.buffer().is_empty() {
            return Ok(true);
        }
        let mut slice = POLL;
        if let Some(idle) = idle {
            let left = idle.saturating_sub(start.elapsed());
            if left.is_zero() {
                return Ok(false);
            }
            slice = slice.min(left);
        }
        reader.get_ref().stream.set_read(Some(slice))?;
        match reader.fill_buf() {
            Ok(data) => return Ok(!data.is_empty()),
            Err(err) if is_timeout(&err) => {
                if shared.stopping() || shared.crowded() {
                    return Ok(false);
                }
            }
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
}

/// Serves one connection of a server until it closes, with the server's
/// timeouts, the request context set for the handler methods.
#[allow(dead_code)]
fn serve_pooled<D, S>(handler: &D, stream: S, shared: &Shared<S>) -> std::io::Result<()>
where
    D: Dispatch + ?Sized,
    S: Connection,
{
    stream.set_write(nonzero(shared.options.write_timeout))?;
    let server = stream.server_entry();
    let mut peer = RequestContext::default();
    stream.peer(&mut peer);
    let read_timeout = nonzero(shared.options.read_timeout);
    let mut reader = std::io::BufReader::new(Deadlined {
        stream,
        deadline: None,
        silence: nonzero(shared.options.idle_timeout),
        in_request: false,
    });
    loop {
        if !await_request(&mut reader, shared)? {
            return Ok(());
        }
        let request_reader = reader.get_mut();
        request_reader.in_request = true;
        request_reader.deadline = read_timeout.map(|t| std::time::Instant::now() + t);
        let request = match read_request(&mut reader) {
            Ok(Some(request)) => request,
            Ok(None) => return Ok(()),
            Err(ReadError::Io(err)) if is_timeout(&err) => {
                // Closed without an answer, as Go's net/http does.
                shared.log("closed a connection: the request did not arrive in time");
                return Ok(());
            }
            Err(ReadError::Io(err)) => return Err(err),
            Err(ReadError::Bad(status, message)) => {
                shared.log(&format!("refused a request: {} {}", status, message));
                let response = HttpResponse::text(status, message);
                return write_response(reader.get_mut(), &response, false);
            }
        };
        reader.get_mut().in_request = false;
        let mut context = peer.clone();
        context.headers = request.headers.clone();
        let response = {
            let _context = ContextGuard::set(context);
            route(handler, &request, server.as_ref())
        };
        let keep_alive = request.keep_alive && !shared.stopping();
        write_response(reader.get_mut(), &response, keep_alive)?;
        if !keep_alive {
            return Ok(());
        }
    }
}

#[allow(dead_code)]
fn worker<D, S>(handler: std::sync::Arc<D>, shared: std::sync::Arc<Shared<S>>)
where
    D: Dispatch + Send + Sync + 'static + ?Sized,
    S: Connection,
{
    loop {
        let stream = {
            let mut pool = shared.lock();
            loop {
                if let Some(stream) = pool.queue.pop_front() {
                    break Some(stream);
                }
                if shared.stopping() {
                    break None;
                }
                pool.idle += 1;
                pool = shared
                    .work
                    .wait(pool)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                pool.idle -= 1;
            }
        };
        let stream = match stream {
            Some(stream) => stream,
            None => break,
        };
        let served = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            serve_pooled(&*handler, stream, &shared)
        }));
        match served {
            Ok(Ok(())) => {}
            Ok(Err(err)) => match err.kind() {
                std::io::ErrorKind::BrokenPipe
                | std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::UnexpectedEof => {}
                _ => shared.log(&format!("connection: {}", err)),
            },
            Err(_) => shared.log("connection: the server panicked"),
        }
    }
    let mut pool = shared.lock();
    pool.workers -= 1;
    if pool.workers == 0 {
        shared.done.notify_all();
    }
}

/// Answers a connection no worker will serve with 503 and closes it. What
/// the client sent already is read first (for at most 20 ms): closing a
/// socket with unread input resets the connection, and the client would
/// lose the answer.
#[allow(dead_code)]
fn refuse<S: Connection>(mut stream: S, why: &str) {
    let _ = stream.set_write(Some(std::time::Duration::from_secs(1)));
    let response = HttpResponse::text(503, why);
    if write_response(&mut stream, &response, false).is_err() {
        return;
    }
    let _ = stream.flush();
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(20);
    let mut sink = [0u8; 4096];
    for _ in 0..16 {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() || stream.set_read(Some(left)).is_err() {
            break;
        }
        match stream.read(&mut sink) {
            Ok(n) if n > 0 => continue,
            _ => break,
        }
    }
}

/// Hands an accepted connection to a worker: an idle one, a new one (up to
/// max_connections), or the queue; 503 when the queue is full.
#[allow(dead_code)]
fn dispatch<D, S>(handler: &std::sync::Arc<D>, shared: &std::sync::Arc<Shared<S>>, stream: S)
where
    D: Dispatch + Send + Sync + 'static + ?Sized,
    S: Connection,
{
    let mut pool = shared.lock();
    if pool.queue.len() >= shared.options.max_queued.max(1) {
        drop(pool);
        shared.log("overloaded: refused a connection with 503");
        refuse(stream, "too many connections");
        return;
    }
    pool.queue.push_back(stream);
    if pool.idle > 0 {
        shared.work.notify_one();
    }
    // Each idle worker takes one queued connection; a new worker is
    // started for the rest, up to the cap.
    if pool.queue.len() <= pool.idle || pool.workers >= shared.options.max_connections.max(1) {
        return;
    }
    pool.workers += 1;
    drop(pool);
    let (h, s) = (handler.clone(), shared.clone());
    let spawned = std::thread::Builder::new()
        .name(format!("{}-worker", SERVICE_NAME))
        .spawn(move || worker(h, s));
    if let Err(err) = spawned {
        shared.log(&format!("cannot start a worker thread: {}", err));
        let mut pool = shared.lock();
        pool.workers -= 1;
        if pool.workers == 0 {
            // Nobody will serve the queue: refuse what waits.
            shared.done.notify_all();
            let refused: Vec<S> = pool.queue.drain(..).collect();
            drop(pool);
            for stream in refused {
                refuse(stream, "cannot start a worker");
            }
        }
    }
}

/// Whether an accept error stops the server: not for a connection that
/// failed before it was accepted, nor for running out of file descriptors
/// or memory for a while (EMFILE, ENFILE, ENOBUFS, ENOMEM: the server
/// waits a moment and goes on).
#[allow(dead_code)]
fn accept_failed_for_good(err: &std::io::Error) -> bool {
    if matches!(err.raw_os_error(), Some(23 | 24 | 105 | 12)) {
        std::thread::sleep(POLL);
        return false;
    }
    !matches!(
        err.kind(),
        std::io::ErrorKind::Interrupted
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::WouldBlock
    )
}

/// The listeners a server accepts on.
#[allow(dead_code)]
trait Listener: Send + Sync + 'static {
    type Stream: Connection;
    fn accept_one(&self) -> std::io::Result<Self::Stream>;
    /// Connects to the listener, to wake the acceptor up at shutdown.
    fn wake(&self);
}

#[allow(dead_code)]
impl Listener for std::net::TcpListener {
    type Stream = std::net::TcpStream;

    fn accept_one(&self) -> std::io::Result<Self::Stream> {
        self.accept().map(|(stream, _)| stream)
    }

    fn wake(&self) {
        if let Ok(mut addr) = self.local_addr() {
            if addr.ip().is_unspecified() {
                let ip: std::net::IpAddr = match addr {
                    std::net::SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                    std::net::SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
                };
                addr.set_ip(ip);
            }
            let _ = std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(1));
        }
    }
}

#[cfg(unix)]
#[allow(dead_code)]
impl Listener for std::os::unix::net::UnixListener {
    type Stream = std::os::unix::net::UnixStream;

    fn accept_one(&self) -> std::io::Result<Self::Stream> {
        self.accept().map(|(stream, _)| stream)
    }

    fn wake(&self) {
        let path = self
            .local_addr()
            .ok()
            .and_then(|addr| addr.as_pathname().map(|p| p.to_path_buf()));
        if let Some(path) = path {
            let _ = std::os::unix::net::UnixStream::connect(path);
        }
    }
}

/// Stops a server: see [`Server::handle`].
#[derive(Clone)]
#[allow(dead_code)]
pub struct ShutdownHandle {
    stop: std::sync::Arc<dyn Fn() + Send + Sync>,
}

#[allow(dead_code)]
impl ShutdownHandle {
    /// Makes the server stop accepting; [`Server::join`] then returns once
    /// the calls in flight are answered. Safe to call more than once, from
    /// any thread (a signal-handling one, say).
    pub fn shutdown(&self) {
        (self.stop)()
    }
}

/// A running server, started by [`start_tcp`] or [`start_unix`]: an
/// accepting thread and up to `max_connections` worker threads. Dropping
/// it leaves the server running; stop it with [`Server::shutdown`] or a
/// [`ShutdownHandle`].
#[allow(dead_code)]
pub struct Server {
    handle: ShutdownHandle,
    acceptor: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

#[allow(dead_code)]
impl Server {
    /// A handle that stops the server from another thread.
    pub fn handle(&self) -> ShutdownHandle {
        self.handle.clone()
    }

    /// Stops accepting, answers the calls in flight (each one's connection
    /// closes after its response; idle connections close at once), removes
    /// the socket file of a Unix socket server, and returns when all is
    /// done.
    pub fn shutdown(mut self) -> std::io::Result<()> {
        self.handle.shutdown();
        self.wait()
    }

    /// Waits until the server stopped: after a shutdown, or when accepting
    /// failed for good (that error is returned).
    pub fn join(mut self) -> std::io::Result<()> {
        self.wait()
    }

    fn wait(&mut self) -> std::io::Result<()> {
        match self.acceptor.take().map(|acceptor| acceptor.join()) {
            Some(Ok(result)) => result,
            // The acceptor does not panic; were it to, that is an I/O
            // error of kind Other for the caller.
            Some(Err(_)) => Err(std::io::ErrorKind::Other.into()),
            None => Ok(()),
        }
    }
}

#[allow(dead_code)]
fn start<D, L>(
    handler: std::sync::Arc<D>,
    listener: L,
    options: ServerOptions,
    socket: Option<std::path::PathBuf>,
) -> std::io::Result<Server>
where
    D: Dispatch + Send + Sync + 'static + ?Sized,
    L: Listener,
{
    let shared = std::sync::Arc::new(Shared {
        options,
        stopping: std::sync::atomic::AtomicBool::new(false),
        pool: std::sync::Mutex::new(Pool {
            queue: std::collections::VecDeque::new(),
            workers: 0,
            idle: 0,
        }),
        work: std::sync::Condvar::new(),
        done: std::sync::Condvar::new(),
    });
    let listener = std::sync::Arc::new(listener);
    let stop = {
        let (shared, listener) = (shared.clone(), std::sync::Arc::downgrade(&listener));
        move || {
            if !shared
                .stopping
                .swap(true, std::sync::atomic::Ordering::SeqCst)
            {
                if let Some(listener) = listener.upgrade() {
                    listener.wake();
                }
            }
        }
    };
    let accept = move || {
        let mut result = Ok(());
        loop {
            let accepted = listener.accept_one();
            if shared.stopping() {
                break;
            }
            match accepted {
                Ok(stream) => dispatch(&handler, &shared, stream),
                Err(err) if accept_failed_for_good(&err) => {
                    shared.log(&format!("accept failed, stopping: {}", err));
                    result = Err(err);
                    break;
                }
                Err(_) => {}
            }
        }
        shared
            .stopping
            .store(true, std::sync::atomic::Ordering::SeqCst);
        drop(listener);
        if let Some(socket) = socket {
            let _ = std::fs::remove_file(socket);
        }
        let mut pool = shared.lock();
        shared.work.notify_all();
        while pool.workers > 0 {
            pool = shared
                .done
                .wait(pool)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        // Connections queued after the last worker left were never served.
        pool.queue.clear();
        result
    };
    let acceptor = std::thread::Builder::new()
        .name(format!("{}-accept", SERVICE_NAME))
        .spawn(accept)?;
    Ok(Server {
        handle: ShutdownHandle {
            stop: std::sync::Arc::new(stop),
        },
        acceptor: Some(acceptor),
    })
}

/// Serves HTTP/1.1 on a TCP listener in the background, with `options`
/// (timeouts, worker cap, log); see [`Server`].
#[allow(dead_code)]
pub fn start_tcp<D>(
    handler: std::sync::Arc<D>,
    listener: std::net::TcpListener,
    options: ServerOptions,
) -> std::io::Result<Server>
where
    D: Dispatch + Send + Sync + 'static,
{
    start(handler, listener, options, None)
}

/// Serves HTTP/1.1 on a Unix socket listener (see [`bind_unix`]) in the
/// background, with `options`; the socket file is removed at shutdown.
/// Handler methods find the peer's pid, uid and gid in
/// [`request_context`].
#[cfg(unix)]
#[allow(dead_code)]
pub fn start_unix<D>(
    handler: std::sync::Arc<D>,
    listener: std::os::unix::net::UnixListener,
    options: ServerOptions,
) -> std::io::Result<Server>
where
    D: Dispatch + Send + Sync + 'static,
{
    let socket = listener
        .local_addr()
        .ok()
        .and_then(|addr| addr.as_pathname().map(|p| p.to_path_buf()));
    start(handler, listener, options, socket)
}

/// Serves HTTP/1.1 on a TCP listener with the default [`ServerOptions`].
/// Returns only when accepting fails for good; see [`start_tcp`] for a
/// server that can be shut down.
#[allow(dead_code)]
pub fn serve_tcp<D>(
    handler: std::sync::Arc<D>,
    listener: std::net::TcpListener,
) -> std::io::Result<()>
where
    D: Dispatch + Send + Sync + 'static,
{
    start_tcp(handler, listener, ServerOptions::default())?.join()
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
    let options = ServerOptions {
        idle_timeout,
        ..ServerOptions::default()
    };
    start_tcp(handler, listener, options)?.join()
}

/// Serves HTTP/1.1 on a Unix socket listener with the default
/// [`ServerOptions`]. Returns only when accepting fails for good; see
/// [`start_unix`] for a server that can be shut down.
#[cfg(unix)]
#[allow(dead_code)]
pub fn serve_unix<D>(
    handler: std::sync::Arc<D>,
    listener: std::os::unix::net::UnixListener,
) -> std::io::Result<()>
where
    D: Dispatch + Send + Sync + 'static,
{
    start_unix(handler, listener, ServerOptions::default())?.join()
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
    let options = ServerOptions {
        idle_timeout,
        ..ServerOptions::default()
    };
    start_unix(handler, listener, options)?.join()
}

/// Binds a Unix socket at `path`, creating its directory (mode 0700) and
/// replacing a stale socket file that nothing listens on; the socket is
/// made mode 0600. Fails with AddrInUse when a server already listens
/// there.
#[cfg(unix)]
#[allow(dead_code)]
pub fn bind_unix(
    path: impl AsRef<std::path::Path>,
) -> std::io::Result<std::os::unix::net::UnixListener> {
    use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
    let path = path.as_ref();
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    if path.exists() {
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            let message = format!("a server already listens on {}", path.display());
            return Err(std::io::Error::new(std::io::ErrorKind::AddrInUse, message));
        }
        std::fs::remove_file(path)?;
    }
    let listener = std::os::unix::net::UnixListener::bind(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(listener)
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
