/// The blocking JSON-RPC 2.0 transport of the client: HTTP/1.1 POST, one
/// connection per call, on a Unix socket or TCP, std-only. Every call has
/// one deadline for connecting, sending and reading together, and a bound
/// on the size of the reply it reads.
mod oschema_client {
    use std::io::{Read as _, Write as _};
    use std::time::{Duration, Instant};

    /// A JSON-RPC error object, as the server sent it.
    #[derive(Debug, Clone, PartialEq)]
    pub struct ErrorObject {
        /// The JSON-RPC error code.
        pub code: i64,
        /// The server's description of the error.
        pub message: String,
        /// Structured details, when the server sent any (not null).
        pub data: Option<serde_json::Value>,
    }

    impl std::fmt::Display for ErrorObject {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "rpc error {}: {}", self.code, self.message)?;
            if let Some(data) = &self.data {
                write!(f, " (data: {data})")?;
            }
            Ok(())
        }
    }

    impl std::error::Error for ErrorObject {}

    /// Why a call failed. Every variant but `InvalidEndpoint` names the
    /// JSON-RPC method called. The errors of the transport keep their cause
    /// as [`std::error::Error::source`].
    #[derive(Debug)]
    #[non_exhaustive]
    pub enum ClientError {
        /// The endpoint given to a constructor cannot be used.
        InvalidEndpoint {
            endpoint: String,
            reason: &'static str,
        },
        /// A header set with `with_header` has a name or value that cannot
        /// be sent (not a token, or a line break in the value).
        InvalidHeader { method: String, name: String },
        /// The params could not be encoded as JSON.
        Encode {
            method: String,
            source: serde_json::Error,
        },
        /// Connecting, sending the request or reading the reply failed: no
        /// server, a refused connection, a reply cut short.
        Io {
            method: String,
            action: &'static str,
            source: std::io::Error,
        },
        /// The call did not end within its timeout.
        Timeout { method: String, timeout: Duration },
        /// The server answered with an HTTP status other than 200 and a body
        /// that is not a JSON-RPC response (`body`: its start).
        Http {
            method: String,
            status: u16,
            body: String,
        },
        /// The reply is longer than the client's `max_response_bytes`.
        ResponseTooLarge { method: String, limit: usize },
        /// The reply is not a JSON-RPC 2.0 response to the request, or its
        /// result does not fit the schema. `path` is where in the reply the
        /// schema broke (`result.steps[0].title`), empty for other problems.
        Protocol {
            method: String,
            path: String,
            message: String,
        },
        /// The server answered with a JSON-RPC error: one of the service's
        /// application errors (see `ClientError::app_error`) or a protocol
        /// error such as -32602 (invalid params).
        Rpc { method: String, error: ErrorObject },
    }

    impl ClientError {
        /// The JSON-RPC method of the failed call ("" for `InvalidEndpoint`).
        pub fn method(&self) -> &str {
            match self {
                ClientError::InvalidEndpoint { .. } => "",
                ClientError::InvalidHeader { method, .. }
                | ClientError::Encode { method, .. }
                | ClientError::Io { method, .. }
                | ClientError::Timeout { method, .. }
                | ClientError::Http { method, .. }
                | ClientError::ResponseTooLarge { method, .. }
                | ClientError::Protocol { method, .. }
                | ClientError::Rpc { method, .. } => method,
            }
        }

        /// The JSON-RPC error object, when the server answered with one.
        pub fn rpc_error(&self) -> Option<&ErrorObject> {
            match self {
                ClientError::Rpc { error, .. } => Some(error),
                _ => None,
            }
        }

        /// The JSON-RPC error code, when the server answered with an error.
        pub fn code(&self) -> Option<i64> {
            self.rpc_error().map(|error| error.code)
        }

        /// Whether the call ran out of time.
        pub fn is_timeout(&self) -> bool {
            matches!(self, ClientError::Timeout { .. })
        }
    }

    impl std::fmt::Display for ClientError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self {
                ClientError::InvalidEndpoint { endpoint, reason } => {
                    write!(f, "invalid endpoint {endpoint:?}: {reason}")
                }
                ClientError::InvalidHeader { method, name } => {
                    write!(f, "{method}: cannot send the header {name:?}")
                }
                ClientError::Encode { method, .. } => write!(f, "{method}: encoding the params"),
                ClientError::Io { method, action, .. } => write!(f, "{method}: {action}"),
                ClientError::Timeout { method, timeout } => {
                    write!(f, "{method}: no reply within {timeout:?}")
                }
                ClientError::Http {
                    method,
                    status,
                    body,
                } => write!(f, "{method}: HTTP {status}: {body}"),
                ClientError::ResponseTooLarge { method, limit } => {
                    write!(f, "{method}: the reply exceeds the limit of {limit} bytes")
                }
                ClientError::Protocol {
                    method,
                    path,
                    message,
                } if path.is_empty() => write!(f, "{method}: {message}"),
                ClientError::Protocol {
                    method,
                    path,
                    message,
                } => write!(f, "{method}: {path}: {message}"),
                ClientError::Rpc { method, error } => write!(f, "{method}: {error}"),
            }
        }
    }

    impl std::error::Error for ClientError {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            match self {
                ClientError::Encode { source, .. } => Some(source),
                ClientError::Io { source, .. } => Some(source),
                _ => None,
            }
        }
    }

    /// The longest status line and headers of a reply, together.
    const MAX_HEAD_BYTES: usize = 64 << 10;

    /// How much of a non-JSON-RPC body an error quotes.
    const SNIPPET_BYTES: usize = 200;

    /// Where the server listens.
    #[derive(Debug)]
    enum Endpoint {
        #[cfg(unix)]
        Unix(std::path::PathBuf),
        Http {
            host: String,
            port: u16,
            authority: String,
            path: String,
        },
    }

    /// The state a client and its copies share: the endpoint and the next
    /// request id.
    #[derive(Debug)]
    struct Shared {
        endpoint: Endpoint,
        next_id: std::sync::atomic::AtomicU64,
    }

    /// The configuration and transport of a client. Cloning is cheap; the
    /// copies share the endpoint and the request ids.
    #[derive(Clone)]
    pub struct Core {
        shared: std::sync::Arc<Shared>,
        timeout: Duration,
        max_response_bytes: usize,
        headers: Vec<(String, String)>,
    }

    impl std::fmt::Debug for Core {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            // Header values (tokens) are not shown.
            let headers: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
            f.debug_struct("Client")
                .field("endpoint", &self.shared.endpoint)
                .field("timeout", &self.timeout)
                .field("max_response_bytes", &self.max_response_bytes)
                .field("headers", &headers)
                .finish()
        }
    }

    /// Replaces a leading `~/` by `$HOME`.
    #[cfg(unix)]
    fn expand_home(path: &std::path::Path) -> std::path::PathBuf {
        match (path.strip_prefix("~").ok(), std::env::var_os("HOME")) {
            (Some(rest), Some(home)) => std::path::Path::new(&home).join(rest),
            _ => path.to_path_buf(),
        }
    }

    fn invalid(endpoint: &str, reason: &'static str) -> ClientError {
        ClientError::InvalidEndpoint {
            endpoint: endpoint.to_string(),
            reason,
        }
    }

    impl Core {
        fn new(endpoint: Endpoint, timeout: Duration, max_response_bytes: usize) -> Self {
            Core {
                shared: std::sync::Arc::new(Shared {
                    endpoint,
                    next_id: std::sync::atomic::AtomicU64::new(1),
                }),
                timeout,
                max_response_bytes,
                headers: Vec::new(),
            }
        }

        /// A client of the Unix socket at `path`; a leading `~/` is `$HOME`.
        #[cfg(unix)]
        pub fn unix(path: &std::path::Path, timeout: Duration, limit: usize) -> Self {
            Core::new(Endpoint::Unix(expand_home(path)), timeout, limit)
        }

        /// A client of an `http://host[:port][/path]` URL; no path means
        /// `/rpc`.
        pub fn http(url: &str, timeout: Duration, limit: usize) -> Result<Self, ClientError> {
            if url.starts_with("https://") {
                return Err(invalid(url, "https is not supported; use http://"));
            }
            let rest = url
                .strip_prefix("http://")
                .ok_or_else(|| invalid(url, "the URL must start with http://"))?;
            let (authority, path) = match rest.find(['/', '?']) {
                Some(at) => (&rest[..at], &rest[at..]),
                None => (rest, ""),
            };
            let path = match path {
                "" => "/rpc".to_string(),
                p if p.starts_with('?') => format!("/rpc{p}"),
                p => p.to_string(),
            };
            if authority.is_empty() || authority.contains('@') {
                return Err(invalid(url, "the URL needs a host (and no user info)"));
            }
            if path.contains(|c: char| c.is_ascii_control() || c == ' ' || c == '#') {
                return Err(invalid(url, "the URL path has characters HTTP cannot send"));
            }
            let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
                match v6.split_once(']') {
                    Some((host, "")) => (host, None),
                    Some((host, port)) => match port.strip_prefix(':') {
                        Some(port) => (host, Some(port)),
                        None => return Err(invalid(url, "malformed IPv6 host")),
                    },
                    None => return Err(invalid(url, "malformed IPv6 host")),
                }
            } else {
                match authority.rsplit_once(':') {
                    Some((host, port)) => (host, Some(port)),
                    None => (authority, None),
                }
            };
            let port = match port {
                None => 80,
                Some(port) => port
                    .parse::<u16>()
                    .map_err(|_| invalid(url, "the port is not a number in 1-65535"))?,
            };
            if host.is_empty() || port == 0 {
                return Err(invalid(url, "the URL needs a host and a port in 1-65535"));
            }
            if !authority
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~:[]%".contains(c))
            {
                return Err(invalid(url, "the host has characters HTTP cannot send"));
            }
            let endpoint = Endpoint::Http {
                host: host.to_string(),
                port,
                authority: authority.to_string(),
                path,
            };
            Ok(Core::new(endpoint, timeout, limit))
        }

        /// A client of `unix:<path>` (also `unix://<path>`) or an http:// URL.
        pub fn connect(
            endpoint: &str,
            timeout: Duration,
            limit: usize,
        ) -> Result<Self, ClientError> {
            #[cfg(unix)]
            {
                let path = endpoint
                    .strip_prefix("unix://")
                    .or_else(|| endpoint.strip_prefix("unix:"));
                if let Some(path) = path {
                    if path.is_empty() {
                        return Err(invalid(endpoint, "no socket path after unix:"));
                    }
                    return Ok(Core::unix(std::path::Path::new(path), timeout, limit));
                }
            }
            Core::http(endpoint, timeout, limit)
        }

        pub fn with_timeout(&self, timeout: Duration) -> Self {
            Core {
                timeout,
                ..self.clone()
            }
        }

        pub fn with_max_response_bytes(&self, max_response_bytes: usize) -> Self {
            Core {
                max_response_bytes,
                ..self.clone()
            }
        }

        pub fn with_header(&self, name: String, value: String) -> Self {
            let mut core = self.clone();
            core.headers.push((name, value));
            core
        }

        pub fn timeout(&self) -> Duration {
            self.timeout
        }

        pub fn max_response_bytes(&self) -> usize {
            self.max_response_bytes
        }

        /// Calls `method` with `params` (an object of named params) and
        /// decodes its result as an `R`.
        pub fn call<P, R>(&self, method: &str, params: &P) -> Result<R, ClientError>
        where
            P: serde::Serialize,
            R: serde::de::DeserializeOwned,
        {
            let result = self.exchange(method, params)?;
            decode(method, &result)
        }

        /// Calls a method without result: whatever result the server sends
        /// is ignored.
        pub fn call_unit<P: serde::Serialize>(
            &self,
            method: &str,
            params: &P,
        ) -> Result<(), ClientError> {
            self.exchange(method, params).map(|_| ())
        }

        /// Sends one request and returns the result of its response.
        fn exchange<P: serde::Serialize>(
            &self,
            method: &str,
            params: &P,
        ) -> Result<serde_json::Value, ClientError> {
            use std::sync::atomic::Ordering;
            let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
            let params = serde_json::to_value(params).map_err(|source| ClientError::Encode {
                method: method.to_string(),
                source,
            })?;
            let request = serde_json::json!({
                "jsonrpc": "2.0",
                "id": id,
                "method": method,
                "params": params,
            });
            let body = request.to_string().into_bytes();
            // A timeout too long to add to now is no deadline at all.
            let deadline = Instant::now().checked_add(self.timeout);
            let (status, reply) = self.post(method, &body, deadline)?;
            response(method, id, status, &reply)
        }

        /// POSTs body and returns the status and body of the reply.
        fn post(
            &self,
            method: &str,
            body: &[u8],
            deadline: Option<Instant>,
        ) -> Result<(u16, Vec<u8>), ClientError> {
            let fail = |action: &'static str| {
                let timeout = self.timeout;
                move |source: std::io::Error| match source.kind() {
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                        ClientError::Timeout {
                            method: method.to_string(),
                            timeout,
                        }
                    }
                    _ => ClientError::Io {
                        method: method.to_string(),
                        action,
                        source,
                    },
                }
            };
            let (stream, authority, path) = match &self.shared.endpoint {
                #[cfg(unix)]
                Endpoint::Unix(socket) => {
                    let stream = std::os::unix::net::UnixStream::connect(socket)
                        .map_err(fail("connecting to the Unix socket"))?;
                    (Stream::Unix(stream), "localhost", "/rpc")
                }
                Endpoint::Http {
                    host,
                    port,
                    authority,
                    path,
                } => {
                    let stream = connect_tcp(host, *port, deadline).map_err(fail("connecting"))?;
                    (Stream::Tcp(stream), authority.as_str(), path.as_str())
                }
            };
            let mut head = format!(
                "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\n\
                 Accept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (name, value) in &self.headers {
                let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
                if name.is_empty() || !name.chars().all(token) || value.contains(['\r', '\n', '\0'])
                {
                    return Err(ClientError::InvalidHeader {
                        method: method.to_string(),
                        name: name.clone(),
                    });
                }
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            let mut conn = Conn::new(stream, deadline);
            conn.write_all(head.as_bytes())
                .and_then(|()| conn.write_all(body))
                .map_err(fail("sending the request"))?;
            let limit = self.max_response_bytes;
            match conn.read_response(limit) {
                Ok(reply) => Ok(reply),
                Err(ReadError::Io(err)) => Err(fail("reading the reply")(err)),
                Err(ReadError::TooLarge) => Err(ClientError::ResponseTooLarge {
                    method: method.to_string(),
                    limit,
                }),
                Err(ReadError::Malformed(what)) => Err(ClientError::Protocol {
                    method: method.to_string(),
                    path: String::new(),
                    message: format!("malformed HTTP reply: {what}"),
                }),
            }
        }
    }

    /// Interprets the reply to request `id`.
    fn response(
        method: &str,
        id: u64,
        status: u16,
        reply: &[u8],
    ) -> Result<serde_json::Value, ClientError> {
        let protocol = |message: String| ClientError::Protocol {
            method: method.to_string(),
            path: String::new(),
            message,
        };
        let snippet = || {
            let end = reply.len().min(SNIPPET_BYTES);
            String::from_utf8_lossy(&reply[..end]).trim().to_string()
        };
        let mut object = match serde_json::from_slice::<serde_json::Value>(reply) {
            Ok(serde_json::Value::Object(object))
                if object.contains_key("result") || object.contains_key("error") =>
            {
                object
            }
            _ if status != 200 => {
                return Err(ClientError::Http {
                    method: method.to_string(),
                    status,
                    body: snippet(),
                })
            }
            _ => {
                let text = snippet();
                return Err(protocol(format!("not a JSON-RPC response: {text:?}")));
            }
        };
        let error = object.remove("error").filter(|error| !error.is_null());
        let reply_id = object.remove("id").unwrap_or(serde_json::Value::Null);
        // A server that could not read the request answers with id null.
        if reply_id != id && !(reply_id.is_null() && error.is_some()) {
            return Err(protocol(format!(
                "the response id {reply_id} does not match the request id {id}"
            )));
        }
        if let Some(error) = error {
            let mut error = match error {
                serde_json::Value::Object(error) => error,
                other => return Err(protocol(format!("malformed error object: {other}"))),
            };
            let code = error.get("code").and_then(serde_json::Value::as_i64);
            let message = match error.remove("message") {
                Some(serde_json::Value::String(message)) => message,
                Some(other) => other.to_string(),
                None => String::new(),
            };
            let data = error.remove("data").filter(|data| !data.is_null());
            return Err(ClientError::Rpc {
                method: method.to_string(),
                error: ErrorObject {
                    code: code.unwrap_or(0),
                    message,
                    data,
                },
            });
        }
        Ok(object.remove("result").unwrap_or(serde_json::Value::Null))
    }

    /// The params of a `@positional` method: the values of `names` in
    /// `params` (its input struct, by name) in declared order, up to the
    /// last one present (at least the first `required`), with null for an
    /// optional one left out before it.
    pub fn by_position<P: serde::Serialize>(
        method: &str,
        params: &P,
        names: &[&str],
        required: usize,
    ) -> Result<serde_json::Value, ClientError> {
        let encode = |source| ClientError::Encode {
            method: method.to_string(),
            source,
        };
        let mut object = match serde_json::to_value(params).map_err(encode)? {
            serde_json::Value::Object(object) => object,
            _ => serde_json::Map::new(),
        };
        let mut values: Vec<serde_json::Value> = names
            .iter()
            .map(|name| object.remove(*name).unwrap_or(serde_json::Value::Null))
            .collect();
        while values.len() > required && values.last() == Some(&serde_json::Value::Null) {
            values.pop();
        }
        Ok(serde_json::Value::Array(values))
    }

    /// Decodes a result, naming where it does not fit the schema.
    fn decode<R: serde::de::DeserializeOwned>(
        method: &str,
        result: &serde_json::Value,
    ) -> Result<R, ClientError> {
        let err = match <R as serde::Deserialize>::deserialize(result) {
            Ok(value) => return Ok(value),
            Err(err) => err,
        };
        // serde_json reports where an error is only in text: decode the
        // result again from indented JSON, one value per line, whose line
        // of the error gives the path.
        let pretty = serde_json::to_string_pretty(result).unwrap_or_default();
        let (path, message) = match serde_json::from_str::<R>(&pretty) {
            Err(text_err) => (json_path(&pretty, text_err.line()), text_err.to_string()),
            Ok(_) => ("result".to_string(), err.to_string()),
        };
        let message = match message.rfind(" at line ") {
            Some(at) => message[..at].to_string(),
            None => message,
        };
        Err(ClientError::Protocol {
            method: method.to_string(),
            path,
            message: format!("the result does not fit the schema: {message}"),
        })
    }

    /// The path ("result.steps[0].title") of the value on line `line` of
    /// `pretty`, JSON as serde_json indents it: one member or element per
    /// line, empty containers as `{}` and `[]`. An error on a closing line
    /// (a missing field) is the path of the object it closes.
    fn json_path(pretty: &str, line: usize) -> String {
        // The containers open at the current line: whether each is an
        // array, its next index and the path of its parent.
        let mut open: Vec<(bool, usize, String)> = Vec::new();
        let mut path = "result".to_string();
        for (index, text) in pretty.lines().enumerate() {
            let number = index + 1;
            let text = text.trim();
            if text.starts_with('}') || text.starts_with(']') {
                if number == line {
                    return path;
                }
                if let Some((_, _, parent)) = open.pop() {
                    path = parent;
                }
                continue;
            }
            let (here, value) = match open.last_mut() {
                Some((true, next, _)) => {
                    let at = *next;
                    *next += 1;
                    (format!("{path}[{at}]"), text)
                }
                Some((false, _, _)) => {
                    let (key, value) = split_key(text);
                    (format!("{path}.{key}"), value)
                }
                None => (path.clone(), text),
            };
            if number == line {
                return here;
            }
            let value = value.trim_end_matches(',');
            if value == "{" || value == "[" {
                open.push((value == "[", 0, std::mem::replace(&mut path, here)));
            }
        }
        path
    }

    /// Splits `"key": value` into the key (unescaped) and the value.
    fn split_key(text: &str) -> (String, &str) {
        let mut escaped = false;
        for (at, c) in text.char_indices().skip(1) {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    let key = serde_json::from_str(&text[..=at]).unwrap_or_default();
                    let value = text[at + 1..].trim_start_matches(':').trim_start();
                    return (key, value);
                }
                _ => escaped = false,
            }
        }
        (String::new(), text)
    }

    /// Connects to the first address of host that accepts by the deadline.
    fn connect_tcp(
        host: &str,
        port: u16,
        deadline: Option<Instant>,
    ) -> std::io::Result<std::net::TcpStream> {
        use std::net::ToSocketAddrs as _;
        let mut last = None;
        for addr in (host, port).to_socket_addrs()? {
            let connected = match remaining(deadline)? {
                Some(left) => std::net::TcpStream::connect_timeout(&addr, left),
                None => std::net::TcpStream::connect(addr),
            };
            match connected {
                Ok(stream) => {
                    stream.set_nodelay(true)?;
                    return Ok(stream);
                }
                Err(err) => last = Some(err),
            }
        }
        Err(last.unwrap_or_else(|| {
            let message = format!("{host} has no address");
            std::io::Error::new(std::io::ErrorKind::NotFound, message)
        }))
    }

    /// The time left until deadline (None: no deadline); TimedOut once past.
    fn remaining(deadline: Option<Instant>) -> std::io::Result<Option<Duration>> {
        match deadline {
            None => Ok(None),
            Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => Ok(Some(left)),
                _ => Err(std::io::ErrorKind::TimedOut.into()),
            },
        }
    }

    enum Stream {
        Tcp(std::net::TcpStream),
        #[cfg(unix)]
        Unix(std::os::unix::net::UnixStream),
    }

    enum ReadError {
        Io(std::io::Error),
        TooLarge,
        Malformed(&'static str),
    }

    impl From<std::io::Error> for ReadError {
        fn from(err: std::io::Error) -> Self {
            ReadError::Io(err)
        }
    }

    /// A connection whose every read and write ends by the call's deadline
    /// (not a fresh timeout each), so a server sending a byte at a time
    /// cannot hold a call past it.
    struct Conn {
        stream: Stream,
        deadline: Option<Instant>,
        buf: Vec<u8>,
        start: usize,
    }

    impl Conn {
        fn new(stream: Stream, deadline: Option<Instant>) -> Self {
            Conn {
                stream,
                deadline,
                buf: Vec::new(),
                start: 0,
            }
        }

        fn write_all(&mut self, mut data: &[u8]) -> std::io::Result<()> {
            while !data.is_empty() {
                let left = remaining(self.deadline)?;
                let written = match &mut self.stream {
                    Stream::Tcp(s) => s.set_write_timeout(left).and_then(|()| s.write(data)),
                    #[cfg(unix)]
                    Stream::Unix(s) => s.set_write_timeout(left).and_then(|()| s.write(data)),
                };
                match written {
                    Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                    Ok(n) => data = &data[n..],
                    Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(err) => return Err(err),
                }
            }
            Ok(())
        }

        /// Reads more into the buffer; Ok(0) at the end of the stream.
        fn fill(&mut self) -> std::io::Result<usize> {
            if self.start > 0 {
                self.buf.drain(..self.start);
                self.start = 0;
            }
            let mut chunk = [0u8; 16 << 10];
            loop {
                let left = remaining(self.deadline)?;
                let read = match &mut self.stream {
                    Stream::Tcp(s) => s.set_read_timeout(left).and_then(|()| s.read(&mut chunk)),
                    #[cfg(unix)]
                    Stream::Unix(s) => s.set_read_timeout(left).and_then(|()| s.read(&mut chunk)),
                };
                match read {
                    Ok(n) => {
                        self.buf.extend_from_slice(&chunk[..n]);
                        return Ok(n);
                    }
                    Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(err) => return Err(err),
                }
            }
        }

        fn unexpected_eof() -> ReadError {
            ReadError::Io(std::io::ErrorKind::UnexpectedEof.into())
        }

        /// Reads one line of at most `max` bytes, without its line ending.
        fn read_line(&mut self, max: usize) -> Result<String, ReadError> {
            loop {
                let pending = &self.buf[self.start..];
                if let Some(at) = pending.iter().position(|&b| b == b'\n') {
                    if at > max {
                        return Err(ReadError::Malformed("header line too long"));
                    }
                    let line = String::from_utf8_lossy(&pending[..at]);
                    let line = line.trim_end_matches('\r').to_string();
                    self.start += at + 1;
                    return Ok(line);
                }
                if pending.len() > max {
                    return Err(ReadError::Malformed("header line too long"));
                }
                if self.fill()? == 0 {
                    return Err(Conn::unexpected_eof());
                }
            }
        }

        /// Appends exactly `n` more body bytes to body.
        fn read_exact_into(&mut self, mut n: usize, body: &mut Vec<u8>) -> Result<(), ReadError> {
            while n > 0 {
                if self.start == self.buf.len() && self.fill()? == 0 {
                    return Err(Conn::unexpected_eof());
                }
                let take = n.min(self.buf.len() - self.start);
                body.extend_from_slice(&self.buf[self.start..self.start + take]);
                self.start += take;
                n -= take;
            }
            Ok(())
        }

        /// Reads a response: its status and a body of at most limit bytes.
        fn read_response(&mut self, limit: usize) -> Result<(u16, Vec<u8>), ReadError> {
            let mut head_left = MAX_HEAD_BYTES;
            let mut line = |conn: &mut Conn| -> Result<String, ReadError> {
                let line = conn.read_line(head_left)?;
                head_left = head_left.saturating_sub(line.len() + 2);
                Ok(line)
            };
            let (status, length, chunked) = loop {
                let status_line = line(self)?;
                let mut parts = status_line.splitn(3, ' ');
                let status = match (parts.next(), parts.next()) {
                    (Some(version), Some(code)) if version.starts_with("HTTP/1.") => code
                        .parse::<u16>()
                        .map_err(|_| ReadError::Malformed("bad status code"))?,
                    _ => return Err(ReadError::Malformed("not an HTTP/1.x status line")),
                };
                let mut length: Option<usize> = None;
                let mut chunked = false;
                loop {
                    let header = line(self)?;
                    if header.is_empty() {
                        break;
                    }
                    let (name, value) = header
                        .split_once(':')
                        .ok_or(ReadError::Malformed("header without a colon"))?;
                    let value = value.trim();
                    if name.eq_ignore_ascii_case("content-length") {
                        let n = value
                            .parse::<usize>()
                            .map_err(|_| ReadError::Malformed("bad Content-Length"))?;
                        if matches!(length, Some(m) if m != n) {
                            return Err(ReadError::Malformed("conflicting Content-Length"));
                        }
                        length = Some(n);
                    } else if name.eq_ignore_ascii_case("transfer-encoding") {
                        let last = value.rsplit(',').next().unwrap_or("").trim();
                        if !last.eq_ignore_ascii_case("chunked") {
                            return Err(ReadError::Malformed("unsupported Transfer-Encoding"));
                        }
                        chunked = true;
                    }
                }
                // 1xx replies (100 Continue) precede the real one.
                if !(100..200).contains(&status) {
                    break (status, length, chunked);
                }
            };
            let mut body = Vec::new();
            if status == 204 || status == 304 {
                return Ok((status, body));
            }
            if chunked {
                loop {
                    let size_line = line(self)?;
                    let size = size_line.split(';').next().unwrap_or("").trim();
                    let size = usize::from_str_radix(size, 16)
                        .map_err(|_| ReadError::Malformed("bad chunk size"))?;
                    if size == 0 {
                        while !line(self)?.is_empty() {} // trailers
                        return Ok((status, body));
                    }
                    if size > limit - body.len() {
                        return Err(ReadError::TooLarge);
                    }
                    self.read_exact_into(size, &mut body)?;
                    if !line(self)?.is_empty() {
                        return Err(ReadError::Malformed("chunk longer than its size"));
                    }
                }
            }
            if let Some(length) = length {
                if length > limit {
                    return Err(ReadError::TooLarge);
                }
                self.read_exact_into(length, &mut body)?;
                return Ok((status, body));
            }
            // No length: the body ends with the connection.
            loop {
                let pending = self.buf.len() - self.start;
                if body.len() + pending > limit {
                    return Err(ReadError::TooLarge);
                }
                body.extend_from_slice(&self.buf[self.start..]);
                self.start = self.buf.len();
                if self.fill()? == 0 {
                    return Ok((status, body));
                }
            }
        }
    }
}
