//! Step 1: the priority queue (most urgent first, FIFO within a priority, cancellation) and the
//! URL list (blank lines, comments, bad lines reported one by one).

use ex5::{DownloadQueue, Priority, parse_url_list};

use crate::support::counted;

/// Pops everything left in `queue`.
fn drain(queue: &mut DownloadQueue<&'static str>) -> Vec<(Priority, &'static str)> {
    std::iter::from_fn(|| queue.pop()).collect()
}

#[course_testing::test]
fn the_most_urgent_comes_out_first() {
    let mut queue = DownloadQueue::new();
    queue.push(Priority::Low, "low");
    queue.push(Priority::High, "high");
    queue.push(Priority::Medium, "medium");
    let popped = drain(&mut queue);
    assert_eq!(
        popped,
        [
            (Priority::High, "high"),
            (Priority::Medium, "medium"),
            (Priority::Low, "low")
        ],
        "pushed low, high, medium: expected them out as high, medium, low, got {popped:?}"
    );
    assert_eq!(queue.pop(), None, "an empty queue pops None");
}

#[course_testing::test]
fn first_in_first_out_within_a_priority() {
    let mut queue = DownloadQueue::new();
    for (priority, item) in [
        (Priority::Medium, "m1"),
        (Priority::High, "h1"),
        (Priority::Medium, "m2"),
        (Priority::High, "h2"),
        (Priority::Low, "l1"),
        (Priority::High, "h3"),
        (Priority::Medium, "m3"),
    ] {
        queue.push(priority, item);
    }
    let items: Vec<&str> = drain(&mut queue)
        .into_iter()
        .map(|(_, item)| item)
        .collect();
    assert_eq!(
        items,
        ["h1", "h2", "h3", "m1", "m2", "m3", "l1"],
        "within one priority the oldest comes first (a FIFO per priority, not a stack, not a \
         heap that reorders equal keys); got {items:?}"
    );
}

#[course_testing::test]
fn pushing_after_popping_still_respects_priority() {
    let mut queue = DownloadQueue::new();
    queue.push(Priority::Low, "old low");
    queue.push(Priority::Medium, "medium");
    assert_eq!(queue.pop().map(|(_, item)| item), Some("medium"));
    queue.push(Priority::High, "new high");
    let items: Vec<&str> = drain(&mut queue)
        .into_iter()
        .map(|(_, item)| item)
        .collect();
    assert_eq!(
        items,
        ["new high", "old low"],
        "a high item pushed later still overtakes a low one that waits; got {items:?}"
    );
}

#[course_testing::test]
fn a_waiting_item_can_be_cancelled_once() {
    let mut queue = DownloadQueue::new();
    let _a = queue.push(Priority::High, "a");
    let b = queue.push(Priority::High, "b");
    let c = queue.push(Priority::Low, "c");
    assert_eq!(
        queue.len(),
        3,
        "3 items were pushed, len() says {}",
        queue.len()
    );
    assert_eq!(
        queue.cancel(b),
        Some("b"),
        "cancel(ticket) gives back the item of that ticket"
    );
    assert_eq!(
        queue.cancel(b),
        None,
        "an item already cancelled cannot be cancelled again"
    );
    assert_eq!(
        queue.len(),
        2,
        "after one cancel, expected {}, len() says {}",
        counted(2, "item"),
        queue.len()
    );
    let items: Vec<&str> = drain(&mut queue)
        .into_iter()
        .map(|(_, item)| item)
        .collect();
    assert_eq!(
        items,
        ["a", "c"],
        "the cancelled item must not come out; got {items:?}"
    );
    assert_eq!(
        queue.cancel(c),
        None,
        "an item already popped cannot be cancelled"
    );
    assert!(
        queue.is_empty(),
        "everything was popped: is_empty() should be true"
    );
}

#[course_testing::test]
fn tickets_are_never_reused() {
    let mut queue = DownloadQueue::new();
    let first = queue.push(Priority::Medium, "first");
    queue.pop();
    let second = queue.push(Priority::Medium, "second");
    assert_ne!(
        first, second,
        "a ticket must name one push forever: cancelling an old ticket must not cancel a new item"
    );
    assert_eq!(
        queue.cancel(first),
        None,
        "the first item was popped already"
    );
    assert_eq!(
        queue.len(),
        1,
        "cancelling an old ticket removed the new item"
    );
}

#[course_testing::test]
fn a_url_list_skips_blank_lines_and_comments() {
    let text = "# my downloads\n\nhigh http://a.test/1.txt\n   \n  # indented comment\nLow\thttp://a.test/2.txt\nmedium   http://a.test/3.txt  \n";
    let entries: Vec<_> = parse_url_list(text)
        .into_iter()
        .map(|entry| entry.map(|e| (e.line, e.priority, e.url)))
        .collect();
    assert_eq!(
        entries,
        [
            Ok((3, Priority::High, "http://a.test/1.txt".to_owned())),
            Ok((6, Priority::Low, "http://a.test/2.txt".to_owned())),
            Ok((7, Priority::Medium, "http://a.test/3.txt".to_owned())),
        ],
        "expected 3 entries (blank lines and # comments skipped, words split on spaces or tabs, \
         priorities in any case, line numbers from 1 counting every line), got {entries:?}"
    );
}

#[course_testing::test]
fn a_bad_line_is_an_error_for_that_line_only() {
    let text = "high http://a.test/1.txt\nurgent http://a.test/2.txt\nhttp://a.test/3.txt\nlow http://a.test/4.txt\nlow http://a.test/5.txt extra\n";
    let entries = parse_url_list(text);
    let shown: Vec<String> = entries
        .iter()
        .map(|e| match e {
            Ok(entry) => format!("line {}: ok", entry.line),
            Err(error) => format!("line {}: error", error.line),
        })
        .collect();
    assert_eq!(
        shown,
        [
            "line 1: ok",
            "line 2: error",
            "line 3: error",
            "line 4: ok",
            "line 5: error"
        ],
        "an unknown priority, a missing priority and an extra word are errors of their line; the \
         other lines still count. Got {shown:?}"
    );
    let message = entries[1].as_ref().unwrap_err().to_string();
    assert!(
        message.contains("urgent"),
        "the error for `urgent http://...` should name the bad word, got: {message}"
    );
}
