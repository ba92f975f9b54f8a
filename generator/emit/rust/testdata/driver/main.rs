//! Drives the generated kitchen_sink Rust client (rust_client.rs, compiled
//! through include! as from OUT_DIR) for client_test.go and the
//! cross-language matrix (generator/matrix).
//!
//! `driver script ENDPOINT TASK1 TASK2` follows clienttest.Script: ENDPOINT
//! is unix:/path/rpc.sock or http://host:port/rpc, TASK1 and TASK2 the
//! script's tasks as JSON. It prints one JSON line per step (see
//! generator/emit/clienttest/script.go).
//!
//! `driver probe ENDPOINT METHOD DEFAULT_MS CALL_MS MAX_BYTES` makes one
//! call (task_list, or task_get of "t1") with a client whose default
//! timeout is DEFAULT_MS, overridden for the call by CALL_MS unless it is
//! 0, reading at most MAX_BYTES, with a bearer token and a header. It
//! prints {"step": "probe", "result" or "error": ..., "elapsed_ms": n}.
#![deny(warnings)]

mod kitchen_sink {
    pub mod rust_types;
    pub mod rust_client {
        use super::rust_types::*;
        include!("kitchen_sink/rust_client.rs");
    }
}

use kitchen_sink::rust_client::{ClientError, TaskServiceClient, TaskServiceError};
use kitchen_sink::rust_types::*;
use serde_json::json;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The error of a step as the transcript shows it: the application
/// error's name + "Error", or "RpcError", with code, message and data; the
/// variant of ClientError with its message (and cause) otherwise.
fn error_json(err: &ClientError) -> serde_json::Value {
    if let ClientError::Rpc { error, .. } = err {
        let kind = match err.app_error() {
            Some(app) => format!("{app}Error"),
            None => "RpcError".to_string(),
        };
        return json!({"type": kind, "code": error.code, "message": error.message, "data": error.data});
    }
    let kind = match err {
        ClientError::InvalidEndpoint { .. } => "InvalidEndpoint",
        ClientError::InvalidHeader { .. } => "InvalidHeader",
        ClientError::Encode { .. } => "Encode",
        ClientError::Io { .. } => "Io",
        ClientError::Timeout { .. } => "Timeout",
        ClientError::Http { .. } => "Http",
        ClientError::ResponseTooLarge { .. } => "ResponseTooLarge",
        ClientError::Protocol { .. } => "Protocol",
        ClientError::Rpc { .. } => "Rpc",
    };
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    let mut out = json!({"type": kind, "message": message, "method": err.method()});
    if let ClientError::Protocol { path, .. } = err {
        out["path"] = json!(path);
    }
    out
}

fn step<T: serde::Serialize>(name: &str, result: Result<T, ClientError>) {
    let line = match result {
        Ok(value) => json!({"step": name, "result": value}),
        Err(err) => json!({"step": name, "error": error_json(&err)}),
    };
    println!("{line}");
}

fn task(arg: &str) -> Task {
    serde_json::from_str(arg).unwrap_or_else(|err| {
        eprintln!("decoding a task argument: {err}");
        std::process::exit(2)
    })
}

fn script(endpoint: &str, t1: Task, t2: Task) {
    let c = TaskServiceClient::connect(endpoint)
        .expect("a usable endpoint")
        .with_timeout(Duration::from_secs(10));
    let t2_done = Task {
        phase: Phase::Done,
        ..t2.clone()
    };
    step("reset", c.reset());
    step("list_empty", c.task_list());
    step("new_t1", c.task_new(t1.clone()));
    step("new_t2", c.task_new(t2.clone()));
    step("get_t1", c.task_get("t1"));
    step("exists_t1", c.task_exists("t1"));
    step("exists_nope", c.task_exists(String::from("nope")));
    let nope = c.task_get("nope");
    // The application error is recognisable as such.
    assert!(matches!(&nope, Err(e) if e.app_error() == Some(TaskServiceError::NotFound)));
    assert_eq!(TaskServiceError::NotFound.code(), 1004);
    step("get_nope", nope);
    step("start_dry", c.task_start("t1", Some(true)));
    step("start_t1", c.task_start("t1", None));
    step("set_t2", c.task_set(t2_done));
    step("start_t2", c.task_start("t2", None));
    step("find_running", c.task_find(None, Some(Phase::Running)));
    step("find_name", c.task_find(Some("second".to_string()), None));
    step("find_all", c.task_find(None, None));
    step("list", c.task_list());
    step("list_full", c.task_list_full());
    step("delete_t2", c.task_delete("t2"));
    step("delete_t2_again", c.task_delete("t2"));
    step("list_after_delete", c.task_list());
    let counts: BTreeMap<String, u64> = [("a".to_string(), 1), ("b".to_string(), 9007199254740991)]
        .into_iter()
        .collect();
    step("echo_full", c.echo(t1, Some("hi".to_string()), counts));
    step("echo_minimal", c.echo(t2, None, BTreeMap::new()));
    step("sum", c.sum(vec![1.5, 2.25, -0.75]));
    step("scale_all", c.scale(vec![1.0, 2.0], Some(2.0), Some(0.5)));
    step("scale_offset", c.scale(vec![1.0, 2.0], None, Some(1.0)));
    step("scale_plain", c.scale(vec![1.0, 2.0], None, None));
    let boom = c.task_get("boom");
    assert!(matches!(&boom, Err(e) if e.code() == Some(-32000) && e.app_error().is_none()));
    step("get_boom", boom);
    let discover = c.discover().map(|doc| {
        let methods: Vec<&serde_json::Value> = doc["methods"]
            .as_array()
            .map(|methods| methods.iter().map(|m| &m["name"]).collect())
            .unwrap_or_default();
        json!({
            "title": doc["info"]["title"],
            "version": doc["info"]["version"],
            "methods": methods,
        })
    });
    step("discover", discover);
}

fn probe(endpoint: &str, method: &str, default_ms: u64, call_ms: u64, max_bytes: usize) {
    let mut c = TaskServiceClient::connect(endpoint)
        .expect("a usable endpoint")
        .with_timeout(Duration::from_millis(default_ms))
        .with_max_response_bytes(max_bytes)
        .with_bearer_token("s3cret")
        .with_header("X-Trace", "probe");
    if call_ms > 0 {
        c = c.with_timeout(Duration::from_millis(call_ms));
    }
    let start = Instant::now();
    let outcome = match method {
        "task_list" => c.task_list().map(|sids| json!(sids)),
        "task_get" => c.task_get("t1").map(|task| json!(task)),
        other => panic!("probe: unknown method {other}"),
    };
    let elapsed_ms = start.elapsed().as_millis() as u64;
    let mut line = match outcome {
        Ok(value) => json!({"step": "probe", "result": value}),
        Err(err) => json!({"step": "probe", "error": error_json(&err)}),
    };
    line["elapsed_ms"] = json!(elapsed_ms);
    println!("{line}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args[1..] {
        ["script", endpoint, t1, t2] => script(endpoint, task(t1), task(t2)),
        ["probe", endpoint, method, default_ms, call_ms, max_bytes] => probe(
            endpoint,
            method,
            default_ms.parse().expect("DEFAULT_MS"),
            call_ms.parse().expect("CALL_MS"),
            max_bytes.parse().expect("MAX_BYTES"),
        ),
        _ => {
            eprintln!("usage: driver script ENDPOINT TASK1 TASK2 | driver probe ENDPOINT METHOD DEFAULT_MS CALL_MS MAX_BYTES");
            std::process::exit(2)
        }
    }
}
