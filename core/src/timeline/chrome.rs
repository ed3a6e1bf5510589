//! The Chrome trace event format (JSON) of a [`Snapshot`], for Perfetto and `chrome://tracing`.
//!
//! Each worker is a thread (`tid` = its row + 1, named by a metadata event); each task that
//! started is a complete event (`"ph": "X"`) with its outcome and queue wait in `args`; a task
//! that never started is an instant event on thread 0 ("never started"); the queue length is a
//! counter (`"ph": "C"`). Times are microseconds. Written by hand: the format is a flat list.

use std::fmt::Write;
use std::time::Duration;

use super::Snapshot;

pub(super) fn render(snapshot: &Snapshot) -> String {
    let mut events: Vec<String> = Vec::with_capacity(snapshot.tasks.len() * 2 + 8);
    let name = if snapshot.title.is_empty() {
        "concurrent timeline"
    } else {
        &snapshot.title
    };
    events.push(format!(
        r#"{{"ph":"M","name":"process_name","pid":1,"tid":0,"args":{{"name":{}}}}}"#,
        string(name)
    ));
    events.push(
        r#"{"ph":"M","name":"thread_name","pid":1,"tid":0,"args":{"name":"never started"}}"#
            .to_owned(),
    );
    for worker in &snapshot.workers {
        events.push(format!(
            r#"{{"ph":"M","name":"thread_name","pid":1,"tid":{},"args":{{"name":{}}}}}"#,
            worker.index + 1,
            string(&worker.name)
        ));
    }
    for task in &snapshot.tasks {
        let outcome = task.outcome.map_or("running", |outcome| outcome.name());
        let queued = task.queued_for().map_or(0.0, micros);
        let args = format!(
            r#"{{"id":{},"outcome":"{outcome}","queued_us":{queued:.1}}}"#,
            task.id
        );
        match (task.worker, task.started) {
            (Some(worker), Some(started)) => {
                let end = task.finished.unwrap_or(snapshot.taken).max(started);
                events.push(format!(
                    r#"{{"ph":"X","name":{},"cat":"{outcome}","pid":1,"tid":{},"ts":{:.1},"dur":{:.1},"args":{args}}}"#,
                    string(&task.label),
                    worker + 1,
                    micros(started),
                    micros(end - started)
                ));
            }
            _ => events.push(format!(
                r#"{{"ph":"i","s":"t","name":{},"cat":"{outcome}","pid":1,"tid":0,"ts":{:.1},"args":{args}}}"#,
                string(&task.label),
                micros(task.finished.unwrap_or(task.submitted))
            )),
        }
    }
    for (at, length) in snapshot.queue_length() {
        events.push(format!(
            r#"{{"ph":"C","name":"queue","pid":1,"tid":0,"ts":{:.1},"args":{{"queued":{length}}}}}"#,
            micros(at)
        ));
    }
    let mut json = String::from("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
    json.push_str(&events.join(",\n"));
    json.push_str("\n]}\n");
    json
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

/// A JSON string literal.
fn string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for character in text.chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(quoted, "\\u{:04x}", u32::from(c));
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}
