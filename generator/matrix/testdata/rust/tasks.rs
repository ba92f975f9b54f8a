//! The in-memory kitchen_sink TaskService of the matrix's Rust servers
//! (main.rs, on the generated server, and ../tokio/main.rs, in a tokio
//! runtime), with the reference behaviour of
//! generator/emit/clienttest/script.go. task_get of sid "sleep:<ms>"
//! sleeps that long before it answers not_found; of sid "context" it
//! answers not_found with the request context as data (the
//! X-Oschema-Test header, the peer's pid and uid, whether the peer address
//! is known); of sid "boom" it answers a server error -32000.

use crate::kitchen_sink::rust_server::{request_context, RpcError, TaskServiceHandler};
use crate::kitchen_sink::rust_types::*;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// An in-memory TaskService; the BTreeMap keeps every list sorted by sid.
#[derive(Default)]
pub struct Tasks {
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
