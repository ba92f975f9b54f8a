//! The kitchen_sink TaskService (../rust/tasks.rs) mounted in an async
//! server: a minimal HTTP/1.1 server on tokio's sockets (Debian's
//! librust-tokio-dev) that answers POST /rpc with the generated
//! `handle_json`, called through `tokio::task::spawn_blocking` as its doc
//! comment in rust_server.rs says.
//!
//! `tokio serve <socket> [inline]` serves on the Unix socket and on a free
//! TCP port of 127.0.0.1, prints "LISTENING unix:<socket>
//! http://<addr>/rpc" once both listen, and exits when its stdin closes,
//! removing the socket. Before each call it writes "dispatch <body>" to
//! stderr. The runtime is current-thread: one thread runs every
//! connection, so a handler that blocked it would stall them all. With
//! `inline`, handle_json runs on that thread: the control of the
//! matrix's test that calls are then served one after the other.
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

use kitchen_sink::rust_server::handle_json;
use std::io::Write;
use std::sync::Arc;
use tasks::Tasks;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite};
use tokio::io::{AsyncWriteExt, BufReader};

/// The most bytes of a request line and headers, and of a body.
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 8 << 20;

/// The request line and the headers this server reads.
struct Head {
    method: String,
    path: String,
    content_length: Option<usize>,
    expect_continue: bool,
    close: bool,
}

enum Incoming {
    Request(Head),
    /// The peer closed the connection between requests.
    Closed,
    /// A request this server refuses, with the status to answer.
    Refused(&'static str),
}

/// Reads a request line and its headers, up to the empty line.
async fn read_head<R: AsyncBufRead + Unpin>(r: &mut R) -> std::io::Result<Incoming> {
    let mut lines: Vec<String> = Vec::new();
    let mut size = 0;
    loop {
        let mut line = Vec::new();
        let n = (&mut *r)
            .take((MAX_HEAD - size) as u64)
            .read_until(b'\n', &mut line)
            .await?;
        if n == 0 && size == 0 {
            return Ok(Incoming::Closed);
        }
        size += n;
        if !line.ends_with(b"\n") {
            return Ok(Incoming::Refused(if size >= MAX_HEAD {
                "431 Request Header Fields Too Large"
            } else {
                "400 Bad Request"
            }));
        }
        let line = match String::from_utf8(line) {
            Ok(line) => line,
            Err(_) => return Ok(Incoming::Refused("400 Bad Request")),
        };
        let line = line.trim_end_matches('\n').trim_end_matches('\r');
        if line.is_empty() {
            if lines.is_empty() {
                continue; // an empty line before the request line is ignored
            }
            break;
        }
        lines.push(line.to_string());
    }
    let mut parts = lines[0].split(' ');
    let (method, path, version) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(path), Some(version), None) if version.starts_with("HTTP/1.") => {
            (method, path, version)
        }
        _ => return Ok(Incoming::Refused("400 Bad Request")),
    };
    let mut head = Head {
        method: method.to_string(),
        path: path.to_string(),
        content_length: None,
        expect_continue: false,
        // HTTP/1.0 closes unless it asks for keep-alive, which this
        // server does not offer.
        close: version == "HTTP/1.0",
    };
    for line in &lines[1..] {
        let (name, value) = match line.split_once(':') {
            Some((name, value)) if !name.is_empty() && !name.contains(&[' ', '\t'][..]) => {
                (name, value.trim_matches(&[' ', '\t'][..]))
            }
            _ => return Ok(Incoming::Refused("400 Bad Request")),
        };
        if name.eq_ignore_ascii_case("content-length") {
            let length = match value.parse::<usize>() {
                Ok(length) if value.bytes().all(|b| b.is_ascii_digit()) => length,
                _ => return Ok(Incoming::Refused("400 Bad Request")),
            };
            if head.content_length.map_or(false, |seen| seen != length) {
                return Ok(Incoming::Refused("400 Bad Request"));
            }
            head.content_length = Some(length);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Ok(Incoming::Refused("501 Not Implemented"));
        } else if name.eq_ignore_ascii_case("connection") {
            head.close |= value
                .split(',')
                .any(|option| option.trim().eq_ignore_ascii_case("close"));
        } else if name.eq_ignore_ascii_case("expect") {
            if !value.eq_ignore_ascii_case("100-continue") {
                return Ok(Incoming::Refused("417 Expectation Failed"));
            }
            head.expect_continue = true;
        }
    }
    Ok(Incoming::Request(head))
}

/// Writes a response; a body has Content-Length, 204 has none.
async fn respond<W: AsyncWrite + Unpin>(
    w: &mut W,
    status: &str,
    extra: &str,
    body: &[u8],
    close: bool,
) -> std::io::Result<()> {
    let mut out = format!("HTTP/1.1 {}\r\n{}", status, extra);
    if !status.starts_with("204") {
        out.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    if close {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    w.write_all(&out).await?;
    w.flush().await
}

/// Serves the requests of one connection, one after the other.
async fn connection<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    handler: Arc<Tasks>,
    inline: bool,
) {
    // BufReader passes writes through to the stream.
    let mut stream = BufReader::new(stream);
    loop {
        let head = match read_head(&mut stream).await {
            Ok(Incoming::Request(head)) => head,
            Ok(Incoming::Closed) | Err(_) => return,
            Ok(Incoming::Refused(status)) => {
                let _ = respond(&mut stream, status, "", b"", true).await;
                return;
            }
        };
        // A refused request's body is left unread: the connection closes.
        let refused = if head.path != "/rpc" {
            Some(("404 Not Found", ""))
        } else if head.method != "POST" {
            Some(("405 Method Not Allowed", "Allow: POST\r\n"))
        } else if head.content_length.is_none() {
            Some(("411 Length Required", ""))
        } else if head.content_length > Some(MAX_BODY) {
            Some(("413 Content Too Large", ""))
        } else {
            None
        };
        if let Some((status, extra)) = refused {
            let _ = respond(&mut stream, status, extra, b"", true).await;
            return;
        }
        if head.expect_continue
            && stream
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .await
                .is_err()
        {
            return;
        }
        let mut body = vec![0; head.content_length.unwrap_or(0)];
        if stream.read_exact(&mut body).await.is_err() {
            return;
        }
        eprintln!("dispatch {}", String::from_utf8_lossy(&body));
        let reply = if inline {
            handle_json(&*handler, &body)
        } else {
            let handler = handler.clone();
            match tokio::task::spawn_blocking(move || handle_json(&*handler, &body)).await {
                Ok(reply) => reply,
                Err(_) => {
                    // handle_json answers a handler's panic with -32603;
                    // this is a panic of its own.
                    let _ = respond(&mut stream, "500 Internal Server Error", "", b"", true).await;
                    return;
                }
            }
        };
        let written = match reply {
            Some(text) => {
                let extra = "Content-Type: application/json\r\n";
                respond(&mut stream, "200 OK", extra, text.as_bytes(), head.close).await
            }
            // Notifications only: nothing to answer.
            None => respond(&mut stream, "204 No Content", "", b"", head.close).await,
        };
        if written.is_err() || head.close {
            return;
        }
    }
}

async fn serve(socket: String, inline: bool) {
    let handler = Arc::new(Tasks::default());
    let unix = tokio::net::UnixListener::bind(&socket).expect("bind the socket");
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a TCP port");
    let addr = tcp.local_addr().expect("the TCP port's address");
    // The parent test went away: exit, and leave no socket behind.
    let path = socket.clone();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        let _ = std::fs::remove_file(&path);
        std::process::exit(0);
    });
    println!("LISTENING unix:{} http://{}/rpc", socket, addr);
    std::io::stdout().flush().expect("write to stdout");
    let unix_handler = handler.clone();
    tokio::spawn(async move {
        loop {
            match unix.accept().await {
                Ok((stream, _)) => {
                    tokio::spawn(connection(stream, unix_handler.clone(), inline));
                }
                Err(err) => accept_failed(err).await,
            }
        }
    });
    loop {
        match tcp.accept().await {
            Ok((stream, _)) => {
                let _ = stream.set_nodelay(true);
                tokio::spawn(connection(stream, handler.clone(), inline));
            }
            Err(err) => accept_failed(err).await,
        }
    }
}

/// Waits a little after a failed accept (out of file descriptors, say)
/// rather than spinning.
async fn accept_failed(err: std::io::Error) {
    eprintln!("accept: {}", err);
    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let inline = match args.get(3).map(String::as_str) {
        None => false,
        Some("inline") => true,
        Some(_) => usage(),
    };
    if args.len() > 4 || args.get(1).map(String::as_str) != Some("serve") || args.len() < 3 {
        usage();
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .expect("start the tokio runtime");
    runtime.block_on(serve(args[2].clone(), inline));
}

fn usage() -> ! {
    eprintln!("usage: tokio serve <socket> [inline]");
    std::process::exit(2)
}
