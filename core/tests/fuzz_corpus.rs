//! Replays the committed cargo-fuzz corpus (`fuzz/corpus/<target>/`) through the same entry
//! points the fuzz targets call, so every finding kept there stays fixed.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

type Entry = fn(&[u8]) -> usize;

const TARGETS: [(&str, Entry); 4] = [
    ("token_parse", trust_core::fuzzing::token),
    ("rules_dsl", trust_core::fuzzing::rules),
    ("settings", trust_core::fuzzing::settings),
    ("patterns", trust_core::fuzzing::patterns),
];

#[test]
fn committed_corpus_replays_without_panics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    for (target, entry) in TARGETS {
        let dir = root.join(target);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(
            files.len() >= 5,
            "{target}: the seed corpus must not be empty"
        );
        for file in files {
            let data = std::fs::read(&file).unwrap();
            std::hint::black_box(entry(&data));
        }
    }
}

#[test]
fn seeds_exercise_the_engines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    let read = |target: &str, name: &str| std::fs::read(root.join(target).join(name)).unwrap();
    assert!(
        trust_core::fuzzing::token(&read("token_parse", "seed-doc-hs256")) >= 10,
        "the doc token runs through the steps of both realms"
    );
    assert!(trust_core::fuzzing::rules(&read("rules_dsl", "seed-00")) > 0);
    assert!(trust_core::fuzzing::settings(&read("settings", "seed-jwt-corpus")) > 0);
    assert!(trust_core::fuzzing::patterns(&read("patterns", "seed-00")) > 0);
}
