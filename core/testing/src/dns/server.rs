//! The server on its own thread and current-thread tokio runtime, so synchronous tests can use it.
use std::{
    io,
    net::{Ipv4Addr, SocketAddr},
    sync::mpsc,
    thread::{self, JoinHandle},
    time::Duration,
};

use hickory_server::{Server, server::RequestHandler};
use tokio::{
    net::{TcpListener, UdpSocket},
    sync::oneshot,
};

/// Serves a handler on 127.0.0.1, UDP and TCP on the same port, until dropped or `stop`ped.
#[derive(Debug)]
pub(crate) struct ServerThread {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// Binds UDP on an ephemeral port, then TCP on the same port (retrying if that one is taken).
async fn bind_pair() -> io::Result<(UdpSocket, TcpListener)> {
    let mut last_err = None;
    for _ in 0..10 {
        let udp = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        match TcpListener::bind(udp.local_addr()?).await {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(e) => last_err = Some(e),
        }
    }
    Err(last_err.unwrap_or_else(|| io::Error::other("no free port pair")))
}

impl ServerThread {
    pub(crate) fn start<H: RequestHandler>(handler: H) -> io::Result<Self> {
        let (ready_tx, ready_rx) = mpsc::channel::<io::Result<SocketAddr>>();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = thread::Builder::new()
            .name("test-dns-server".into())
            .spawn(move || {
                // One thread is plenty for a test server: every handler is async (the gate, the delay
                // and the silent handler all wait without blocking the thread).
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => return drop(ready_tx.send(Err(e))),
                };
                rt.block_on(async move {
                    let (udp, tcp) = match bind_pair().await {
                        Ok(pair) => pair,
                        Err(e) => return drop(ready_tx.send(Err(e))),
                    };
                    let addr = udp.local_addr();
                    let mut server = Server::new(handler);
                    server.register_socket(udp);
                    // TCP: idle connections are closed after 5 s; 32 replies may queue per connection.
                    server.register_listener(tcp, Duration::from_secs(5), 32);
                    if ready_tx.send(addr).is_err() {
                        return;
                    }
                    // Stop when asked, or when the TestDnsServer is dropped (sender dropped).
                    let _ = stop_rx.await;
                    // Cancels the accept loops; their JoinSets abort the handler tasks still waiting
                    // (the silent handler's, a held gate's).
                    let _ = server.shutdown_gracefully().await;
                });
                // Dropping the runtime here ends whatever is left before the thread exits.
            })?;
        let addr = ready_rx
            .recv()
            .map_err(|_| io::Error::other("DNS server thread ended before it was ready"))??;
        Ok(Self {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// The UDP (and TCP) address to point the resolver at.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops the server and waits for its thread to end.
    pub(crate) fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // A panic in the server thread is reported by the test that owns the server.
            if thread.join().is_err() && !thread::panicking() {
                panic!("the test DNS server thread panicked");
            }
        }
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        self.shutdown();
    }
}
