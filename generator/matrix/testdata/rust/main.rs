//! The kitchen_sink TaskService on the generated Rust server, with the
//! reference behaviour of generator/emit/clienttest/script.go, for the
//! cross-language matrix (generator/matrix).
//!
//! `matrix serve <socket> [<read timeout ms>]` serves on the Unix socket
//! and on a free TCP port of 127.0.0.1 (start_unix, start_tcp; the read
//! timeout defaults to READ_TIMEOUT), prints "LISTENING unix:<socket>
//! http://<addr>/rpc" once both listen, and when its stdin closes shuts
//! both servers down (calls in flight are answered, the socket removed)
//! and exits. task_get of sid "sleep:<ms>" sleeps that long before it
//! answers not_found, for the test of a shutdown with a call in flight;
//! of sid "context" it answers not_found with the request context as data
//! (the X-Oschema-Test header, the peer's pid and uid, whether the peer
//! address is known).
//! `matrix roundtrip` reads a Task (JSON) on stdin and writes it back,
//! decoded into the generated type and encoded again.
#![deny(warnings)]

mod kitchen_sink {
    pub mod rust_server {
        #[allow(unused_imports)] // a service without methods uses no type
        use super::rust_types::*;
        include!("kitchen_sink/rust_server.rs");
    }
    pub mod rust_types;
}

use kitchen_sink::rust_server::{
    bind_unix, request_context, start_tcp, start_unix, RpcError, ServerOptions, TaskServiceHandler,
};
use kitchen_sink::rust_types::*;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

/// An in-memory TaskService; the BTreeMap keeps every list sorted by sid.
#[derive(Default)]
struct Tasks {
    tasks: Mutex<BTreeMap<String, Task>>,
}

fn not_found(sid: &str) -> RpcError {
    RpcError::not_found().with_data(serde_json::json!({ "sid": sid }))
}

impl TaskServiceHandler for Tasks {
    fn task_new(&self, input: TaskNewInput) -> Result<Task, RpcError> {
        let task = input.task;
        let mut tasks = self.tasks.lock().unwrap();
        tasks.insert(task.sid.clone(), task.clone());
        Ok(task)
    }

    fn task_get(&self, input: TaskGetInput) -> Result<Task, RpcError> {
        if let Some(ms) = input.sid.strip_prefix("sleep:") {
            let ms = ms.parse().unwrap_or(0);
            std::thread::sleep(std::time::Duration::from_millis(ms));
            return Err(not_found(&input.sid));
        }
        if input.sid == "context" {
            let context = request_context().unwrap_or_default();
            let cred = context.peer_cred;
            return Err(RpcError::not_found().with_data(serde_json::json!({
                "header": context.header("x-oschema-test"),
                "pid": cred.map(|c| c.pid),
                "uid": cred.map(|c| c.uid),
                "peer_addr": context.peer_addr.is_some(),
            })));
        }
        if input.sid == "boom" {
            // A server error outside the schema's application errors.
            return Err(
                RpcError::new(-32000, "boom").with_data(serde_json::json!({ "sid": "boom" }))
            );
        }
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
            .filter(|t| input.name.as_ref().map_or(true, |name| &t.name == name))
            .filter(|t| input.phase.as_ref().map_or(true, |phase| &t.phase == phase))
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
        if input.dry_run == Some(true) {
            return Ok(Phase::Pending);
        }
        task.phase = Phase::Running;
        Ok(Phase::Running)
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

fn serve(socket: &str, read_timeout_ms: Option<u64>) {
    let handler = Arc::new(Tasks::default());
    let unix = bind_unix(socket).expect("bind the socket");
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a TCP port");
    let addr = tcp.local_addr().unwrap();
    let mut options = ServerOptions::default();
    if let Some(ms) = read_timeout_ms {
        options.read_timeout = std::time::Duration::from_millis(ms);
    }
    let tcp = start_tcp(handler.clone(), tcp, options.clone()).expect("serve TCP");
    let unix = start_unix(handler, unix, options).expect("serve the socket");
    println!("LISTENING unix:{} http://{}/rpc", socket, addr);
    std::io::stdout().flush().unwrap();
    // The parent test went away: stop, and leave no socket behind.
    let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
    let tcp_handle = tcp.handle();
    tcp_handle.shutdown();
    unix.shutdown().expect("shut the socket server down");
    tcp.join().expect("shut the TCP server down");
}

fn roundtrip() {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .expect("read stdin");
    let task: Task = serde_json::from_str(&input).unwrap_or_else(|err| {
        eprintln!("decoding Task: {}", err);
        std::process::exit(1)
    });
    println!("{}", serde_json::to_string(&task).expect("encode Task"));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("serve"), Some(socket)) => serve(socket, args.get(3).and_then(|ms| ms.parse().ok())),
        (Some("roundtrip"), None) => roundtrip(),
        _ => {
            eprintln!("usage: matrix serve <socket> [<read timeout ms>] | matrix roundtrip");
            std::process::exit(2)
        }
    }
}
