//! A minimal hero_proc server built from the schema's generated Rust
//! artifacts (rust_server_test.go copies proc/hero_proc/generated's
//! rust_types.rs and rust_server.rs next to this file and builds it with
//! cargo). It is not hero_procd: it keeps services and secrets in memory,
//! answers run.start with a run whose jobs never start, and fails every
//! other method with -32601. The Go SDK's tests run against it to show that
//! the wire contract is the schema's, not the daemon's.
//!
//! `rust_handler <socket>` serves on the Unix socket and prints "ready"
//! once it listens.

mod hero_proc {
    pub mod rust_server {
        #[allow(unused_imports)] // a service without methods uses no type
        use super::rust_types::*;
        include!("hero_proc/rust/rust_server.rs");
    }
    #[path = "rust/rust_types.rs"]
    pub mod rust_types;
}

use hero_proc::rust_server::{bind_unix, serve_unix, HeroProcHandler, RpcError};
use hero_proc::rust_types::*;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

/// The current time as an RFC 3339 date-time in UTC, whole seconds.
fn now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (days, rem) = (secs.div_euclid(86400), secs.rem_euclid(86400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        year,
        month,
        day,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn not_found(what: &str, name: &str) -> RpcError {
    RpcError::not_found()
        .with_message(format!("{} {:?} not found", what, name))
        .with_data(serde_json::json!({ what: name }))
}

fn not_implemented<T>(method: &str) -> Result<T, RpcError> {
    Err(RpcError::new(
        RpcError::METHOD_NOT_FOUND,
        format!("{} is not implemented by the minimal Rust handler", method),
    ))
}

struct StoredSecret {
    value: String,
    updated_at: String,
}

#[derive(Default)]
struct State {
    services: BTreeMap<String, ServiceStatus>,
    secrets: BTreeMap<(String, String), StoredSecret>,
    runs: u64,
}

struct Handler {
    socket: String,
    started_at: String,
    state: Mutex<State>,
}

impl HeroProcHandler for Handler {
    fn service_put(&self, input: ServicePutInput) -> Result<ServiceStatus, RpcError> {
        let spec = input.spec;
        if spec.name.is_empty() || spec.actions.is_empty() {
            let data = serde_json::json!(["a service needs a name and actions"]);
            return Err(RpcError::invalid_spec().with_data(data));
        }
        let mut state = self.state.lock().unwrap();
        let wanted = match (spec.wanted.clone(), state.services.get(&spec.name)) {
            (Some(wanted), _) => wanted,
            (None, Some(old)) => old.wanted.clone(),
            (None, None) => WantedState::Stop,
        };
        let status = ServiceStatus {
            name: spec.name.clone(),
            spec,
            wanted,
            state: ServiceState::Inactive,
            run_id: None,
            reason: None,
            next_attempt_at: None,
            restarts: 0,
            jobs: Vec::new(),
        };
        state.services.insert(status.name.clone(), status.clone());
        Ok(status)
    }

    fn service_get(&self, input: ServiceGetInput) -> Result<ServiceSpec, RpcError> {
        let state = self.state.lock().unwrap();
        state
            .services
            .get(&input.name)
            .map(|s| s.spec.clone())
            .ok_or_else(|| not_found("service", &input.name))
    }

    fn service_list(&self) -> Result<Vec<ServiceStatus>, RpcError> {
        Ok(self
            .state
            .lock()
            .unwrap()
            .services
            .values()
            .cloned()
            .collect())
    }

    fn service_delete(&self, input: ServiceDeleteInput) -> Result<(), RpcError> {
        let mut state = self.state.lock().unwrap();
        state
            .services
            .remove(&input.name)
            .map(|_| ())
            .ok_or_else(|| not_found("service", &input.name))
    }

    fn service_start(&self, _: ServiceStartInput) -> Result<Run, RpcError> {
        not_implemented("service.start")
    }

    fn service_stop(&self, _: ServiceStopInput) -> Result<ServiceStatus, RpcError> {
        not_implemented("service.stop")
    }

    fn service_restart(&self, _: ServiceRestartInput) -> Result<Run, RpcError> {
        not_implemented("service.restart")
    }

    fn service_status(&self, input: ServiceStatusInput) -> Result<ServiceStatus, RpcError> {
        let state = self.state.lock().unwrap();
        state
            .services
            .get(&input.name)
            .cloned()
            .ok_or_else(|| not_found("service", &input.name))
    }

    fn run_start(&self, input: RunStartInput) -> Result<Run, RpcError> {
        if input.actions.is_empty() {
            let data = serde_json::json!(["a run needs actions"]);
            return Err(RpcError::invalid_spec().with_data(data));
        }
        let mut state = self.state.lock().unwrap();
        state.runs += 1;
        let id = format!("run-{}", state.runs);
        let created_at = now();
        let jobs = input
            .actions
            .into_iter()
            .enumerate()
            .map(|(i, spec)| Job {
                id: format!("{}-job-{}", id, i + 1),
                run_id: id.clone(),
                action: format!("{}.{}", input.name, spec.name),
                spec,
                phase: JobPhase::Created,
                attempt: 0,
                pid: None,
                exit_code: None,
                signal: None,
                error: None,
                ready: false,
                created_at: created_at.clone(),
                started_at: None,
                finished_at: None,
                next_attempt_at: None,
            })
            .collect();
        Ok(Run {
            id,
            name: input.name,
            service: None,
            context: input.context.unwrap_or_else(|| "default".to_string()),
            phase: RunPhase::Created,
            jobs,
            error: None,
            created_at,
            finished_at: None,
        })
    }

    fn run_get(&self, _: RunGetInput) -> Result<Run, RpcError> {
        not_implemented("run.get")
    }

    fn run_list(&self, _: RunListInput) -> Result<Vec<Run>, RpcError> {
        not_implemented("run.list")
    }

    fn run_status(&self, _: RunStatusInput) -> Result<RunStatus, RpcError> {
        not_implemented("run.status")
    }

    fn run_wait(&self, _: RunWaitInput) -> Result<Run, RpcError> {
        not_implemented("run.wait")
    }

    fn run_cancel(&self, _: RunCancelInput) -> Result<Run, RpcError> {
        not_implemented("run.cancel")
    }

    fn run_logs(&self, _: RunLogsInput) -> Result<LogPage, RpcError> {
        not_implemented("run.logs")
    }

    fn job_get(&self, _: JobGetInput) -> Result<Job, RpcError> {
        not_implemented("job.get")
    }

    fn job_list(&self, _: JobListInput) -> Result<Vec<Job>, RpcError> {
        not_implemented("job.list")
    }

    fn job_stop(&self, _: JobStopInput) -> Result<Job, RpcError> {
        not_implemented("job.stop")
    }

    fn job_logs(&self, _: JobLogsInput) -> Result<LogPage, RpcError> {
        not_implemented("job.logs")
    }

    fn logs_query(&self, _: LogsQueryInput) -> Result<LogPage, RpcError> {
        not_implemented("logs.query")
    }

    fn logs_follow(&self, _: LogsFollowInput) -> Result<LogPage, RpcError> {
        not_implemented("logs.follow")
    }

    fn secret_set(&self, input: SecretSetInput) -> Result<SecretInfo, RpcError> {
        let updated_at = now();
        let secret = StoredSecret {
            value: input.value,
            updated_at: updated_at.clone(),
        };
        let mut state = self.state.lock().unwrap();
        let key = (input.context.clone(), input.key.clone());
        state.secrets.insert(key, secret);
        Ok(SecretInfo {
            context: input.context,
            key: input.key,
            updated_at,
        })
    }

    fn secret_get(&self, input: SecretGetInput) -> Result<Secret, RpcError> {
        let state = self.state.lock().unwrap();
        let key = (input.context, input.key);
        match state.secrets.get(&key) {
            Some(s) => Ok(Secret {
                context: key.0,
                key: key.1,
                value: s.value.clone(),
                updated_at: s.updated_at.clone(),
            }),
            None => Err(not_found("secret", &format!("{}/{}", key.0, key.1))),
        }
    }

    fn secret_list(&self, input: SecretListInput) -> Result<Vec<SecretInfo>, RpcError> {
        let state = self.state.lock().unwrap();
        Ok(state
            .secrets
            .iter()
            .filter(|((context, _), _)| input.context.iter().all(|c| c == context))
            .map(|((context, key), s)| SecretInfo {
                context: context.clone(),
                key: key.clone(),
                updated_at: s.updated_at.clone(),
            })
            .collect())
    }

    fn secret_delete(&self, input: SecretDeleteInput) -> Result<(), RpcError> {
        let mut state = self.state.lock().unwrap();
        let key = (input.context, input.key);
        match state.secrets.remove(&key) {
            Some(_) => Ok(()),
            None => Err(not_found("secret", &format!("{}/{}", key.0, key.1))),
        }
    }

    fn system_version(&self) -> Result<VersionInfo, RpcError> {
        Ok(VersionInfo {
            version: "rust-handler-0.0.0".to_string(),
            api_version: "1.0.0".to_string(),
            pid: i64::from(std::process::id()),
            started_at: self.started_at.clone(),
            socket: self.socket.clone(),
            data_dir: String::new(),
        })
    }

    fn system_health(&self) -> Result<Health, RpcError> {
        let state = self.state.lock().unwrap();
        Ok(Health {
            ok: true,
            store_ok: true,
            error: None,
            uptime_secs: 0,
            services: state.services.len() as u32,
            running_jobs: 0,
        })
    }

    fn system_shutdown(&self, _: SystemShutdownInput) -> Result<(), RpcError> {
        not_implemented("system.shutdown")
    }
}

fn main() {
    let socket = std::env::args()
        .nth(1)
        .expect("usage: rust_handler <socket>");
    let listener = bind_unix(&socket).expect("bind the socket");
    let handler = Arc::new(Handler {
        socket,
        started_at: now(),
        state: Mutex::new(State::default()),
    });
    println!("ready");
    serve_unix(handler, listener).expect("serve");
}
