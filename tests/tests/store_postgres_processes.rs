//! Many processes on one PostgreSQL store: four writers of 5,000 spans each into 20 shared
//! rollouts at once store every span once, with per-rollout sequence ids exactly 1..n in the
//! order they were committed; a writer killed with SIGKILL mid-batch loses nothing the store
//! had acknowledged to it.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use agentrace_tests::postgres_server::fresh_database;

const WRITER: &str = env!("CARGO_BIN_EXE_pg_writer");
const ROLLOUTS: u64 = 20;

/// What a writer printed: span id -> (rollout, sequence id) of every acknowledged span.
fn acked(lines: impl Iterator<Item = String>) -> HashMap<String, (String, i64)> {
    lines
        .filter_map(|line| {
            let mut words = line.split(' ');
            (words.next() == Some("acked")).then(|| {
                let rollout = words.next().unwrap().to_owned();
                let sequence: i64 = words.next().unwrap().parse().unwrap();
                (words.next().unwrap().to_owned(), (rollout, sequence))
            })
        })
        .collect()
}

/// Every stored span, per rollout in the order the rows were inserted (the identity column):
/// (sequence id, span id).
fn stored(url: &str) -> BTreeMap<String, Vec<(i64, String)>> {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let mut rollouts: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
    for row in client
        .query(
            "SELECT rollout_id, sequence_id, span_id FROM agentrace_spans ORDER BY id",
            &[],
        )
        .unwrap()
    {
        rollouts
            .entry(row.get(0))
            .or_default()
            .push((row.get(1), row.get(2)));
    }
    rollouts
}

/// Per rollout, the sequence ids in insertion (= commit, under the rollout's lock) order are
/// exactly 1..n.
fn assert_dense_in_commit_order(rollouts: &BTreeMap<String, Vec<(i64, String)>>) {
    for (rollout, spans) in rollouts {
        let seqs: Vec<i64> = spans.iter().map(|(seq, _)| *seq).collect();
        assert_eq!(
            seqs,
            (1..=spans.len() as i64).collect::<Vec<_>>(),
            "rollout {rollout}: ids 1..n in commit order"
        );
    }
}

#[test]
fn four_processes_into_twenty_rollouts_store_every_span_once_with_dense_ids() {
    let url = fresh_database("four_writers");
    let per_writer = 5_000u64;
    // The store's tables exist before the writers start racing to open it.
    drop(agentrace::store::PostgresStore::connect(&url).unwrap());
    let children: Vec<_> = (0..4)
        .map(|n| {
            Command::new(WRITER)
                .args([
                    &url,
                    &format!("w{n}"),
                    &per_writer.to_string(),
                    &ROLLOUTS.to_string(),
                    "100",
                ])
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut all_acked = HashMap::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "writer failed: {output:?}");
        let text = String::from_utf8(output.stdout).unwrap();
        let acked = acked(text.lines().map(str::to_owned));
        assert_eq!(acked.len() as u64, per_writer, "every span acknowledged");
        all_acked.extend(acked);
    }
    let rollouts = stored(&url);
    assert_eq!(rollouts.len() as u64, ROLLOUTS);
    let total: usize = rollouts.values().map(Vec::len).sum();
    assert_eq!(total as u64, 4 * per_writer, "every span stored once");
    assert_dense_in_commit_order(&rollouts);
    for (rollout, spans) in &rollouts {
        for (seq, span_id) in spans {
            assert_eq!(
                all_acked.get(span_id),
                Some(&(rollout.clone(), *seq)),
                "the id acknowledged is the id stored"
            );
        }
        // Each writer's spans of the rollout keep that writer's own order.
        for n in 0..4 {
            let mine: Vec<&String> = spans
                .iter()
                .map(|(_, id)| id)
                .filter(|id| id.starts_with(&format!("w{n}-")))
                .collect();
            let mut sorted = mine.clone();
            sorted.sort();
            assert_eq!(mine, sorted, "w{n}'s spans of {rollout} in its order");
        }
    }
    // Four attempts per rollout, as the query API sees them.
    let store = agentrace::store::PostgresStore::connect_existing(&url).unwrap();
    use agentrace::store::{Query, SpanStore};
    let page = store.query(&Query::rollout("r7").attempt("w2")).unwrap();
    assert_eq!(page.total as u64, per_writer / ROLLOUTS);
}

#[test]
fn a_writer_killed_mid_batch_loses_nothing_acknowledged() {
    let url = fresh_database("sigkill");
    drop(agentrace::store::PostgresStore::connect(&url).unwrap());
    // A steady writer beside the one that is killed, sharing its rollouts.
    let mut steady = Command::new(WRITER)
        .args([&url, "steady", "3000", &ROLLOUTS.to_string(), "50"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Command::new(WRITER)
        .args([&url, "doomed", "10000000", &ROLLOUTS.to_string(), "50"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    while seen.len() < 2_000 {
        seen.push(lines.next().expect("writer still running").unwrap());
    }
    child.kill().unwrap(); // SIGKILL on Unix, with batches in flight
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed, not finished: {status:?}");
    // Whatever it printed before it died was acknowledged too.
    seen.extend(lines.map_while(Result::ok));
    let doomed = acked(seen.into_iter());
    let output = {
        let mut text = String::new();
        std::io::Read::read_to_string(steady.stdout.as_mut().unwrap(), &mut text).unwrap();
        assert!(steady.wait().unwrap().success());
        text
    };
    let steady_acked = acked(output.lines().map(str::to_owned));
    assert_eq!(steady_acked.len(), 3_000);

    let rollouts = stored(&url);
    assert_dense_in_commit_order(&rollouts);
    let by_id: HashMap<&String, (&String, i64)> = rollouts
        .iter()
        .flat_map(|(rollout, spans)| spans.iter().map(move |(seq, id)| (id, (rollout, *seq))))
        .collect();
    for (span_id, (rollout, seq)) in doomed.iter().chain(&steady_acked) {
        assert_eq!(
            by_id.get(span_id),
            Some(&(rollout, *seq)),
            "{span_id} was acknowledged, so it is stored with that id"
        );
    }
    let doomed_stored = by_id.keys().filter(|id| id.starts_with("doomed-")).count();
    assert_eq!(
        doomed_stored % 50,
        0,
        "the killed writer's batches are all or nothing"
    );
    assert!(doomed_stored >= doomed.len());
}
