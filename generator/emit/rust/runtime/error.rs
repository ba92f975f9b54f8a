/// A JSON-RPC error object: what a handler returns to fail a call. Each
/// application error of the service has a code constant and a constructor
/// (`RpcError::NOT_FOUND`, `RpcError::not_found()`); `with_data` attaches
/// details.
#[derive(Debug, Clone, PartialEq)]
#[allow(dead_code)]
pub struct RpcError {
    /// The JSON-RPC error code.
    pub code: i64,
    /// A short description, shown to the caller.
    pub message: String,
    /// Optional structured details.
    pub data: Option<serde_json::Value>,
}

#[allow(dead_code)]
impl RpcError {
    /// The request body is not valid JSON.
    pub const PARSE_ERROR: i64 = -32700;
    /// The JSON is not a valid JSON-RPC 2.0 request.
    pub const INVALID_REQUEST: i64 = -32600;
    /// The method does not exist.
    pub const METHOD_NOT_FOUND: i64 = -32601;
    /// The params are not what the method takes.
    pub const INVALID_PARAMS: i64 = -32602;
    /// The server failed while handling the call.
    pub const INTERNAL_ERROR: i64 = -32603;

    /// An error with any code and message.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        RpcError {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// Returns the error with `data` attached.
    pub fn with_data(mut self, data: serde_json::Value) -> Self {
        self.data = Some(data);
        self
    }

    /// Returns the error with its message replaced.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// -32700: the request body is not valid JSON.
    pub fn parse_error(detail: impl std::fmt::Display) -> Self {
        Self::new(Self::PARSE_ERROR, format!("Parse error: {}", detail))
    }

    /// -32600: the JSON is not a valid JSON-RPC 2.0 request.
    pub fn invalid_request(detail: impl std::fmt::Display) -> Self {
        Self::new(
            Self::INVALID_REQUEST,
            format!("Invalid Request: {}", detail),
        )
    }

    /// -32601: no method of that name.
    pub fn method_not_found(method: &str) -> Self {
        Self::new(
            Self::METHOD_NOT_FOUND,
            format!("Method not found: {:?}", method),
        )
    }

    /// -32602: missing, unknown or mistyped params.
    pub fn invalid_params(detail: impl std::fmt::Display) -> Self {
        Self::new(Self::INVALID_PARAMS, format!("Invalid params: {}", detail))
    }

    /// -32603: the server failed.
    pub fn internal_error(detail: impl std::fmt::Display) -> Self {
        Self::new(Self::INTERNAL_ERROR, format!("Internal error: {}", detail))
    }

    /// The error object of a JSON-RPC response.
    pub fn to_json(&self) -> serde_json::Value {
        let mut object = serde_json::Map::new();
        object.insert("code".to_string(), self.code.into());
        object.insert("message".to_string(), self.message.clone().into());
        if let Some(data) = &self.data {
            object.insert("data".to_string(), data.clone());
        }
        serde_json::Value::Object(object)
    }
}

impl std::fmt::Display for RpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (code {})", self.message, self.code)
    }
}

impl std::error::Error for RpcError {}
