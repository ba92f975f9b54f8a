//! Test harness for the generated Rust artifacts (run by rust_test.go).
//!
//! `harness <socket>` serves the kitchen_sink TaskService on a Unix socket
//! and on a free TCP port of 127.0.0.1, and prints "ready <tcp address>"
//! once both listen. `cargo test` runs the JSON round-trip
//! tests below, on kitchen_sink, on the hand-built edge schema and on
//! wire_names (dotted method names, quoted camelCase names). Each
//! rust_client.rs is compiled through include!, as from OUT_DIR. Each
//! schema's files are laid out as the CLI's -out does: src/<schema>/rust/
//! and src/<schema>/openrpc.json, which rust_server.rs embeds.
#![deny(warnings)]

mod kitchen_sink {
    pub mod rust_server {
        #[allow(unused_imports)] // a service without methods uses no type
        use super::rust_types::*;
        include!("kitchen_sink/rust/rust_server.rs");
    }
    #[path = "rust/rust_types.rs"]
    pub mod rust_types;
    pub mod rust_client {
        use super::rust_types::*;
        include!("kitchen_sink/rust/rust_client.rs");
    }
}

mod edge {
    pub mod rust_server {
        #[allow(unused_imports)] // a service without methods uses no type
        use super::rust_types::*;
        include!("edge/rust/rust_server.rs");
    }
    #[path = "rust/rust_types.rs"]
    pub mod rust_types;
    pub mod rust_client {
        use super::rust_types::*;
        include!("edge/rust/rust_client.rs");
    }
}

mod minimal {
    pub mod rust_server {
        #[allow(unused_imports)] // a service without methods uses no type
        use super::rust_types::*;
        include!("minimal/rust/rust_server.rs");
    }
    #[path = "rust/rust_types.rs"]
    pub mod rust_types;
    pub mod rust_client {
        use super::rust_types::*;
        include!("minimal/rust/rust_client.rs");
    }
}

mod wire_names {
    pub mod rust_server {
        #[allow(unused_imports)] // a service without methods uses no type
        use super::rust_types::*;
        include!("wire_names/rust/rust_server.rs");
    }
    #[path = "rust/rust_types.rs"]
    pub mod rust_types;
    pub mod rust_client {
        use super::rust_types::*;
        include!("wire_names/rust/rust_client.rs");
    }
}

mod reserved_names {
    pub mod rust_server {
        #[allow(unused_imports)] // a service without methods uses no type
        use super::rust_types::*;
        include!("reserved_names/rust/rust_server.rs");
    }
    #[path = "rust/rust_types.rs"]
    pub mod rust_types;
    pub mod rust_client {
        use super::rust_types::*;
        include!("reserved_names/rust/rust_client.rs");
    }
}

mod no_methods {
    pub mod rust_server {
        #[allow(unused_imports)] // a service without methods uses no type
        use super::rust_types::*;
        include!("no_methods/rust/rust_server.rs");
    }
    #[path = "rust/rust_types.rs"]
    pub mod rust_types;
    pub mod rust_client {
        #[allow(unused_imports)] // the client of a service without methods uses no type
        use super::rust_types::*;
        include!("no_methods/rust/rust_client.rs");
    }
}

mod secrets {
    pub mod rust_server {
        #[allow(unused_imports)] // a service without methods uses no type
        use super::rust_types::*;
        include!("secrets/rust/rust_server.rs");
    }
    #[path = "rust/rust_types.rs"]
    pub mod rust_types;
    pub mod rust_client {
        use super::rust_types::*;
        include!("secrets/rust/rust_client.rs");
    }
}

use kitchen_sink::rust_server::{
    bind_unix, serve_tcp, serve_tcp_with_idle_timeout, serve_unix, RpcError, TaskServiceHandler,
};
use kitchen_sink::rust_types::*;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// An in-memory TaskService. `task_delete` of sid "panic" panics, to show
/// that a handler panic becomes -32603.
#[derive(Default)]
struct Tasks {
    tasks: Mutex<BTreeMap<String, Task>>,
}

fn not_found(sid: &str) -> RpcError {
    RpcError::not_found().with_data(serde_json::json!({ "sid": sid }))
}

impl TaskServiceHandler for Tasks {
    fn task_new(&self, input: TaskNewInput) -> Result<Task, RpcError> {
        let mut tasks = self.tasks.lock().unwrap();
        let mut task = input.task;
        if task.sid.is_empty() {
            task.sid = format!("task-{}", tasks.len() + 1);
        }
        tasks.insert(task.sid.clone(), task.clone());
        Ok(task)
    }

    fn task_get(&self, input: TaskGetInput) -> Result<Task, RpcError> {
        let tasks = self.tasks.lock().unwrap();
        tasks
            .get(&input.sid)
            .cloned()
            .ok_or_else(|| not_found(&input.sid))
    }

    fn task_set(&self, input: TaskSetInput) -> Result<Task, RpcError> {
        let mut tasks = self.tasks.lock().unwrap();
        match tasks.get_mut(&input.task.sid) {
            Some(task) => {
                *task = input.task.clone();
                Ok(input.task)
            }
            None => Err(not_found(&input.task.sid)),
        }
    }

    fn task_delete(&self, input: TaskDeleteInput) -> Result<(), RpcError> {
        if input.sid == "panic" {
            panic!("task_delete asked to panic");
        }
        let mut tasks = self.tasks.lock().unwrap();
        tasks
            .remove(&input.sid)
            .map(|_| ())
            .ok_or_else(|| not_found(&input.sid))
    }

    fn task_list(&self) -> Result<Vec<String>, RpcError> {
        Ok(self.tasks.lock().unwrap().keys().cloned().collect())
    }

    fn task_list_full(&self) -> Result<Vec<Task>, RpcError> {
        Ok(self.tasks.lock().unwrap().values().cloned().collect())
    }

    fn task_exists(&self, input: TaskExistsInput) -> Result<bool, RpcError> {
        Ok(self.tasks.lock().unwrap().contains_key(&input.sid))
    }

    fn task_find(&self, input: TaskFindInput) -> Result<Vec<Task>, RpcError> {
        let tasks = self.tasks.lock().unwrap();
        Ok(tasks
            .values()
            .filter(|t| input.name.iter().all(|name| &t.name == name))
            .filter(|t| input.phase.iter().all(|phase| t.phase == *phase))
            .cloned()
            .collect())
    }

    fn task_start(&self, input: TaskStartInput) -> Result<Phase, RpcError> {
        let mut tasks = self.tasks.lock().unwrap();
        let task = tasks
            .get_mut(&input.sid)
            .ok_or_else(|| not_found(&input.sid))?;
        if task.phase == Phase::Done || task.phase == Phase::Failed {
            let data = serde_json::json!({ "phase": task.phase.as_str() });
            return Err(RpcError::bad_phase().with_data(data));
        }
        if input.dry_run != Some(true) {
            task.phase = Phase::Running;
        }
        Ok(task.phase.clone())
    }

    fn echo(&self, input: EchoInput) -> Result<Task, RpcError> {
        Ok(input.task)
    }

    fn reset(&self) -> Result<(), RpcError> {
        self.tasks.lock().unwrap().clear();
        Ok(())
    }

    fn sum(&self, input: SumInput) -> Result<f64, RpcError> {
        Ok(input.values.iter().sum())
    }

    fn scale(&self, input: ScaleInput) -> Result<Vec<f64>, RpcError> {
        let factor = input.factor.unwrap_or(1.0);
        let offset = input.offset.unwrap_or(0.0);
        Ok(input.values.iter().map(|v| v * factor + offset).collect())
    }
}

fn main() {
    let socket = std::env::args().nth(1).expect("usage: harness <socket>");
    let handler = Arc::new(Tasks::default());
    let listener = bind_unix(&socket).expect("bind the socket");
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a TCP port");
    // A second port closes connections idle for a second, for the test of
    // the idle timeout.
    let idle = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a TCP port");
    // The same handler over TCP, on ports the test learns from stdout.
    println!(
        "ready {} {}",
        tcp.local_addr().unwrap(),
        idle.local_addr().unwrap()
    );
    let tcp_handler = handler.clone();
    std::thread::spawn(move || serve_tcp(tcp_handler, tcp).expect("serve TCP"));
    let idle_handler = handler.clone();
    std::thread::spawn(move || {
        let timeout = std::time::Duration::from_secs(1);
        serve_tcp_with_idle_timeout(idle_handler, idle, timeout).expect("serve TCP")
    });
    serve_unix(handler, listener).expect("serve");
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// @secret values are sent, but Debug never shows them.
    #[test]
    fn secrets_are_redacted_in_debug() {
        let c = secrets::rust_types::Credential {
            user: "ann".to_string(),
            password: "hunter2".to_string(),
            token: Some("tok-1".to_string()),
            key: b"k3y".to_vec(),
            note: None,
        };
        let shown = format!("{:?} {:#?}", c, c);
        for leaked in ["hunter2", "tok-1", "107"] {
            assert!(!shown.contains(leaked), "{} in {}", leaked, shown);
        }
        assert!(shown.contains("password: \"***\""), "{}", shown);
        assert!(shown.contains("token: Some(\"***\")"), "{}", shown);
        assert!(shown.contains("user: \"ann\""), "{}", shown);
        let wire = serde_json::to_value(&c).unwrap();
        assert_eq!(wire["password"], json!("hunter2"));
        let input = secrets::rust_types::PutInput {
            name: "n".to_string(),
            password: "hunter2".to_string(),
            token: None,
        };
        let shown = format!("{:?}", input);
        assert!(
            !shown.contains("hunter2") && shown.contains("token: None"),
            "{}",
            shown
        );
    }

    fn full_task() -> Task {
        Task {
            sid: "t1".to_string(),
            name: "build".to_string(),
            phase: Phase::Running,
            priority: -3,
            attempts: 4_000_000_000,
            size: -9_000_000_000,
            quota: 18_000_000_000_000_000_000,
            ratio: 0.5,
            score: 2.25,
            done: true,
            created_at: "2024-05-01T12:00:00Z".to_string(),
            payload: b"hi\x00\xff".to_vec(),
            extra: json!({"k": [1, "two", null]}),
            tags: vec!["a".to_string(), "b".to_string()],
            labels: BTreeMap::from([("env".to_string(), "prod".to_string())]),
            steps: vec![Step {
                title: "outer".to_string(),
                children: vec![Step {
                    title: "child".to_string(),
                    children: vec![],
                    note: None,
                }],
                note: Some(Box::new(Step {
                    title: "note".to_string(),
                    children: vec![],
                    note: None,
                })),
            }],
            matrix: BTreeMap::from([("row".to_string(), vec![1, -2])]),
            owner: Actor {
                name: "ann".to_string(),
                email: Some("ann@example.com".to_string()),
            },
            parent: Some("t0".to_string()),
            deadline: Some("2024-06-01T00:00:00+02:00".to_string()),
            from: Some("cli".to_string()),
            r#type: Some("batch".to_string()),
        }
    }

    #[test]
    fn full_task_round_trips() {
        let task = full_task();
        let wire = serde_json::to_value(&task).unwrap();
        assert_eq!(wire["payload"], json!("aGkA/w=="));
        assert_eq!(wire["type"], json!("batch"));
        assert_eq!(wire["from"], json!("cli"));
        assert_eq!(wire["phase"], json!("running"));
        assert_eq!(wire["quota"], json!(18_000_000_000_000_000_000u64));
        assert_eq!(wire["steps"][0]["note"]["title"], json!("note"));
        assert_eq!(wire["created_at"], json!("2024-05-01T12:00:00Z"));
        assert!(wire.get("r#type").is_none());
        let back: Task = serde_json::from_value(wire).unwrap();
        assert_eq!(back, task);
    }

    #[test]
    fn otimes_follow_the_rule_both_ways() {
        let valid = [
            "2024-01-01T00:00:00Z",
            "2024-02-29T12:00:00.123456789+05:30",
            "1999-12-31T23:59:59-23:59",
            "2000-02-29T00:00:00.5-00:00",
            "0000-02-29T00:00:00Z",
        ];
        let invalid = [
            "2024-01-01t00:00:00z",
            "2024-01-01T00:00:00z",
            "2024-01-01T00:00:60Z",
            "2024-01-01T00:00:00.1234567890Z",
            "2024-01-01T00:00:00.Z",
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00+24:00",
            "2024-01-01T00:00:00+05:60",
            "2024-01-01T00:00:00+0530",
            "2024-01-01T00:00:00",
            "2024-01-01 00:00:00Z",
            "2024-01-01T00:00:00Z\n",
            "",
        ];
        let cases = valid.iter().map(|text| (text, true));
        for (text, ok) in cases.chain(invalid.iter().map(|text| (text, false))) {
            let mut wire = serde_json::to_value(full_task()).unwrap();
            wire["created_at"] = json!(text);
            wire["deadline"] = json!(text);
            let decoded = serde_json::from_value::<Task>(wire);
            assert_eq!(decoded.is_ok(), ok, "{:?}: {:?}", text, decoded);
            let mut task = full_task();
            task.deadline = Some(text.to_string());
            assert_eq!(serde_json::to_value(&task).is_ok(), ok, "{:?}", text);
        }
    }

    #[test]
    fn absent_optionals_are_omitted_and_null_is_accepted() {
        let mut task = full_task();
        task.parent = None;
        task.deadline = None;
        task.from = None;
        task.r#type = None;
        task.owner.email = None;
        task.steps[0].note = None;
        let wire = serde_json::to_value(&task).unwrap();
        for key in ["parent", "deadline", "from", "type"] {
            assert!(wire.get(key).is_none(), "{} should be absent", key);
        }
        assert!(wire["owner"].get("email").is_none());
        assert!(wire["steps"][0].get("note").is_none());
        let mut with_null = wire.clone();
        with_null["parent"] = serde_json::Value::Null;
        let back: Task = serde_json::from_value(with_null).unwrap();
        assert_eq!(back, task);
    }

    #[test]
    fn required_fields_and_bad_base64_are_errors() {
        let mut wire = serde_json::to_value(full_task()).unwrap();
        wire.as_object_mut().unwrap().remove("name");
        let err = serde_json::from_value::<Task>(wire).unwrap_err();
        assert!(err.to_string().contains("missing field `name`"), "{}", err);
        let mut wire = serde_json::to_value(full_task()).unwrap();
        wire["payload"] = json!("not base64!");
        assert!(serde_json::from_value::<Task>(wire).is_err());
    }

    #[test]
    fn inputs_reject_unknown_params() {
        let err =
            serde_json::from_value::<TaskStartInput>(json!({"sid": "x", "bogus": 1})).unwrap_err();
        assert!(err.to_string().contains("unknown field `bogus`"), "{}", err);
        let input: TaskStartInput = serde_json::from_value(json!({"sid": "x"})).unwrap();
        assert_eq!(input.dry_run, None);
    }

    #[test]
    fn enums_use_wire_values() {
        assert_eq!(
            serde_json::to_value(Phase::Failed).unwrap(),
            json!("failed")
        );
        assert_eq!(Phase::Pending.as_str(), "pending");
        // A value this version does not know (a newer server's) is kept,
        // and sent back as it came.
        let newer = serde_json::from_value::<Phase>(json!("Pending")).unwrap();
        assert_eq!(newer, Phase::Unknown("Pending".to_string()));
        assert_eq!(serde_json::to_value(&newer).unwrap(), json!("Pending"));
        assert!(serde_json::from_value::<Phase>(json!(5)).is_err());
        // Servers refuse it in params, as serde's derive did.
        let refused =
            oschema_strict::refuse_unknown(|| serde_json::from_value::<Phase>(json!("paused")));
        let message = refused.unwrap_err().to_string();
        assert!(message.contains("unknown variant `paused`"), "{message}");
        assert_eq!(Phase::VALUES, &["pending", "running", "done", "failed"]);
        let answer = crate::kitchen_sink::rust_server::handle_json(
            &Tasks::default(),
            br#"{"jsonrpc": "2.0", "id": 1, "method": "task_find", "params": {"phase": "paused"}}"#,
        )
        .unwrap();
        assert!(answer.contains("-32602"), "{answer}");
    }

    mod edge_schema {
        use crate::edge::rust_server::*;
        use crate::edge::rust_types::*;
        use serde_json::json;
        use std::collections::BTreeMap;

        fn b64(data: &[u8]) -> serde_json::Value {
            let blob = Blob {
                data: data.to_vec(),
                maybe: None,
                chunks: vec![],
                named: BTreeMap::new(),
                current_logs: vec![],
                r#match: false,
                color: Color::V2d,
                when: None,
            };
            serde_json::to_value(blob).unwrap()["data"].clone()
        }

        #[test]
        fn base64_matches_rfc4648_vectors() {
            let vectors = [
                ("", ""),
                ("f", "Zg=="),
                ("fo", "Zm8="),
                ("foo", "Zm9v"),
                ("foob", "Zm9vYg=="),
                ("fooba", "Zm9vYmE="),
                ("foobar", "Zm9vYmFy"),
            ];
            for (plain, encoded) in vectors {
                assert_eq!(b64(plain.as_bytes()), json!(encoded));
            }
            assert_eq!(b64(&[0xfb, 0xff, 0xbf]), json!("+/+/"));
        }

        #[test]
        fn bytes_in_every_shape_round_trip() {
            let blob = Blob {
                data: b"foob".to_vec(),
                maybe: Some(b"fo".to_vec()),
                chunks: vec![b"f".to_vec(), vec![]],
                named: BTreeMap::from([("k".to_string(), vec![b"foo".to_vec()])]),
                current_logs: vec!["x".to_string()],
                r#match: true,
                color: Color::LightRed,
                when: Some("2024-01-01T00:00:00Z".to_string()),
            };
            let wire = serde_json::to_value(&blob).unwrap();
            assert_eq!(
                wire,
                json!({
                    "data": "Zm9vYg==",
                    "maybe": "Zm8=",
                    "chunks": ["Zg==", ""],
                    "named": {"k": ["Zm9v"]},
                    "currentLogs": ["x"],
                    "match": true,
                    "color": "light-red",
                    "when": "2024-01-01T00:00:00Z"
                })
            );
            assert_eq!(serde_json::from_value::<Blob>(wire).unwrap(), blob);
            for bad in ["Zm9", "Zm=v", "Z===", "Zm9v\n", "Zg==Zg=="] {
                let mut wire = serde_json::to_value(&blob).unwrap();
                wire["data"] = json!(bad);
                assert!(serde_json::from_value::<Blob>(wire).is_err(), "{:?}", bad);
            }
        }

        #[test]
        fn mutual_recursion_round_trips() {
            let tree = Tree {
                label: "root".to_string(),
                forest: Some(Box::new(Forest {
                    first: Some(Box::new(Tree {
                        label: "leaf".to_string(),
                        forest: None,
                    })),
                    trees: vec![],
                })),
            };
            let wire = serde_json::to_value(&tree).unwrap();
            assert_eq!(wire["forest"]["first"]["label"], json!("leaf"));
            assert_eq!(serde_json::from_value::<Tree>(wire).unwrap(), tree);
        }

        struct Edge;

        impl EdgeServiceHandler for Edge {
            fn blob_get(&self, input: BlobGetInput) -> Result<Vec<u8>, RpcError> {
                if input.id == "gone" {
                    return Err(RpcError::gone());
                }
                Ok(input.id.into_bytes())
            }

            fn blob_put(&self, input: BlobPutInput) -> Result<BTreeMap<String, u64>, RpcError> {
                let extra = input.extra.unwrap_or_default();
                Ok(BTreeMap::from([
                    ("data".to_string(), input.blob.data.len() as u64),
                    ("extra".to_string(), extra.len() as u64),
                ]))
            }

            fn grow(&self, input: GrowInput) -> Result<Forest, RpcError> {
                Ok(Forest {
                    first: None,
                    trees: vec![input.tree],
                })
            }

            fn ping(&self) -> Result<(), RpcError> {
                Ok(())
            }

            fn measure_every_single_tree_in_the_whole_forest_twice(
                &self,
                input: MeasureEverySingleTreeInTheWholeForestTwiceInput,
            ) -> Result<BTreeMap<String, Vec<Tree>>, RpcError> {
                let key = if input.deep == Some(true) {
                    "deep"
                } else {
                    "shallow"
                };
                Ok(BTreeMap::from([(key.to_string(), input.forest.trees)]))
            }
        }

        fn call(request: serde_json::Value) -> serde_json::Value {
            let body = handle_json(&Edge, request.to_string().as_bytes()).unwrap();
            serde_json::from_str(&body).unwrap()
        }

        #[test]
        fn dispatcher_encodes_bytes_results_and_errors() {
            let answer = call(
                json!({"jsonrpc": "2.0", "id": 1, "method": "blob.get", "params": {"id": "foo"}}),
            );
            assert_eq!(answer, json!({"jsonrpc": "2.0", "id": 1, "result": "Zm9v"}));
            let answer = call(
                json!({"jsonrpc": "2.0", "id": 2, "method": "blob.get", "params": {"id": "gone"}}),
            );
            assert_eq!(answer["error"], json!({"code": -32001, "message": "Gone"}));
            let answer = call(json!({"jsonrpc": "2.0", "id": 3, "method": "ping"}));
            assert_eq!(answer, json!({"jsonrpc": "2.0", "id": 3, "result": null}));
            let answer = call(
                json!({"jsonrpc": "2.0", "id": 4, "method": "blob_put", "params": {
                    "blob": {"data": "Zm9v", "chunks": [], "named": {}, "currentLogs": [], "match": false, "color": "2d"},
                    "extra": {"a": "Zg==", "b": ""}
                }}),
            );
            assert_eq!(answer["result"], json!({"data": 3, "extra": 2}));
            let answer = call(json!({"jsonrpc": "2.0", "id": 5,
                "method": "measure_every_single_tree_in_the_whole_forest_twice",
                "params": {"forest": {"trees": [{"label": "oak"}]}, "deep": true}}));
            assert_eq!(answer["result"], json!({"deep": [{"label": "oak"}]}));
            let output: BlobGetOutput = serde_json::from_value(json!("Zm9v")).unwrap();
            assert_eq!(output.0, b"foo".to_vec());
        }
    }

    mod wire_names_schema {
        use crate::wire_names::rust_server::*;
        use crate::wire_names::rust_types::*;
        use serde_json::json;

        struct Wire;

        fn status(name: &str, user_id: &str) -> ServiceStatus {
            ServiceStatus {
                name: name.to_string(),
                state: ServiceState::Running,
                user_id: user_id.to_string(),
                started_at: None,
                restart_count: None,
                x_trace: None,
                http_proxy: None,
            }
        }

        impl WireNamesHandler for Wire {
            fn service_start(&self, input: ServiceStartInput) -> Result<ServiceStatus, RpcError> {
                let mut s = status(&input.name, "u1");
                if input.dry_run == Some(true) {
                    s.state = ServiceState::Stopped;
                }
                Ok(s)
            }

            fn service_list_page(&self, input: ServiceListPageInput) -> Result<Page, RpcError> {
                Ok(Page {
                    items: vec![],
                    next_page_token: input.page_token,
                })
            }

            fn stream_current_logs(
                &self,
                input: StreamCurrentLogsInput,
            ) -> Result<Vec<String>, RpcError> {
                Ok(vec![input.name.unwrap_or_else(|| "all".to_string())])
            }

            fn get_user_by_id(&self, input: GetUserByIdInput) -> Result<ServiceStatus, RpcError> {
                if input.user_id == "nobody" {
                    return Err(RpcError::not_found());
                }
                Ok(status("n", &input.user_id))
            }

            fn system_shutdown(&self) -> Result<(), RpcError> {
                Ok(())
            }

            fn ping(&self) -> Result<(), RpcError> {
                Ok(())
            }

            fn node_get_balance(&self, input: NodeGetBalanceInput) -> Result<String, RpcError> {
                let height = input
                    .at_height
                    .map_or("latest".to_string(), |h| h.to_string());
                Ok(format!("{}@{}:{:?}", input.address, height, input.x_unit))
            }

            fn node_syncing(&self) -> Result<bool, RpcError> {
                Ok(true)
            }
        }

        fn call(request: serde_json::Value) -> serde_json::Value {
            let body = handle_json(&Wire, request.to_string().as_bytes()).unwrap();
            serde_json::from_str(&body).unwrap()
        }

        #[test]
        fn dispatcher_uses_the_wire_names() {
            let answer = call(json!({"jsonrpc": "2.0", "id": 1, "method": "service.start",
                "params": {"name": "web", "dryRun": true}}));
            assert_eq!(
                answer,
                json!({"jsonrpc": "2.0", "id": 1,
                    "result": {"name": "web", "state": "stopped", "userId": "u1"}})
            );
            let answer = call(
                json!({"jsonrpc": "2.0", "id": 2, "method": "service.list_page",
                "params": {"pageSize": 5, "pageToken": "t"}}),
            );
            assert_eq!(answer["result"], json!({"items": [], "nextPageToken": "t"}));
            let answer = call(json!({"jsonrpc": "2.0", "id": 3, "method": "stream_currentLogs"}));
            assert_eq!(answer["result"], json!(["all"]));
            let answer = call(json!({"jsonrpc": "2.0", "id": 4, "method": "getUserById",
                "params": {"userId": "u7"}}));
            assert_eq!(answer["result"]["userId"], json!("u7"));
            let answer = call(json!({"jsonrpc": "2.0", "id": 5, "method": "getUserById",
                "params": {"userId": "nobody"}}));
            assert_eq!(answer["error"]["code"], json!(1004));
            let answer = call(json!({"jsonrpc": "2.0", "id": 6, "method": "system.shutdown"}));
            assert_eq!(answer, json!({"jsonrpc": "2.0", "id": 6, "result": null}));
            // The identifiers are not the wire names.
            let answer = call(json!({"jsonrpc": "2.0", "id": 7, "method": "service_start",
                "params": {"name": "web"}}));
            assert_eq!(answer["error"]["code"], json!(-32601));
            let answer = call(json!({"jsonrpc": "2.0", "id": 8, "method": "getUserById",
                "params": {"user_id": "u7"}}));
            assert_eq!(answer["error"]["code"], json!(-32602));
        }

        #[test]
        fn positional_methods_take_an_array_or_the_object() {
            let result = |params: serde_json::Value| {
                call(
                    json!({"jsonrpc": "2.0", "id": 1, "method": "node_getBalance", "params": params}),
                )
            };
            assert_eq!(
                result(json!(["a", 7, "running"]))["result"],
                json!("a@7:Running")
            );
            assert_eq!(
                result(json!(["a", null, "stopped"]))["result"],
                json!("a@latest:Stopped")
            );
            assert_eq!(
                result(json!({"address": "a", "x-unit": "running"}))["result"],
                json!("a@latest:Running")
            );
            // Too few (a required param left out), too many, a wrong type.
            assert_eq!(result(json!(["a"]))["error"]["code"], json!(-32602));
            assert_eq!(
                result(json!(["a", 1, "running", 2]))["error"]["code"],
                json!(-32602)
            );
            assert_eq!(
                result(json!([1, 1, "running"]))["error"]["code"],
                json!(-32602)
            );
            let answer =
                call(json!({"jsonrpc": "2.0", "id": 2, "method": "node_syncing", "params": []}));
            assert_eq!(answer["result"], json!(true));
            // A by-name method still refuses an array.
            let answer =
                call(json!({"jsonrpc": "2.0", "id": 3, "method": "getUserById", "params": ["u7"]}));
            assert_eq!(answer["error"]["code"], json!(-32602));
        }

        #[test]
        fn fields_travel_under_their_wire_names() {
            let mut s = status("a", "u");
            s.x_trace = Some("t".to_string());
            s.http_proxy = Some("p".to_string());
            s.restart_count = Some(2);
            let wire = serde_json::to_value(&s).unwrap();
            assert_eq!(
                wire,
                json!({"name": "a", "state": "running", "userId": "u",
                    "restartCount": 2, "x-trace": "t", "HTTPProxy": "p"})
            );
            assert_eq!(serde_json::from_value::<ServiceStatus>(wire).unwrap(), s);
        }
    }

    /// The client offline: its configuration, its errors, what it hides.
    mod client {
        use crate::kitchen_sink::rust_client::{ClientError, TaskServiceClient, TaskServiceError};
        use std::time::Duration;

        fn send_sync<T: Send + Sync>() {}

        #[test]
        fn is_send_and_sync() {
            send_sync::<TaskServiceClient>();
            send_sync::<ClientError>();
        }

        #[test]
        fn configuration() {
            let c = TaskServiceClient::unix("/tmp/x.sock");
            assert_eq!(c.timeout(), TaskServiceClient::DEFAULT_TIMEOUT);
            assert_eq!(c.max_response_bytes(), 64 << 20);
            let d = c
                .with_timeout(Duration::from_millis(5))
                .with_max_response_bytes(10);
            assert_eq!(d.timeout(), Duration::from_millis(5));
            assert_eq!(d.max_response_bytes(), 10);
            assert_eq!(c.timeout(), TaskServiceClient::DEFAULT_TIMEOUT, "copies");
            for url in [
                "http://127.0.0.1:8080/rpc",
                "http://[::1]:8080",
                "http://localhost",
                "http://h:1/a/b?c=d",
                "unix:/tmp/x.sock",
                "unix:///tmp/x.sock",
            ] {
                TaskServiceClient::connect(url).unwrap_or_else(|e| panic!("{url}: {e}"));
            }
            for url in [
                "https://h/rpc",
                "http://",
                "http://h:0",
                "http://h:x",
                "h:80",
                "http://a b/",
            ] {
                let err = TaskServiceClient::connect(url).expect_err(url);
                assert!(
                    matches!(err, ClientError::InvalidEndpoint { .. }),
                    "{url}: {err}"
                );
                assert_eq!(err.method(), "");
            }
        }

        /// A bearer token or header value never shows in Debug.
        #[test]
        fn debug_hides_header_values() {
            let c = TaskServiceClient::unix("/tmp/x.sock")
                .with_bearer_token("s3cret")
                .with_header("X-Api-Key", "k3y");
            let shown = format!("{c:?}");
            assert!(
                !shown.contains("s3cret") && !shown.contains("k3y"),
                "{shown}"
            );
            assert!(
                shown.contains("Authorization") && shown.contains("X-Api-Key"),
                "{shown}"
            );
        }

        #[test]
        fn application_errors() {
            assert_eq!(
                TaskServiceError::from_code(1004),
                Some(TaskServiceError::NotFound)
            );
            assert_eq!(TaskServiceError::from_code(-32601), None);
            assert_eq!(TaskServiceError::BadPhase.code(), 1005);
            assert_eq!(TaskServiceError::BadPhase.to_string(), "BadPhase");
        }

        /// Nothing listens: an Io error naming the method, with the cause
        /// as its source; a zero timeout fails before connecting.
        #[test]
        fn transport_errors() {
            let c = TaskServiceClient::unix("/nonexistent/oschema/rpc.sock");
            let err = c.task_list().expect_err("no server");
            assert!(matches!(err, ClientError::Io { .. }), "{err}");
            assert_eq!(err.method(), "task_list");
            let source = std::error::Error::source(&err).expect("a source");
            assert!(source.downcast_ref::<std::io::Error>().is_some());
            assert_eq!(err.app_error(), None);
            let c = TaskServiceClient::http("http://127.0.0.1:9/rpc").unwrap();
            let err = c.with_timeout(Duration::ZERO).reset().expect_err("no time");
            assert!(err.is_timeout(), "{err}");
        }
    }
}
