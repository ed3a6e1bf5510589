//! The Gantt chart of a [`Snapshot`], as a small hand-written SVG document.
//!
//! Layout, top to bottom: the title and the totals; one row per worker (a bar per task, from its
//! start to its end, coloured by outcome); a row for the tasks that never started (their wait in
//! the queue); the queue length over time; the time axis; the legend. Elements carry classes
//! (`row`, `bar`, the outcome) and `data-` attributes so tests and scripts can read the chart.

use std::fmt::Write;
use std::time::Duration;

use super::{Outcome, Snapshot, Task};

const WIDTH: f64 = 960.0;
const LEFT: f64 = 190.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 60.0;
const ROW: f64 = 20.0;
const BAR: f64 = 14.0;
const QUEUE: f64 = 70.0;
const GAP: f64 = 18.0;
const AXIS: f64 = 40.0;
const LEGEND: f64 = 30.0;

/// The colour of a bar (Tango palette: distinct, readable for most colour-blind readers).
pub(super) fn colour(outcome: Option<Outcome>) -> &'static str {
    match outcome {
        Some(Outcome::Ok) => "#4e9a06",
        Some(Outcome::Panicked) => "#f57900",
        Some(Outcome::Cancelled) => "#babdb6",
        Some(Outcome::TimedOut) => "#75507b",
        Some(Outcome::Broken) => "#cc0000",
        Some(Outcome::Failed) => "#8f5902",
        None => "#729fcf",
    }
}

/// The CSS class of a bar's outcome (`timed-out` for [`Outcome::TimedOut`]).
pub(super) fn class(outcome: Option<Outcome>) -> &'static str {
    match outcome {
        Some(Outcome::TimedOut) => "timed-out",
        Some(outcome) => outcome.name(),
        None => "running",
    }
}

pub(super) fn render(snapshot: &Snapshot) -> String {
    let span = snapshot.span();
    let plot = WIDTH - LEFT - RIGHT;
    let x = |at: Duration| LEFT + at.as_secs_f64() / span.as_secs_f64() * plot;
    let unstarted: Vec<&Task> = snapshot
        .tasks
        .iter()
        .filter(|task| task.worker.is_none())
        .collect();
    let rows = snapshot.workers.len() + usize::from(!unstarted.is_empty());
    let queue_top = TOP + rows as f64 * ROW + GAP;
    let axis_top = queue_top + QUEUE;
    let height = axis_top + AXIS + LEGEND;

    let mut svg = String::with_capacity(4096 + snapshot.tasks.len() * 200);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">"##
    );
    svg.push('\n');
    let _ = writeln!(
        svg,
        r##"<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>"##
    );
    let title = if snapshot.title.is_empty() {
        "Task timeline"
    } else {
        &snapshot.title
    };
    let _ = writeln!(
        svg,
        r##"<text class="title" x="10" y="22" font-size="16" font-weight="bold">{}</text>"##,
        escape(title)
    );
    let _ = writeln!(
        svg,
        r##"<text class="totals" x="10" y="44">{}</text>"##,
        escape(&totals(snapshot, span))
    );

    for (index, worker) in snapshot.workers.iter().enumerate() {
        let top = TOP + index as f64 * ROW;
        let _ = writeln!(svg, r##"<g class="row" data-worker="{}">"##, worker.index);
        lane(&mut svg, index, top, &worker.name);
        for task in snapshot
            .tasks
            .iter()
            .filter(|task| task.worker == Some(worker.index))
        {
            let start = task.started.unwrap_or(task.submitted);
            let end = task.finished.unwrap_or(snapshot.taken).max(start);
            bar(&mut svg, task, x(start), x(end), top);
        }
        svg.push_str("</g>\n");
    }
    if !unstarted.is_empty() {
        let index = snapshot.workers.len();
        let top = TOP + index as f64 * ROW;
        svg.push_str("<g class=\"row unstarted\">\n");
        lane(
            &mut svg,
            index,
            top,
            &format!("never started: {}", unstarted.len()),
        );
        for task in &unstarted {
            let end = task.finished.unwrap_or(snapshot.taken).max(task.submitted);
            bar(&mut svg, task, x(task.submitted), x(end), top);
        }
        svg.push_str("</g>\n");
    }

    queue(&mut svg, snapshot, &x, queue_top, span);
    axis(&mut svg, &x, axis_top, span);
    legend(&mut svg, height - 12.0);
    svg.push_str("</svg>\n");
    svg
}

fn totals(snapshot: &Snapshot, span: Duration) -> String {
    let mut line = format!(
        "{} tasks on {} workers in {}",
        snapshot.tasks.len(),
        snapshot.workers.len(),
        duration(span)
    );
    for outcome in Outcome::ALL {
        let count = snapshot.count(outcome);
        if count > 0 {
            let _ = write!(line, " · {outcome} {count}");
        }
    }
    let unfinished = snapshot
        .tasks
        .iter()
        .filter(|task| task.outcome.is_none())
        .count();
    if unfinished > 0 {
        let _ = write!(line, " · unfinished {unfinished}");
    }
    if snapshot.dropped > 0 {
        let _ = write!(line, " · {} more not recorded (cap)", snapshot.dropped);
    }
    line
}

fn lane(svg: &mut String, index: usize, top: f64, name: &str) {
    let fill = if index.is_multiple_of(2) {
        "#f3f3f3"
    } else {
        "#ffffff"
    };
    let _ = writeln!(
        svg,
        r##"<rect class="lane" x="{LEFT}" y="{top}" width="{}" height="{ROW}" fill="{fill}"/>"##,
        WIDTH - LEFT - RIGHT
    );
    let name: String = if name.chars().count() > 28 {
        name.chars().take(27).chain(['…']).collect()
    } else {
        name.to_owned()
    };
    let _ = writeln!(
        svg,
        r##"<text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
        LEFT - 6.0,
        top + ROW - 6.0,
        escape(&name)
    );
}

fn bar(svg: &mut String, task: &Task, from: f64, to: f64, top: f64) {
    let width = (to - from).max(1.0);
    let mut tip = format!("{}: {}", task.label, class(task.outcome));
    if let Some(queued) = task.queued_for() {
        let _ = write!(tip, ", queued {}", duration(queued));
    }
    if let Some(ran) = task.ran_for() {
        let _ = write!(tip, ", ran {}", duration(ran));
    }
    let _ = writeln!(
        svg,
        r##"<rect class="bar {}" data-task="{}" x="{from:.2}" y="{:.1}" width="{width:.2}" height="{BAR}" fill="{}" stroke="#ffffff" stroke-width="0.5"><title>{}</title></rect>"##,
        class(task.outcome),
        task.id,
        top + (ROW - BAR) / 2.0,
        colour(task.outcome),
        escape(&tip)
    );
}

fn queue(
    svg: &mut String,
    snapshot: &Snapshot,
    x: &dyn Fn(Duration) -> f64,
    top: f64,
    span: Duration,
) {
    let points = snapshot.queue_length();
    let most = points.iter().map(|&(_, length)| length).max().unwrap_or(0);
    let scale = QUEUE - 14.0;
    let y = |length: usize| top + QUEUE - length as f64 / most.max(1) as f64 * scale;
    let mut path = format!("M{:.2},{:.1}", x(Duration::ZERO), y(0));
    for &(at, length) in &points {
        let _ = write!(path, " H{:.2} V{:.1}", x(at), y(length));
    }
    let _ = write!(path, " H{:.2} V{:.1} Z", x(span), y(0));
    let _ = writeln!(
        svg,
        r##"<g class="queue" data-max="{most}"><rect x="{LEFT}" y="{top}" width="{}" height="{QUEUE}" fill="#fafafa" stroke="#dddddd"/>"##,
        WIDTH - LEFT - RIGHT
    );
    let _ = writeln!(
        svg,
        r##"<path d="{path}" fill="#729fcf" fill-opacity="0.5" stroke="#3465a4"/>"##
    );
    let _ = writeln!(
        svg,
        r##"<text x="{}" y="{:.1}" text-anchor="end">queued tasks</text>"##,
        LEFT - 6.0,
        top + QUEUE / 2.0
    );
    let _ = writeln!(
        svg,
        r##"<text x="{}" y="{:.1}" text-anchor="end" fill="#555555">max {most}</text></g>"##,
        LEFT - 6.0,
        top + QUEUE / 2.0 + 15.0
    );
}

fn axis(svg: &mut String, x: &dyn Fn(Duration) -> f64, top: f64, span: Duration) {
    let step = tick_step(span);
    let _ = writeln!(
        svg,
        r##"<g class="axis"><line x1="{LEFT}" y1="{top}" x2="{}" y2="{top}" stroke="#555555"/>"##,
        WIDTH - RIGHT
    );
    let mut at = Duration::ZERO;
    while at <= span {
        let position = x(at);
        let _ = writeln!(
            svg,
            r##"<line x1="{position:.2}" y1="{top}" x2="{position:.2}" y2="{}" stroke="#555555"/><text x="{position:.2}" y="{}" text-anchor="middle">{}</text>"##,
            top + 5.0,
            top + 18.0,
            if at.is_zero() {
                "0".to_owned()
            } else {
                duration(at)
            }
        );
        at += step;
    }
    let _ = writeln!(
        svg,
        r##"<text x="{}" y="{}" text-anchor="end">time since the timeline started</text></g>"##,
        WIDTH - RIGHT,
        top + 34.0
    );
}

fn legend(svg: &mut String, baseline: f64) {
    svg.push_str("<g class=\"legend\">");
    let mut left = 10.0;
    for outcome in Outcome::ALL.map(Some).into_iter().chain([None]) {
        let name = match outcome {
            Some(outcome) => outcome.name(),
            None => "running",
        };
        let _ = write!(
            svg,
            r##"<rect x="{left}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{baseline}">{name}</text>"##,
            baseline - 10.0,
            colour(outcome),
            left + 16.0
        );
        left += 30.0 + name.len() as f64 * 7.0;
    }
    svg.push_str("</g>\n");
}

/// A round step (1, 2 or 5 times a power of ten) giving at most about 10 ticks over `span`.
fn tick_step(span: Duration) -> Duration {
    let rough = span.as_secs_f64() / 10.0;
    let mut magnitude = 1e-6;
    loop {
        for factor in [1.0, 2.0, 5.0] {
            if magnitude * factor >= rough {
                return Duration::from_secs_f64(magnitude * factor);
            }
        }
        magnitude *= 10.0;
    }
}

/// `850 µs`, `12.5 ms`, `1.25 s`.
pub(super) fn duration(duration: Duration) -> String {
    let micros = duration.as_secs_f64() * 1e6;
    if micros < 1_000.0 {
        format!("{micros:.0} µs")
    } else if micros < 1_000_000.0 {
        trim(format!("{:.1}", micros / 1e3)) + " ms"
    } else {
        trim(format!("{:.2}", micros / 1e6)) + " s"
    }
}

fn trim(number: String) -> String {
    if number.contains('.') {
        number
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_owned()
    } else {
        number
    }
}

/// Escapes text for XML content and attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if c.is_control() && c != '\n' && c != '\t' => escaped.push('\u{fffd}'),
            c => escaped.push(c),
        }
    }
    escaped
}
