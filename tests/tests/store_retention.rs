//! The embedded store stays within bounds: past its byte budget or its age, the oldest
//! rollouts and traces go, whole; readers see each rollout whole or not at all while that
//! happens; surviving rollouts keep their sequence ids; a pruned rollout says so.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use agentrace::store::{Query, Retention, SpanStore, SqliteStore, StoreError, StoreWriter};
use agentrace::SpanRecord;

const HOUR: u64 = 3_600_000_000_000;

fn db(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("agentrace-retention-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("traces.db")
}

/// A span of `rollout` (or, with an empty rollout, of a trace of its own), ~1 KB.
fn span(rollout: &str, trace: &str, n: u64, start: u64) -> SpanRecord {
    let mut value = serde_json::json!({
        "trace_id": format!("{:0>32}", format!("{rollout}{trace}")),
        "span_id": format!("{rollout}{trace}-{n:04}"),
        "name": format!("span {n}"), "start_time": start, "end_time": start + 1_000,
        "attributes": {"payload": "x".repeat(1_000)},
    });
    if !rollout.is_empty() {
        value["rollout_id"] = rollout.into();
        value["attempt_id"] = "a1".into();
    }
    serde_json::from_value(value).unwrap()
}

fn count(store: &SqliteStore, rollout: &str) -> Result<usize, StoreError> {
    store.query(&Query::rollout(rollout)).map(|page| page.total)
}

#[test]
fn a_store_over_its_byte_budget_ends_within_it_after_the_next_writes_oldest_first_whole() {
    let path = db("bytes");
    let budget: u64 = 400_000;
    let store = Arc::new(
        SqliteStore::open(&path)
            .unwrap()
            .with_retention(Retention::none().max_bytes(budget)),
    );
    let writer = StoreWriter::spawn(store.clone()).unwrap();
    // 20 rollouts of 40 spans (~40 KB each), written oldest first: about 2x the budget.
    for r in 0..20u64 {
        let spans = (0..40)
            .map(|n| span(&format!("r{r:02}"), "", n, r * HOUR + n))
            .collect();
        writer.write(spans).unwrap();
        writer.flush(Duration::from_secs(10)).unwrap();
    }
    let size = store.size().unwrap();
    let (bytes, spans) = (size.bytes, size.spans);
    assert!(
        bytes <= budget,
        "{bytes} bytes over the {budget}-byte budget"
    );
    // No more went than the budget asked: the writer prunes down to 90% of it, and what is
    // left is within one rollout (~65 KB with its indexes) of that.
    let floor = budget * 9 / 10 - 100_000;
    assert!(
        bytes > floor,
        "only {bytes} bytes kept of a {budget}-byte budget"
    );
    assert!(spans > 0);
    // The newest rollouts stayed, whole; the oldest went, whole; none half.
    let counts: Vec<Result<usize, StoreError>> = (0..20)
        .map(|r| count(&store, &format!("r{r:02}")))
        .collect();
    let kept: Vec<usize> = (0..20).filter(|r| counts[*r].is_ok()).collect();
    assert!(!kept.is_empty() && kept.len() < 20, "{counts:?}");
    assert_eq!(
        kept,
        (kept[0]..20).collect::<Vec<_>>(),
        "oldest first: {counts:?}"
    );
    for r in &kept {
        assert_eq!(
            counts[*r].as_ref().unwrap(),
            &40,
            "rollout {r} is whole: {counts:?}"
        );
    }
    for (r, count) in counts.iter().enumerate().take(kept[0]) {
        assert!(
            matches!(count, Err(StoreError::Pruned { rollout_id }) if *rollout_id == format!("r{r:02}")),
            "a pruned rollout says so: {count:?}"
        );
    }
    // The file itself shrank back (incremental vacuum, WAL checkpoint).
    let on_disk = std::fs::metadata(&path).unwrap().len();
    assert!(on_disk <= budget, "{on_disk} bytes on disk");
}

#[test]
fn spans_past_the_age_bound_go_with_an_injected_clock_whole_rollouts_and_traces() {
    let store = SqliteStore::open(db("age")).unwrap();
    let now = SystemTime::UNIX_EPOCH + Duration::from_nanos(100 * HOUR);
    let at = |hours_ago: u64| 100 * HOUR - hours_ago * HOUR;
    store
        .add_spans(vec![span("old", "", 1, at(50)), span("old", "", 2, at(49))])
        .unwrap();
    // A rollout that started long ago but is still active: kept whole.
    store
        .add_spans(vec![
            span("alive", "", 1, at(60)),
            span("alive", "", 2, at(1)),
        ])
        .unwrap();
    store.add_spans(vec![span("new", "", 1, at(2))]).unwrap();
    store
        .add_spans(vec![span("", "7", 1, at(30)), span("", "8", 1, at(3))])
        .unwrap();
    let dry = store
        .prune_dry_run(
            &Retention::none().max_age(Duration::from_secs(24 * 3600)),
            now,
        )
        .unwrap();
    assert_eq!((dry.rollouts, dry.traces, dry.spans), (1, 1, 3));
    assert_eq!(
        count(&store, "old").unwrap(),
        2,
        "a dry run removes nothing"
    );

    let report = store
        .prune(
            &Retention::none().max_age(Duration::from_secs(24 * 3600)),
            now,
        )
        .unwrap();
    assert_eq!((report.rollouts, report.traces, report.spans), (1, 1, 3));
    assert_eq!(report.oldest_removed, Some(at(50)));
    assert!(matches!(
        count(&store, "old"),
        Err(StoreError::Pruned { .. })
    ));
    assert_eq!(count(&store, "alive").unwrap(), 2);
    assert_eq!(count(&store, "new").unwrap(), 1);
    let traces: Vec<String> = store
        .traces(10)
        .unwrap()
        .into_iter()
        .map(|t| t.trace_id)
        .collect();
    assert!(!traces.iter().any(|t| t.ends_with('7')), "{traces:?}");
    assert!(traces.iter().any(|t| t.ends_with('8')), "{traces:?}");
}

#[test]
fn surviving_and_returning_rollouts_keep_their_sequence_ids() {
    let store = SqliteStore::open(db("sequence")).unwrap();
    store
        .add_spans((1..=3).map(|n| span("gone", "", n, n)).collect())
        .unwrap();
    store
        .add_spans(
            (1..=3)
                .map(|n| span("kept", "", n, 10 * HOUR + n))
                .collect(),
        )
        .unwrap();
    let before: Vec<u64> = store
        .query(&Query::rollout("kept"))
        .unwrap()
        .spans
        .iter()
        .map(|s| s.sequence_id)
        .collect();
    let now = UNIX_EPOCH + Duration::from_nanos(11 * HOUR);
    store
        .prune(
            &Retention::none().max_age(Duration::from_secs(3_600 * 5)),
            now,
        )
        .unwrap();
    let after: Vec<u64> = store
        .query(&Query::rollout("kept"))
        .unwrap()
        .spans
        .iter()
        .map(|s| s.sequence_id)
        .collect();
    assert_eq!(before, after);
    assert_eq!(after, [1, 2, 3]);
    // A pruned rollout that gets spans again exists again, its counter moving on.
    let back = store
        .add_spans(vec![span("gone", "", 9, 11 * HOUR)])
        .unwrap();
    assert_eq!(back[0].sequence_id, 4);
    assert_eq!(count(&store, "gone").unwrap(), 1);
}

#[test]
fn a_concurrent_reader_sees_every_rollout_whole_or_not_at_all_during_pruning() {
    let path = db("reader");
    let store = SqliteStore::open(&path).unwrap();
    for r in 0..30u64 {
        store
            .add_spans(
                (0..20)
                    .map(|n| span(&format!("r{r:02}"), "", n, r * HOUR + n))
                    .collect(),
            )
            .unwrap();
    }
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (path, done) = (path.clone(), done.clone());
        std::thread::spawn(move || {
            let reader = SqliteStore::open_existing(&path).unwrap();
            let mut reads = 0;
            while !done.load(Ordering::Acquire) || reads < 50 {
                for r in 0..30 {
                    match count(&reader, &format!("r{r:02}")) {
                        Ok(n) => assert!(
                            n == 20 || n == 0,
                            "rollout r{r:02} seen with {n} of 20 spans"
                        ),
                        Err(StoreError::Pruned { .. }) => {}
                        Err(other) => panic!("{other}"),
                    }
                }
                let traces = reader.traces(100).unwrap();
                for trace in traces {
                    assert_eq!(trace.span_count, 20, "a trace seen in part");
                }
                reads += 1;
            }
        })
    };
    let now = UNIX_EPOCH + Duration::from_nanos(31 * HOUR);
    let report = store
        .prune(
            &Retention::none().max_age(Duration::from_secs(3_600 * 10)),
            now,
        )
        .unwrap();
    assert_eq!(report.rollouts, 21);
    done.store(true, Ordering::Release);
    reader.join().expect("the reader saw only whole rollouts");
}

/// The `agentrace` command, in process.
fn viewer(path: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["--db".to_string(), path.display().to_string()];
    all.extend(args.iter().map(|arg| arg.to_string()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = agentrace_viewer::run(&all, &mut out, &mut err, false);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn the_viewer_prunes_by_hand_and_shows_the_stores_size_and_oldest_span() {
    let path = db("viewer");
    let store = SqliteStore::open(&path).unwrap();
    let old = 1_600_000_000_000_000_000u64; // 2020-09-13
    store
        .add_spans((0..5).map(|n| span("ancient", "", n, old + n)).collect())
        .unwrap();
    let recent = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    store
        .add_spans((0..3).map(|n| span("recent", "", n, recent + n)).collect())
        .unwrap();
    drop(store);

    let (code, traces, _) = viewer(&path, &["traces"]);
    assert_eq!(code, 0);
    assert!(
        traces.contains("8 spans, oldest span 2020-09-13"),
        "{traces}"
    );

    let (code, dry, _) = viewer(&path, &["prune", "--older-than", "30d", "--dry-run"]);
    assert_eq!(code, 0);
    assert!(
        dry.starts_with("would prune 1 rollouts and 0 traces (5 spans)"),
        "{dry}"
    );
    let (_, traces, _) = viewer(&path, &["traces"]);
    assert!(
        traces.contains("8 spans"),
        "a dry run removes nothing: {traces}"
    );

    let (code, pruned, _) = viewer(&path, &["prune", "--older-than", "30d"]);
    assert_eq!(code, 0);
    assert!(
        pruned.starts_with("pruned 1 rollouts and 0 traces (5 spans)"),
        "{pruned}"
    );
    let (_, traces, _) = viewer(&path, &["traces"]);
    assert!(traces.contains("3 spans"), "{traces}");
    let (code, _, err) = viewer(&path, &["show", "ancient"]);
    assert_eq!(code, 1);
    assert!(err.contains("was pruned"), "{err}");
    let (code, _, err) = viewer(&path, &["prune", "--older-than", "soon"]);
    assert_eq!(code, 2);
    assert!(err.contains("--older-than \"soon\""), "{err}");
}
