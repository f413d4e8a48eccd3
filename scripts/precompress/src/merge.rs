//! One module per lazily loaded split instead of up to ~300.
//!
//! wasm-split writes a chunk for every set of splits that share code, and a split loads every
//! chunk of its set: the realm editor 290 files, each compressed on its own, each with its own
//! type and import sections, and code repeated across chunks that an optimiser run over all of
//! them would fold. This step merges, for each split, the chunks it loads into the split's own
//! module (binaryen's `wasm-merge`, then the smaller of `wasm-opt -Oz` and `-O3 -Oz` over the
//! result) and rewrites the loader and the manifest the server names preloads from.
//!
//! A chunk several splits load is then in several merged modules: a page opened after another
//! may instantiate code the first already did. That is harmless for chunks whose instantiation
//! has no effect but filling the shared table's slots with their functions (the same functions
//! again) and writing read-only data (the same bytes again). The writable data wasm-split
//! placed in chunks (initial bytes of `.data`/`.bss` statics only their code uses) moves into
//! the main module first; a chunk that defines a global of its own or has a start function is
//! never merged where it could be instantiated twice — it stays a file of its own, loaded once
//! by every split that needs it.
//!
//! A split whose chunks all belong to a larger split's set (the console frame, the parent of
//! every page) is a base: its chunks are merged once into its own module, which every split
//! sharing a chunk with it awaits (loaded once), and no other module repeats them.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::ops::Range;
use std::path::Path;
use std::process::Command;

use wasmparser::{Parser, Payload};

use crate::wasm;

/// Where each split's code comes from after merging.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Split {
    /// The split's name (a manifest key; its loader is exported as
    /// `__wasm_split_load_<name>`).
    pub(crate) name: String,
    /// The file stem of its module, which merged modules replace.
    pub(crate) module: String,
    /// The chunks merged into that module (the module itself not included).
    pub(crate) merged: Vec<String>,
    /// Base splits whose modules it awaits.
    pub(crate) bases: Vec<String>,
    /// Chunks it loads as files of their own.
    pub(crate) standalone: Vec<String>,
}

/// The plan for a manifest (split name → the file stems it loads, its own module among them),
/// given which chunks must not be instantiated twice.
///
/// # Errors
/// A split does not list exactly one module of its own (`split_<name>`).
pub(crate) fn plan(
    manifest: &BTreeMap<String, Vec<String>>,
    once_only: &BTreeSet<String>,
) -> Result<Vec<Split>, String> {
    let own = |name: &str| format!("split_{name}");
    // Each split's chunks, its own module left out.
    let mut sets: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (name, stems) in manifest {
        let module = own(name);
        if stems.iter().filter(|s| **s == module).count() != 1 {
            return Err(format!("split {name} does not load a module {module}"));
        }
        sets.insert(
            name,
            stems
                .iter()
                .map(String::as_str)
                .filter(|s| *s != module)
                .collect(),
        );
    }
    let bases: BTreeSet<&str> = sets
        .iter()
        .filter(|(name, set)| {
            sets.iter().any(|(other, bigger)| {
                other != *name && set.is_subset(bigger) && set.len() < bigger.len()
            })
        })
        .map(|(name, _)| *name)
        .collect();
    // How many splits would instantiate each chunk: a base's chunks once, the others once per
    // split loading them.
    let mut in_base: BTreeMap<&str, &str> = BTreeMap::new();
    let mut shared_by_bases = BTreeSet::new();
    for base in &bases {
        for stem in &sets[base] {
            if in_base
                .insert(stem, base)
                .is_some_and(|other| other != *base)
            {
                shared_by_bases.insert(*stem);
            }
        }
    }
    let mut loaders: BTreeMap<&str, usize> = BTreeMap::new();
    for set in sets.values() {
        for stem in set {
            *loaders.entry(stem).or_default() += 1;
        }
    }
    let standalone = |stem: &str| {
        shared_by_bases.contains(stem)
            || (once_only.contains(stem) && !in_base.contains_key(stem) && loaders[stem] > 1)
    };
    let mut splits = Vec::new();
    for (name, set) in &sets {
        let module = own(name);
        let is_base = bases.contains(name);
        let mut split = Split {
            name: (*name).to_owned(),
            module: module.clone(),
            merged: Vec::new(),
            bases: Vec::new(),
            standalone: Vec::new(),
        };
        for stem in set {
            if standalone(stem) {
                split.standalone.push((*stem).to_owned());
            } else if let Some(base) = in_base.get(stem).filter(|base| **base != *name) {
                if !split.bases.iter().any(|b| b == base) {
                    split.bases.push((*base).to_owned());
                }
            } else {
                debug_assert!(is_base || !in_base.contains_key(stem));
                split.merged.push((*stem).to_owned());
            }
        }
        splits.push(split);
    }
    Ok(splits)
}

/// The manifest after merging: each split's base modules, standalone chunks, own module.
pub(crate) fn manifest(splits: &[Split]) -> BTreeMap<String, Vec<String>> {
    splits
        .iter()
        .map(|split| {
            let stems = split
                .bases
                .iter()
                .map(|base| format!("split_{base}"))
                .chain(split.standalone.iter().cloned())
                .chain([split.module.clone()])
                .collect();
            (split.name.clone(), stems)
        })
        .collect()
}

/// What wasm-split names the loader of split `name` (`__wasm_split_load_<name>`), which the
/// main module imports.
const LOAD_PREFIX: &str = "__wasm_split_load_";

/// The short name the loader of split `name` is exported and imported by: `l` and its place
/// among the splits (the long names repeat each split's name and a hash, ~60 bytes each).
fn export_name(splits: &[Split], name: &str) -> Result<String, String> {
    splits
        .iter()
        .position(|s| s.name == name)
        .map(|i| format!("l{i}"))
        .ok_or_else(|| format!("no split {name}"))
}

/// What marks a loader this step wrote.
const LOAD: &str = "const load = (name, deps) => makeLoad(() => {";

/// Whether `loader` is one this step wrote.
pub(crate) fn is_merged(loader: &str) -> bool {
    loader.contains(LOAD)
}

/// The loader for `splits`: wasm-split's own helpers (`getSharedImports`, `wrapAsyncCb`,
/// `makeLoad`, everything before its first loader), then one memoised loader per module.
///
/// # Errors
/// The loader is not of the shape wasm-split 0.2 writes, or does not export a split's loader.
pub(crate) fn loader(original: &str, splits: &[Split]) -> Result<String, String> {
    let end = original
        .find("\nconst __chunk_")
        .or_else(|| original.find("\nexport const __wasm_split_load_"))
        .ok_or("the wasm-split loader has no chunk or split loaders")?;
    let helpers = &original[..=end];
    for needed in [
        "function makeLoad(fetcher, deps)",
        "function wrapAsyncCb(callee)",
    ] {
        if !helpers.contains(needed) {
            return Err(format!("the wasm-split loader has no {needed}"));
        }
    }
    // The helpers' comment lines (why makeLoad memoises successes only) are read by no one.
    let mut out: String = helpers
        .split_inclusive('\n')
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect();
    out.push_str(LOAD);
    out.push_str(
        "\n    const src = fetch(new URL(`./${name}.wasm`, import.meta.url));\n    \
         return async (imports) => (WebAssembly.instantiateStreaming(src, imports));\n}, deps);\n",
    );
    let standalone: BTreeSet<&str> = splits
        .iter()
        .flat_map(|s| s.standalone.iter().map(String::as_str))
        .collect();
    // Each module's memoised loader: `m` and a number (standalone chunks first, then splits).
    let numbered: Vec<&str> = standalone
        .iter()
        .copied()
        .chain(splits.iter().map(|s| s.module.as_str()))
        .collect();
    let var = |stem: &str| {
        let n = numbered
            .iter()
            .position(|s| *s == stem)
            .unwrap_or(usize::MAX);
        format!("m{n}")
    };
    for stem in &standalone {
        out.push_str(&format!("const {} = load(\"{stem}\", []);\n", var(stem)));
    }
    // Bases first: the others refer to them.
    let mut ordered: Vec<&Split> = splits.iter().collect();
    let base_names: BTreeSet<&str> = splits
        .iter()
        .flat_map(|s| s.bases.iter().map(String::as_str))
        .collect();
    ordered.sort_by_key(|s| !base_names.contains(s.name.as_str()));
    for split in ordered {
        let long = format!("export const {}{} =", LOAD_PREFIX, split.name);
        if !original.contains(&long) {
            return Err(format!(
                "the wasm-split loader does not export a loader for {}",
                split.name
            ));
        }
        let export = format!("export const {} =", export_name(splits, &split.name)?);
        let deps: Vec<String> = split
            .bases
            .iter()
            .map(|base| var(&format!("split_{base}")))
            .chain(split.standalone.iter().map(|stem| var(stem)))
            .collect();
        out.push_str(&format!(
            "const {} = load(\"{}\", [{}]);\n{export} wrapAsyncCb({});\n",
            var(&split.module),
            split.module,
            deps.join(", "),
            var(&split.module)
        ));
    }
    Ok(out)
}

/// The features binaryen may use, as the build's modules do (WebAssembly 2.0 without SIMD,
/// which `rodata.rs` reads too).
const FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-multivalue",
];

/// Whether instantiating `module` twice could do more than instantiating it once: it defines
/// globals (state of its own) or has a start function. (Its data, after
/// [`hoist_writable_data`], is read-only: written twice, the same bytes.)
fn once_only(module: &[u8]) -> Result<bool, String> {
    for payload in Parser::new(0).parse_all(module) {
        match payload.map_err(|e| e.to_string())? {
            Payload::GlobalSection(globals) if globals.count() > 0 => return Ok(true),
            Payload::StartSection { .. } => return Ok(true),
            _ => {}
        }
    }
    Ok(false)
}

fn run_tool(mut command: Command) -> io::Result<()> {
    let shown = format!("{command:?}");
    let output = command.output().map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("{shown}: {e} (scripts/setup installs binaryen under node_modules/.bin)"),
        )
    })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "{shown} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )))
    }
}

/// Merges `members` (file stems in `dir`, the split's own module first) into one module with
/// `wasm-merge`, optimises it with `wasm-opt -Oz`, and returns its bytes. The members import
/// the main module's table, memory and global from one module; so does the result.
fn merge_members(dir: &Path, members: &[String], scratch: &Path) -> io::Result<Vec<u8>> {
    // What the members import (all from one module), each name with one description.
    let mut shared: Option<String> = None;
    let mut imported: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for member in members {
        let bytes = fs::read(dir.join(format!("{member}.wasm")))?;
        for import in wasm::imports(&bytes).map_err(io::Error::other)? {
            if *shared.get_or_insert_with(|| import.module.to_owned()) != import.module {
                return Err(io::Error::other(format!(
                    "{member} imports from {} and another module",
                    import.module
                )));
            }
            let known = imported
                .entry(import.name.to_owned())
                .or_insert_with(|| import.description.to_vec());
            if *known != import.description {
                return Err(io::Error::other(format!(
                    "the chunks import {} with different types",
                    import.name
                )));
            }
        }
    }
    let shared = shared
        .ok_or_else(|| io::Error::other("no member imports the shared table, memory and global"))?;
    let imports: Vec<(&str, &[u8])> = imported
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let stub = wasm::import_stub(&imports, "x").map_err(io::Error::other)?;
    fs::create_dir_all(scratch)?;
    let stub_path = scratch.join("stub.wasm");
    fs::write(&stub_path, stub)?;
    let merged = scratch.join("merged.wasm");
    let optimised = scratch.join("optimised.wasm");
    let mut command = Command::new("wasm-merge");
    command.arg(&stub_path).arg(&shared);
    for (i, member) in members.iter().enumerate() {
        command
            .arg(dir.join(format!("{member}.wasm")))
            .arg(format!("m{i}"));
    }
    command.arg("-o").arg(&merged).args(FEATURES);
    run_tool(command)?;
    // `-Oz`, and `-O3` before it (inlining first leaves code that `-Oz` then shrinks further
    // for some modules: the realm editor's 2% smaller, the console frame's 1.5% larger): the
    // one that compresses smaller.
    let mut best: Option<(usize, Vec<u8>)> = None;
    for levels in [&["-Oz"][..], &["-O3", "-Oz"]] {
        let mut command = Command::new("wasm-opt");
        command
            .args(levels)
            .args(FEATURES)
            .arg(&merged)
            .arg("-o")
            .arg(&optimised);
        run_tool(command)?;
        let candidate = fs::read(&optimised)?;
        let size = crate::gzip_size(&candidate)?;
        if best.as_ref().is_none_or(|(smallest, _)| size < *smallest) {
            best = Some((size, candidate));
        }
    }
    let bytes = best.map(|(_, bytes)| bytes).unwrap_or_default();
    fs::remove_dir_all(scratch)?;
    let bytes = wasm::rename_imports(&bytes, |module, name| {
        (module == "x").then(|| (shared.clone(), name.to_owned()))
    })
    .map_err(io::Error::other)?;
    // wasm-merge keeps the stub's exports (the shared table, memory and global again).
    let stub_names: Vec<&str> = imports.iter().map(|(n, _)| *n).collect();
    let bytes = wasm::without_exports(&bytes, &stub_names).map_err(io::Error::other)?;
    check_merged(&bytes, &shared).map_err(io::Error::other)?;
    Ok(bytes)
}

/// wasm-split's loader script in `dir`, if the client was split.
fn loader_path(dir: &Path) -> io::Result<Option<std::path::PathBuf>> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with("__wasm_split") && name.ends_with(".js") {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// Whether the site in `dir` is one an earlier run rewrote (its loader is [`is_merged`]):
/// cargo-leptos leaves the site as it was when the client did not change, and every step
/// before compression then has nothing to do.
///
/// # Errors
/// Reading the site.
pub(crate) fn site_done(dir: &Path) -> io::Result<bool> {
    match loader_path(dir)? {
        Some(path) => Ok(is_merged(&fs::read_to_string(path)?)),
        None => Ok(false),
    }
}

/// What [`merge_site`] did: modules written, files removed.
#[derive(Debug, Default)]
pub(crate) struct Merged {
    pub(crate) modules: usize,
    pub(crate) removed: usize,
    /// Bytes of writable data moved from chunks into the main module.
    pub(crate) hoisted: usize,
}

/// Moves the writable data wasm-split placed in chunks (their part of `.data` and `.bss`,
/// everything outside `read_only`) into the main module's data section. Only the chunk's own
/// code uses those bytes, so they may as well be written when the main module starts: then
/// instantiating the chunk again (it may now be merged into several splits' modules) cannot
/// reset them. Returns the bytes moved.
fn hoist_writable_data(dir: &Path, read_only: Option<&Range<u32>>) -> io::Result<usize> {
    let (main_path, main, chunks) = crate::modules(dir)?;
    let mut main_segments = crate::rodata::data_segments(&main).map_err(io::Error::other)?;
    let before = main_segments.len();
    let mut moved = 0;
    for (path, bytes) in chunks {
        let segments = crate::rodata::data_segments(&bytes).map_err(io::Error::other)?;
        let (kept, writable): (Vec<_>, Vec<_>) = segments.into_iter().partition(|(at, data)| {
            read_only
                .is_some_and(|r| r.start <= *at && (*at as usize + data.len()) <= r.end as usize)
        });
        if writable.is_empty() {
            continue;
        }
        for (at, data) in &writable {
            let end = *at as usize + data.len();
            let overlaps = main_segments
                .iter()
                .any(|(m, d)| (*m as usize) < end && (*at as usize) < *m as usize + d.len());
            if overlaps {
                return Err(io::Error::other(format!(
                    "{}: writable data at {at} overlaps the main module's",
                    path.display()
                )));
            }
            moved += data.len();
        }
        main_segments.extend(writable);
        fs::write(
            &path,
            crate::rodata::with_data(&bytes, &kept).map_err(io::Error::other)?,
        )?;
    }
    if main_segments.len() != before {
        // By address, whatever order the files were read in: the same build, the same bytes.
        main_segments[before..].sort_by_key(|(at, _)| *at);
        fs::write(
            &main_path,
            crate::rodata::with_data(&main, &main_segments).map_err(io::Error::other)?,
        )?;
    }
    Ok(moved)
}

/// Merges each split's chunks in `dir` (see the module's documentation), unless the loader
/// there says it is done already. `read_only` is the read-only data's address range: a chunk's
/// data outside it is writable and moves into the main module first.
///
/// # Errors
/// Reading or writing the site, a manifest or loader of another shape, binaryen failing, or a
/// merged module importing anything but the shared table, memory and global.
pub(crate) fn merge_site(dir: &Path, read_only: Option<&Range<u32>>) -> io::Result<Merged> {
    let Some(loader_path) = loader_path(dir)? else {
        return Ok(Merged::default()); // a client built without --split
    };
    let original = fs::read_to_string(&loader_path)?;
    if is_merged(&original) {
        return Ok(Merged::default());
    }
    let hoisted = hoist_writable_data(dir, read_only)?;
    let manifest_path = dir.join("__wasm_split_manifest.json");
    let manifest: BTreeMap<String, Vec<String>> =
        serde_json::from_str(&fs::read_to_string(&manifest_path)?).map_err(io::Error::other)?;
    let mut once = BTreeSet::new();
    for stem in manifest.values().flatten() {
        let bytes = fs::read(dir.join(format!("{stem}.wasm")))?;
        if once_only(&bytes).map_err(|e| io::Error::other(format!("{stem}: {e}")))? {
            once.insert(stem.clone());
        }
    }
    let splits = plan(&manifest, &once).map_err(io::Error::other)?;
    let script = loader(&original, &splits).map_err(io::Error::other)?;

    let jobs: Vec<&Split> = splits.iter().filter(|s| !s.merged.is_empty()).collect();
    crate::parallel(&jobs, |split| {
        let members: Vec<String> = std::iter::once(split.module.clone())
            .chain(split.merged.iter().cloned())
            .collect();
        let scratch = std::env::temp_dir().join(format!(
            "precompress-merge-{}-{}",
            std::process::id(),
            split.module
        ));
        let bytes = merge_members(dir, &members, &scratch)
            .map_err(|e| io::Error::new(e.kind(), format!("merging {}: {e}", split.module)))?;
        // Written beside the others first: the members are read until all are merged.
        fs::write(dir.join(format!("{}.merged", split.module)), bytes)
    })?;
    for split in &jobs {
        fs::rename(
            dir.join(format!("{}.merged", split.module)),
            dir.join(format!("{}.wasm", split.module)),
        )?;
    }
    let still: BTreeSet<&String> = splits
        .iter()
        .flat_map(|s| s.standalone.iter().chain([&s.module]))
        .collect();
    let mut removed = 0;
    for stem in manifest.values().flatten().collect::<BTreeSet<_>>() {
        if !still.contains(stem) {
            for suffix in ["wasm", "wasm.gz", "wasm.br"] {
                let path = dir.join(format!("{stem}.{suffix}"));
                if path.exists() {
                    fs::remove_file(path)?;
                }
            }
            removed += 1;
        }
    }
    // The main module imports each split's loader by its short name.
    let loader_module = format!(
        "./{}",
        loader_path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
    );
    let (main_path, main, _) = crate::modules(dir)?;
    let mut renamed = 0;
    let main = wasm::rename_imports(&main, |module, name| {
        let split = name
            .strip_prefix(LOAD_PREFIX)
            .filter(|_| module == loader_module)?;
        renamed += 1;
        Some((module.to_owned(), export_name(&splits, split).ok()?))
    })
    .map_err(io::Error::other)?;
    if renamed != splits.len() {
        return Err(io::Error::other(format!(
            "the main module imports {renamed} split loaders from {loader_module}; the manifest has {} splits",
            splits.len()
        )));
    }
    fs::write(&main_path, main)?;
    let new_manifest =
        serde_json::to_string_pretty(&self::manifest(&splits)).map_err(io::Error::other)?;
    fs::write(&manifest_path, new_manifest)?;
    fs::write(&loader_path, script)?;
    Ok(Merged {
        modules: jobs.len(),
        removed,
        hoisted,
    })
}

/// A merged module imports the shared table, memory and global only (from `shared`, under
/// wasm-split's names or the short ones), and validates.
fn check_merged(module: &[u8], shared: &str) -> Result<(), String> {
    for import in wasm::imports(module)? {
        let known = wasm::SHORT_IMPORTS
            .iter()
            .any(|(long, short)| *long == import.name || *short == import.name);
        if import.module != shared || !known {
            return Err(format!(
                "the merged module imports {}.{}",
                import.module, import.name
            ));
        }
    }
    crate::rodata::validate(module)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest_of(entries: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        entries
            .iter()
            .map(|(name, stems)| {
                let mut all: Vec<String> = stems.iter().map(|s| (*s).to_owned()).collect();
                all.push(format!("split_{name}"));
                ((*name).to_owned(), all)
            })
            .collect()
    }

    #[test]
    fn pages_merge_their_chunks_and_await_the_frame_they_all_share() {
        let manifest = manifest_of(&[
            ("frame", &["c0", "c1"]),
            ("a", &["c0", "c1", "c2", "c3"]),
            ("b", &["c0", "c1", "c3", "c4"]),
            ("lazy", &["c1", "c4", "c5"]),
        ]);
        let splits = plan(&manifest, &BTreeSet::new()).unwrap();
        let by: BTreeMap<&str, &Split> = splits.iter().map(|s| (s.name.as_str(), s)).collect();
        assert_eq!(by["frame"].merged, ["c0", "c1"]);
        assert!(by["frame"].bases.is_empty());
        assert_eq!(by["a"].merged, ["c2", "c3"]);
        assert_eq!(by["a"].bases, ["frame"]);
        assert_eq!(by["b"].merged, ["c3", "c4"]);
        // `lazy` shares c1 with the frame, not all of it: it still awaits the frame's module
        // rather than instantiate c1 a second time.
        assert_eq!(by["lazy"].merged, ["c4", "c5"]);
        assert_eq!(by["lazy"].bases, ["frame"]);
        let manifest = super::manifest(&splits);
        assert_eq!(manifest["a"], ["split_frame", "split_a"]);
        assert_eq!(manifest["frame"], ["split_frame"]);
    }

    #[test]
    fn a_chunk_that_must_be_instantiated_once_stays_a_file_where_two_splits_load_it() {
        let manifest = manifest_of(&[
            ("frame", &["c0"]),
            ("a", &["c0", "c2", "c3"]),
            ("b", &["c0", "c3", "c4"]),
        ]);
        // c0: in the base, instantiated once anyway; c2: one split only; c3: two splits.
        let once: BTreeSet<String> = ["c0", "c2", "c3", "split_a"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let splits = plan(&manifest, &once).unwrap();
        let by: BTreeMap<&str, &Split> = splits.iter().map(|s| (s.name.as_str(), s)).collect();
        assert_eq!(by["frame"].merged, ["c0"]);
        assert_eq!(by["a"].merged, ["c2"]);
        assert_eq!(by["a"].standalone, ["c3"]);
        assert_eq!(by["b"].standalone, ["c3"]);
        assert_eq!(by["b"].merged, ["c4"]);
        assert_eq!(
            super::manifest(&splits)["b"],
            ["split_frame", "c3", "split_b"]
        );
    }

    #[test]
    fn a_split_without_its_own_module_is_refused() {
        let mut manifest = manifest_of(&[("a", &["c0"])]);
        manifest.get_mut("a").unwrap().pop();
        assert!(plan(&manifest, &BTreeSet::new()).is_err());
    }

    const ORIGINAL: &str = "import { initSync } from \"./client.js\";\n\
        function wrapAsyncCb(callee) {\n    return callee;\n}\n\
        function makeLoad(fetcher, deps) {\n    // Memoize successes only.\n    return fetcher;\n}\n\
        const __chunk_0 = makeLoad(() => {\n}, []);\n\
        export const __wasm_split_load_frame = wrapAsyncCb(makeLoad(() => {\n}, [__chunk_0]));\n\
        export const __wasm_split_load_a = wrapAsyncCb(makeLoad(() => {\n}, [__chunk_0]));\n";

    #[test]
    fn the_loader_keeps_wasm_split_helpers_and_loads_each_module_once() {
        let manifest = manifest_of(&[
            ("a", &["c0", "c2", "c9"]),
            ("frame", &["c0"]),
            ("b", &["c0", "c9"]),
        ]);
        let once: BTreeSet<String> = ["c9".to_owned()].into();
        let splits = plan(&manifest, &once).unwrap();
        let script = loader(ORIGINAL, &splits);
        assert!(script.unwrap_err().contains("for b"));
        let manifest = manifest_of(&[("a", &["c0", "c2", "c9"]), ("frame", &["c0"])]);
        let splits = plan(&manifest, &once).unwrap();
        let script = loader(ORIGINAL, &splits).unwrap();
        assert!(
            script.starts_with("import { initSync } from \"./client.js\";\nfunction wrapAsyncCb")
        );
        assert!(!script.contains("__chunk_0"));
        assert!(is_merged(&script));
        // The frame is defined before the page that awaits it.
        let frame = script
            .find("const m1 = load(\"split_frame\", []);")
            .unwrap();
        let page = script.find("const m0 = load(\"split_a\", [m1]);").unwrap();
        assert!(frame < page);
        // Exported under short names, in the splits' order (the main module imports them so).
        assert!(script.contains("export const l0 = wrapAsyncCb(m0);"));
        assert!(script.contains("export const l1 = wrapAsyncCb(m1);"));
        assert!(!script.contains("__wasm_split_load_"));
        assert!(!script.contains("Memoize"));
        assert!(script.contains("function makeLoad(fetcher, deps) {\n    return fetcher;"));
        assert!(!is_merged(ORIGINAL));
        assert!(loader("function makeLoad(fetcher, deps) {}", &splits).is_err());
    }
}

#[cfg(test)]
mod module_tests {
    use super::*;
    use wasm_encoder::{
        ConstExpr, EntityType, GlobalSection, GlobalType, ImportSection, MemorySection, Module,
        ValType,
    };

    /// A module with `data` segments; defining its memory (the main module) or importing it.
    fn module(main: bool, data: &[(u32, &[u8])], global: bool) -> Vec<u8> {
        let mut module = Module::new();
        if main {
            let mut memories = MemorySection::new();
            memories.memory(crate::rodata::test_memory());
            module.section(&memories);
        } else {
            let mut imports = ImportSection::new();
            imports.import("", "m", EntityType::Memory(crate::rodata::test_memory()));
            module.section(&imports);
        }
        if global {
            let mut globals = GlobalSection::new();
            globals.global(
                GlobalType {
                    val_type: ValType::I32,
                    mutable: true,
                    shared: false,
                },
                &ConstExpr::i32_const(0),
            );
            module.section(&globals);
        }
        if !data.is_empty() {
            module.section(&crate::rodata::test_data_section(data));
        }
        module.finish()
    }

    const READ_ONLY: Range<u32> = 1024..2048;

    #[test]
    fn own_globals_forbid_a_second_instance_and_data_does_not() {
        assert!(once_only(&module(false, &[], true)).unwrap());
        assert!(!once_only(&module(false, &[], false)).unwrap());
        // Data is hoisted or read-only by the time this is asked.
        assert!(!once_only(&module(false, &[(1100, &[1, 2])], false)).unwrap());
    }

    #[test]
    fn writable_data_of_chunks_moves_into_the_main_module() {
        let dir = std::env::temp_dir().join(format!("precompress-hoist-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("main.wasm"),
            module(true, &[(1024, &[9; 16]), (4096, &[1; 4])], false),
        )
        .unwrap();
        fs::write(
            dir.join("chunk_1.wasm"),
            module(false, &[(1100, &[7; 8]), (4200, &[5; 8])], false),
        )
        .unwrap();
        fs::write(
            dir.join("chunk_2.wasm"),
            module(false, &[(1200, &[3; 4])], false),
        )
        .unwrap();
        // Straddling the end of the read-only data is writing outside it.
        fs::write(
            dir.join("chunk_4.wasm"),
            module(false, &[(2047, &[6, 6])], false),
        )
        .unwrap();
        let chunk_2 = fs::read(dir.join("chunk_2.wasm")).unwrap();
        assert_eq!(hoist_writable_data(&dir, Some(&READ_ONLY)).unwrap(), 10);
        let main = crate::rodata::data_segments(&fs::read(dir.join("main.wasm")).unwrap()).unwrap();
        assert_eq!(
            main,
            [
                (1024, vec![9; 16]),
                (4096, vec![1; 4]),
                (2047, vec![6, 6]),
                (4200, vec![5; 8])
            ]
        );
        let emptied =
            crate::rodata::data_segments(&fs::read(dir.join("chunk_4.wasm")).unwrap()).unwrap();
        assert!(emptied.is_empty());
        let sections_left = fs::read(dir.join("chunk_4.wasm")).unwrap();
        assert!(
            wasm::sections(&sections_left)
                .unwrap()
                .iter()
                .all(|(id, _)| *id != 11),
            "no empty data section left behind"
        );
        let chunk =
            crate::rodata::data_segments(&fs::read(dir.join("chunk_1.wasm")).unwrap()).unwrap();
        assert_eq!(chunk, [(1100, vec![7; 8])]);
        assert_eq!(
            fs::read(dir.join("chunk_2.wasm")).unwrap(),
            chunk_2,
            "nothing to move: untouched"
        );
        // Done once, nothing is left to move.
        assert_eq!(hoist_writable_data(&dir, Some(&READ_ONLY)).unwrap(), 0);
        // Writable data overlapping the main module's is refused.
        fs::write(
            dir.join("chunk_3.wasm"),
            module(false, &[(4098, &[5; 2])], false),
        )
        .unwrap();
        assert!(
            hoist_writable_data(&dir, Some(&READ_ONLY))
                .unwrap_err()
                .to_string()
                .contains("overlaps")
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
