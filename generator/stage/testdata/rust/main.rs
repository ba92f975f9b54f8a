//! The alpha and beta (v2) services of this package's testdata on their
//! generated Rust servers, for TestStageLiveRustServices: the same
//! behaviour as testdata/impl/alpha.go and testdata/impl/beta.go.
//!
//! `stage_rust alpha|beta <socket>` serves that service on the Unix socket
//! and on a free TCP port of 127.0.0.1, prints "LISTENING unix:<socket>
//! http://<addr>/rpc" once both listen (golangtest.Start's protocol), and
//! exits, removing the socket, when its stdin closes.
#![deny(warnings)]

mod alpha {
    pub mod rust_server {
        #[allow(unused_imports)] // a service without methods uses no type
        use super::rust_types::*;
        include!("alpha/rust/rust_server.rs");
    }
    #[path = "rust/rust_types.rs"]
    pub mod rust_types;
}

mod beta {
    pub mod rust_server {
        #[allow(unused_imports)] // a service without methods uses no type
        use super::rust_types::*;
        include!("beta/rust/rust_server.rs");
    }
    #[path = "rust/rust_types.rs"]
    pub mod rust_types;
}

use std::io::Write;
use std::sync::Arc;

struct Alpha;

impl alpha::rust_server::AlphaServiceHandler for Alpha {
    fn greet(
        &self,
        input: alpha::rust_types::GreetInput,
    ) -> Result<String, alpha::rust_server::RpcError> {
        Ok(format!("hello {}", input.name))
    }
}

struct Beta;

impl beta::rust_server::BetaServiceHandler for Beta {
    fn get_point(
        &self,
        input: beta::rust_types::GetPointInput,
    ) -> Result<beta::rust_types::Point, beta::rust_server::RpcError> {
        Ok(beta::rust_types::Point {
            x: 1.5,
            label: input.label,
        })
    }

    fn scale(
        &self,
        input: beta::rust_types::ScaleInput,
    ) -> Result<beta::rust_types::Point, beta::rust_server::RpcError> {
        Ok(beta::rust_types::Point {
            x: input.p.x * input.factor,
            label: input.p.label,
        })
    }
}

/// Serves one handler with the server module it was generated with.
macro_rules! serve {
    ($module:ident, $handler:expr, $socket:expr) => {{
        let handler = Arc::new($handler);
        let unix = $module::rust_server::bind_unix($socket).expect("bind the socket");
        let tcp = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a TCP port");
        let addr = tcp.local_addr().unwrap();
        let tcp_handler = handler.clone();
        std::thread::spawn(move || {
            $module::rust_server::serve_tcp(tcp_handler, tcp).expect("serve TCP")
        });
        std::thread::spawn(move || {
            $module::rust_server::serve_unix(handler, unix).expect("serve the socket")
        });
        addr
    }};
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let socket = match args.get(2) {
        Some(socket) if args.len() == 3 => socket.clone(),
        _ => usage(),
    };
    let addr = match args[1].as_str() {
        "alpha" => serve!(alpha, Alpha, &socket),
        "beta" => serve!(beta, Beta, &socket),
        _ => usage(),
    };
    println!("LISTENING unix:{} http://{}/rpc", socket, addr);
    std::io::stdout().flush().unwrap();
    // The parent test went away: stop, and leave no socket behind.
    let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
    let _ = std::fs::remove_file(&socket);
}

fn usage() -> ! {
    eprintln!("usage: stage_rust alpha|beta <socket>");
    std::process::exit(2)
}
