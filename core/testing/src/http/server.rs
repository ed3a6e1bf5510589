//! The accept loop and one thread per connection, all ended and joined when the server stops.
use std::{
    collections::HashMap,
    io::{self, Write},
    net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream},
    sync::{Arc, Mutex, MutexGuard},
    thread::{self, JoinHandle},
    time::{Duration, Instant},
};

use super::{
    Delay, Fault, Gate, Route, Stats,
    wire::{self, RangeRequest},
    witness::{RequestRecord, StopSignal},
};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A route and how many requests it has answered (which picks its fault).
#[derive(Debug)]
struct RouteEntry {
    route: Route,
    served: usize,
}

/// What every thread of one server shares.
#[derive(Debug)]
pub(crate) struct Shared {
    routes: Mutex<HashMap<String, RouteEntry>>,
    gate: Option<Arc<Gate>>,
    delay: Option<Delay>,
    pub(crate) stats: Arc<Stats>,
    stop: StopSignal,
    /// A clone of every open connection, so a stop can shut them down (which ends blocked reads
    /// and writes).
    streams: Mutex<HashMap<u64, TcpStream>>,
}

impl Shared {
    pub(crate) fn new(
        routes: Vec<(String, Route)>,
        gate: Option<Arc<Gate>>,
        delay: Option<Delay>,
    ) -> Self {
        let routes = routes
            .into_iter()
            .map(|(path, route)| (path, RouteEntry { route, served: 0 }))
            .collect();
        Self {
            routes: Mutex::new(routes),
            gate,
            delay,
            stats: Arc::new(Stats::new()),
            stop: StopSignal::default(),
            streams: Mutex::default(),
        }
    }

    /// Replaces the route of `path` (its request count starts again from 0).
    pub(crate) fn set_route(&self, path: String, route: Route) {
        lock(&self.routes).insert(path, RouteEntry { route, served: 0 });
    }

    pub(crate) fn etag(&self, path: &str) -> Option<String> {
        lock(&self.routes)
            .get(path)
            .and_then(|e| e.route.etag.clone())
    }
}

/// The listening socket's thread; [`ServerThread::stop`] (or drop) ends and joins everything.
#[derive(Debug)]
pub(crate) struct ServerThread {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<Vec<JoinHandle<()>>>>,
}

impl ServerThread {
    pub(crate) fn start(shared: Shared) -> io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(shared);
        let acceptor = {
            let shared = shared.clone();
            thread::Builder::new()
                .name("test-http-server".into())
                .spawn(move || accept_loop(&listener, &shared))?
        };
        Ok(Self {
            addr,
            shared,
            acceptor: Some(acceptor),
        })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    pub(crate) fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let Some(acceptor) = self.acceptor.take() else {
            return;
        };
        self.shared.stop.stop();
        // The acceptor is blocked in accept(): a connection of our own wakes it to see the stop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        let connections = acceptor.join();
        for stream in lock(&self.shared.streams).values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
        let mut panicked = connections.is_err();
        for connection in connections.unwrap_or_default() {
            panicked |= connection.join().is_err();
        }
        // A panic in a server thread is a bug of the server: reported by the test that owns it.
        if panicked && !thread::panicking() {
            panic!("a thread of the test HTTP server panicked");
        }
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Accepts connections until the stop; returns the connection threads still to join.
fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) -> Vec<JoinHandle<()>> {
    let mut connections: Vec<JoinHandle<()>> = Vec::new();
    let mut next_id = 0u64;
    loop {
        let accepted = listener.accept();
        if shared.stop.is_stopped() {
            return connections;
        }
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors or a connection reset before accept: try again shortly.
            thread::sleep(Duration::from_millis(5));
            continue;
        };
        let id = next_id;
        next_id += 1;
        // Registered before the thread starts, so a stop that comes next shuts it down too.
        if let Ok(clone) = stream.try_clone() {
            lock(&shared.streams).insert(id, clone);
        }
        let spawned = {
            let shared = shared.clone();
            thread::Builder::new()
                .name("test-http-conn".into())
                .spawn(move || {
                    handle_connection(&shared, id, stream);
                    lock(&shared.streams).remove(&id);
                })
        };
        match spawned {
            Ok(handle) => connections.push(handle),
            Err(_) => drop(lock(&shared.streams).remove(&id)),
        }
        // Join the finished ones, so a long test does not pile up handles.
        let (done, running) = connections.into_iter().partition(JoinHandle::is_finished);
        connections = running;
        for handle in done {
            let _ = handle.join();
        }
    }
}

/// Ends a request's time in flight (in the stats and at its gate) exactly once: just before the
/// last byte of its response goes out, so a client that has the whole response never finds its
/// request still counted in flight; or, if the response breaks off, when it does.
struct InFlight<'a> {
    shared: &'a Shared,
    path: &'a str,
    /// The gate the request entered, if any.
    gate: Option<Arc<Gate>>,
    done: bool,
}

impl<'a> InFlight<'a> {
    fn new(shared: &'a Shared, path: &'a str) -> Self {
        Self {
            shared,
            path,
            gate: None,
            done: false,
        }
    }
    fn finish(&mut self, completed: bool) {
        if !std::mem::replace(&mut self.done, true) {
            if let Some(gate) = self.gate.take() {
                gate.leave();
            }
            self.shared.stats.leave(self.path, completed);
        }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.finish(false);
    }
}

fn handle_connection(shared: &Shared, id: u64, mut stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let head = match wire::read_head(&mut stream) {
        Ok(Some(head)) => head,
        Ok(None) => return,
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            let body = format!("400 Bad Request: {e}\n");
            let _ = wire::write_head(&mut stream, 400, &text_headers(&body))
                .and_then(|()| stream.write_all(body.as_bytes()));
            let _ = stream.shutdown(Shutdown::Write);
            return;
        }
        Err(_) => return,
    };
    shared.stats.arrive(RequestRecord {
        seq: 0,
        connection: id,
        method: head.method.clone(),
        path: head.path.clone(),
        query: head.query.clone(),
        headers: head.headers.clone(),
        at: Duration::ZERO,
    });
    let mut in_flight = InFlight::new(shared, &head.path);
    let _ = respond(shared, &mut stream, &head, &mut in_flight);
    drop(in_flight);
    // FIN after the last byte: the client reads the whole response, then the end of the stream.
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
}

fn text_headers(body: &str) -> Vec<(&'static str, String)> {
    vec![
        ("Content-Type", "text/plain; charset=utf-8".to_owned()),
        ("Content-Length", body.len().to_string()),
    ]
}

/// Answers one request, calling `in_flight.finish(true)` before its last byte if it goes out whole.
fn respond(
    shared: &Shared,
    stream: &mut TcpStream,
    head: &wire::RequestHead,
    in_flight: &mut InFlight<'_>,
) -> io::Result<()> {
    let (route, n) = match lock(&shared.routes).get_mut(&head.path) {
        Some(entry) => {
            entry.served += 1;
            (entry.route.clone(), entry.served - 1)
        }
        None => (Route::status(404), 0),
    };
    let head_only = head.method == "HEAD";
    if head.method != "GET" && !head_only {
        let extra = [("Allow", "GET, HEAD".to_owned())];
        return simple(shared, stream, 405, &extra, false, in_flight);
    }

    // The route's gate, else the server's; `in_flight` leaves it.
    if let Some(gate) = route.gate.clone().or_else(|| shared.gate.clone()) {
        let open = gate.enter(&shared.stop);
        in_flight.gate = Some(gate);
        if !open {
            return Ok(());
        }
    }
    if let Some(delay) = shared.delay
        && !shared.stop.sleep(delay.for_path(&head.path))
    {
        return Ok(());
    }

    let fault = route.fault_for(n);
    match fault {
        Some(Fault::Status(code)) => {
            return simple(shared, stream, code, &[], head_only, in_flight);
        }
        Some(Fault::RetryAfter(secs)) => {
            let extra = [("Retry-After", secs.to_string())];
            return simple(shared, stream, 429, &extra, head_only, in_flight);
        }
        Some(Fault::DelayHeaders(delay)) if !shared.stop.sleep(delay) => return Ok(()),
        _ => {}
    }

    let len = route.body.len();
    let mut status = route.status;
    let (mut start, mut end) = (0, len);
    let mut headers: Vec<(&str, String)> = vec![("Content-Type", route.content_type.clone())];
    if route.status == 200 {
        headers.push(("Accept-Ranges", "bytes".to_owned()));
        // If-Range: the range holds only while the ETag is the one the client saw.
        let validated = head
            .header("if-range")
            .is_none_or(|tag| route.etag.as_deref() == Some(tag));
        if let Some(range) = head.header("range").filter(|_| validated) {
            match wire::parse_range(range, len) {
                RangeRequest::Whole => {}
                RangeRequest::Part(from, to) => {
                    (status, start, end) = (206, from, to);
                    headers.push(("Content-Range", format!("bytes {from}-{}/{len}", to - 1)));
                }
                RangeRequest::Unsatisfiable => {
                    let extra = [("Content-Range", format!("bytes */{len}"))];
                    return simple(shared, stream, 416, &extra, head_only, in_flight);
                }
            }
        }
    }
    if let Some(etag) = &route.etag {
        headers.push(("ETag", etag.clone()));
    }
    headers.push(("Content-Length", (end - start).to_string()));
    for (name, value) in &route.headers {
        headers.push((name.as_str(), value.clone()));
    }
    if head_only || start == end {
        in_flight.finish(true);
    }
    wire::write_head(stream, status, &headers)?;
    if head_only {
        return Ok(());
    }
    send_body(shared, stream, &route, fault, start, end, in_flight)
}

/// A status with a short text body and `extra` headers, written at once.
fn simple(
    shared: &Shared,
    stream: &mut TcpStream,
    status: u16,
    extra: &[(&str, String)],
    head_only: bool,
    in_flight: &mut InFlight<'_>,
) -> io::Result<()> {
    let body = format!("{status} {}\n", super::route::reason(status));
    let mut headers = text_headers(&body);
    headers.extend(extra.iter().cloned());
    let mut response = Vec::new();
    wire::write_head(&mut response, status, &headers)?;
    if !head_only {
        response.extend_from_slice(body.as_bytes());
        shared.stats.sent(body.len() as u64);
    }
    in_flight.finish(true);
    stream.write_all(&response)
}

/// Sends bytes `start..end` of the route's body, applying a body fault and the route's rate.
fn send_body(
    shared: &Shared,
    stream: &mut TcpStream,
    route: &Route,
    fault: Option<Fault>,
    start: u64,
    end: u64,
    in_flight: &mut InFlight<'_>,
) -> io::Result<()> {
    const CHUNK: u64 = 256 * 1024;
    // Where the body stops early (a dropped connection) and where it pauses.
    let stop_at = match fault {
        Some(Fault::DropAfter(k)) => end.min(start.saturating_add(k)),
        _ => end,
    };
    let mut pause = match fault {
        Some(Fault::DelayBody { after, delay }) => Some((start.saturating_add(after), delay)),
        _ => None,
    };
    // Small chunks at a low rate, so progress is smooth.
    let chunk = route.rate.map_or(CHUNK, |rate| (rate / 20).clamp(1, CHUNK));
    let mut buf = vec![0u8; chunk.min(end - start) as usize];
    let began = Instant::now();
    let mut pos = start;
    while pos < stop_at {
        if let Some((at, delay)) = pause
            && pos >= at
        {
            pause = None;
            if !shared.stop.sleep(delay) {
                return Ok(());
            }
        }
        let boundary = pause.map_or(stop_at, |(at, _)| at.clamp(pos + 1, stop_at));
        let n = (buf.len() as u64).min(boundary - pos) as usize;
        if let Some(rate) = route.rate {
            // A chunk leaves when the rate says its last byte is due.
            let due = Duration::from_secs_f64((pos + n as u64 - start) as f64 / rate as f64);
            if let Some(wait) = due.checked_sub(began.elapsed())
                && !shared.stop.sleep(wait)
            {
                return Ok(());
            }
        }
        route.body.fill(pos, &mut buf[..n]);
        // Counted before the write, so a client that has the whole body finds it counted.
        shared.stats.sent(n as u64);
        if pos + n as u64 == end {
            in_flight.finish(true);
        }
        stream.write_all(&buf[..n])?;
        pos += n as u64;
    }
    if stop_at < end {
        // The fault: close now, short of the announced Content-Length.
        in_flight.finish(false);
        stream.flush()?;
        stream.shutdown(Shutdown::Both)?;
    }
    Ok(())
}
