//! A Rust caller of hero_proc, through the generated client: what the Rust
//! services that call hero_procd do (rust_client_test.go copies
//! proc/hero_proc/generated's rust_types.rs and rust_client.rs next to
//! this file and builds it with cargo; the client through include!, as
//! from OUT_DIR).
//!
//! `rust_client <socket>` runs a service and an ad-hoc run on the hero_procd
//! listening there, printing "ok <check>" per check, and panics at the
//! first that fails.
#![deny(warnings)]

mod hero_proc {
    pub mod rust_types;
    pub mod rust_client {
        use super::rust_types::*;
        include!("hero_proc/rust_client.rs");
    }
}

use hero_proc::rust_client::{ClientError, HeroProcClient, HeroProcError};
use hero_proc::rust_types::*;
use serde_json::json;
use std::time::Duration;

fn ok(check: &str) {
    println!("ok {check}");
}

fn contents(page: &LogPage) -> Vec<&str> {
    page.entries.iter().map(|e| e.content.as_str()).collect()
}

fn main() {
    let socket = std::env::args()
        .nth(1)
        .expect("usage: rust_client <socket>");
    let c = HeroProcClient::unix(&socket).with_timeout(Duration::from_secs(30));

    let version = c.system_version().expect("system.version");
    assert_eq!(version.socket, socket);
    assert!(c.system_health().expect("system.health").ok);
    ok("system");

    c.secret_set("rust", "token", "hunter2")
        .expect("secret.set");
    let secret = c.secret_get("rust", "token").expect("secret.get");
    assert_eq!(secret.value, "hunter2");
    let keys: Vec<String> = c
        .secret_list(Some("rust".to_string()))
        .expect("secret.list")
        .into_iter()
        .map(|s| s.key)
        .collect();
    assert_eq!(keys, ["token"]);
    ok("secrets");

    // The application errors are recognisable.
    let err: ClientError = c.service_get("nope").expect_err("service.get of nope");
    assert_eq!(err.app_error(), Some(HeroProcError::NotFound), "{err}");
    assert_eq!(err.method(), "service.get");
    ok("not found");

    let spec: ServiceSpec = serde_json::from_value(json!({
        "name": "rust-svc",
        "context": "rust",
        "actions": [{"name": "hello", "script": "echo \"hello from $NAME\"", "env": {"NAME": "rust"}}],
    }))
    .expect("a ServiceSpec");
    let status = c.service_put(spec.clone()).expect("service.put");
    assert_eq!(status.name, "rust-svc");
    let got = c.service_get("rust-svc").expect("service.get");
    // The daemon fills in what the spec leaves out (wanted).
    assert_eq!(
        (&got.name, &got.context, &got.actions),
        (&spec.name, &spec.context, &spec.actions)
    );
    let run = c.service_start("rust-svc").expect("service.start");
    // run.wait long-polls: a per-call timeout above its own.
    let run = c
        .with_timeout(Duration::from_secs(60))
        .run_wait(run.id, Some(20_000))
        .expect("run.wait");
    assert_eq!(run.phase, RunPhase::Success, "{run:?}");
    let page = c.run_logs(run.id.clone(), None, None).expect("run.logs");
    assert!(contents(&page).contains(&"hello from rust"), "{page:?}");
    assert_eq!(c.service_list().expect("service.list").len(), 1);
    c.service_stop("rust-svc").expect("service.stop");
    c.service_delete("rust-svc").expect("service.delete");
    ok("service");

    let actions: Vec<ActionSpec> = serde_json::from_value(json!([
        {"name": "a", "script": "echo one; echo two"},
        {"name": "b", "script": "echo three", "depends_on": ["a"]},
    ]))
    .expect("ActionSpecs");
    let run = c.run_start("rust-run", actions, None).expect("run.start");
    let run = c.run_wait(run.id, Some(20_000)).expect("run.wait");
    assert_eq!(run.phase, RunPhase::Success, "{run:?}");
    assert_eq!(run.jobs.len(), 2);
    let page = c
        .job_logs(run.jobs[1].id.clone(), None, None)
        .expect("job.logs");
    assert_eq!(contents(&page), ["three"]);
    ok("run");
}
