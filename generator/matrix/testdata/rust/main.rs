//! The kitchen_sink TaskService (tasks.rs) on the generated Rust server,
//! with the reference behaviour of generator/emit/clienttest/script.go,
//! for the cross-language matrix (generator/matrix).
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
        include!("kitchen_sink/rust/rust_server.rs");
    }
    #[path = "rust/rust_types.rs"]
    pub mod rust_types;
}

mod tasks;

use kitchen_sink::rust_server::{bind_unix, start_tcp, start_unix, ServerOptions};
use kitchen_sink::rust_types::Task;
use std::io::{Read, Write};
use std::sync::Arc;
use tasks::Tasks;

fn serve(socket: &str, read_timeout_ms: Option<u64>, limits: Option<(usize, usize)>) {
    let handler = Arc::new(Tasks::default());
    let unix = bind_unix(socket).expect("bind the socket");
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a TCP port");
    let addr = tcp.local_addr().unwrap();
    let mut options = ServerOptions::default();
    if let Some(ms) = read_timeout_ms {
        options.read_timeout = std::time::Duration::from_millis(ms);
    }
    if let Some((connections, queued)) = limits {
        options.max_connections = connections;
        options.max_queued = queued;
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
        (Some("serve"), Some(socket)) => {
            let arg = |i: usize| args.get(i).and_then(|v| v.parse::<usize>().ok());
            let limits = arg(4).zip(arg(5));
            serve(socket, args.get(3).and_then(|ms| ms.parse().ok()), limits)
        }
        (Some("roundtrip"), None) => roundtrip(),
        _ => {
            eprintln!("usage: matrix serve <socket> [<read timeout ms> [<max connections> <max queued>]] | matrix roundtrip");
            std::process::exit(2)
        }
    }
}
