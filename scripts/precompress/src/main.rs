//! `precompress DIR [--unsplit UNSPLIT.wasm]`: writes `FILE.gz` (zopfli) and `FILE.br` (brotli,
//! best quality) next to every `.js`, `.wasm` and `.css` in `DIR`, replacing what cargo-leptos's
//! `--precompress` wrote. Before compressing, it
//! - moves the read-only data only chunks use out of the main module into those chunks, as the
//!   unsplit module's symbols and relocations say (`rodata.rs`, with `--unsplit`);
//! - renames what the main module imports from its wasm-bindgen glue to one or two letters, in
//!   the module and in the glue (`glue.rs`);
//! - merges each lazily loaded split's chunks into one module with binaryen's `wasm-merge` and
//!   `wasm-opt` (found on `PATH`: scripts/setup installs them under `node_modules/.bin`) and
//!   rewrites wasm-split's loader and manifest for them (`merge.rs`);
//! - drops the whole-line comments of wasm-split's loader script, the custom sections of every
//!   WASM module, and shortens the names the chunks import by (`wasm.rs`).
//!
//! Run again on its own output (cargo-leptos leaves the site as it is when the client did not
//! change), it only compresses again: the rewritten loader marks a site already done.
//!
//! The server sends these files with a year-long cache lifetime, so they are compressed once as
//! far as the formats go: zopfli's gzip is plain gzip, ~4% smaller than `gzip -9` on the WASM.
//! Chromium over plain HTTP (the browser tests, a console behind no TLS) downloads the gzip;
//! over HTTPS, the brotli. Every output is decompressed again and compared with its input.

mod glue;
mod merge;
mod rodata;
mod wasm;

use std::{
    fs,
    io::{Read as _, Write as _},
    path::{Path, PathBuf},
    process::ExitCode,
    thread,
};

/// Drops the comment lines wasm-split writes above each chunk loader (`/* route, route, … */`,
/// one per chunk naming every page that uses it): half the script's bytes, read by no one.
fn strip_loader_comments(script: &str) -> String {
    script
        .split_inclusive('\n')
        .filter(|line| {
            let inner = line
                .trim_end()
                .strip_prefix("/* ")
                .and_then(|rest| rest.strip_suffix(" */"));
            inner.is_none_or(|inner| inner.contains("*/"))
        })
        .collect()
}

/// Where the loader's `getSharedImports` ends its first-call branch: the short names are
/// added there (see [`share_short_imports`]).
const SHARED_IMPORTS_END: &str = "\n    }\n    return sharedImports;\n}";

/// The loader with the main module's shared table, memory and global also passed under module
/// `""` with the short names the chunks import them by ([`wasm::shorten_imports`]).
///
/// # Errors
/// The loader does not end `getSharedImports` as wasm-split 0.2 writes it (exactly once).
fn share_short_imports(script: &str) -> Result<String, String> {
    let entries: Vec<String> = wasm::SHORT_IMPORTS
        .iter()
        .map(|(long, short)| format!("{short}: sharedImports.{}.{long}", wasm::SPLIT_MODULE))
        .collect();
    let line = format!(
        "\n        sharedImports[\"\"] = {{ {} }};",
        entries.join(", ")
    );
    if script.matches(SHARED_IMPORTS_END).count() != 1 {
        return Err(
            "the wasm-split loader's getSharedImports is not the one this build knows".to_owned(),
        );
    }
    if script.contains(&line) {
        return Ok(script.to_owned());
    }
    Ok(script.replacen(
        SHARED_IMPORTS_END,
        &format!("{line}{SHARED_IMPORTS_END}"),
        1,
    ))
}

/// The size of `bytes` gzipped at flate2's best level: a quick stand-in for zopfli when only
/// which of two inputs compresses smaller matters.
fn gzip_size(bytes: &[u8]) -> std::io::Result<usize> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() / 3);
    // Up to 256 blocks instead of zopfli's default 15: the main module's gzip is 0.4% smaller
    // (its block boundaries follow its sections better); no file got larger.
    let options = zopfli::Options {
        maximum_block_splits: 256,
        ..zopfli::Options::default()
    };
    zopfli::compress(options, zopfli::Format::Gzip, bytes, &mut out)?;
    let mut back = Vec::with_capacity(bytes.len());
    flate2::read::GzDecoder::new(out.as_slice()).read_to_end(&mut back)?;
    check_roundtrip(&back, bytes, "gzip")?;
    Ok(out)
}

fn brotli(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(bytes.len() / 3);
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    let mut back = Vec::with_capacity(bytes.len());
    brotli::BrotliDecompress(&mut out.as_slice(), &mut back)?;
    check_roundtrip(&back, bytes, "brotli")?;
    Ok(out)
}

fn check_roundtrip(back: &[u8], original: &[u8], format: &str) -> std::io::Result<()> {
    if back == original {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "{format} output does not decompress to its input"
        )))
    }
}

/// Compresses one asset; the sizes written (raw, gzip, brotli).
fn precompress(path: &Path) -> std::io::Result<(usize, usize, usize)> {
    let mut bytes = fs::read(path)?;
    let is_loader = path
        .file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with("__wasm_split") && name.ends_with(".js"));
    if is_loader {
        let script = String::from_utf8(bytes).map_err(std::io::Error::other)?;
        let script =
            share_short_imports(&strip_loader_comments(&script)).map_err(std::io::Error::other)?;
        bytes = script.into_bytes();
        fs::write(path, &bytes)?;
    }
    if path.extension().is_some_and(|e| e == "wasm") {
        bytes = wasm::strip_custom_sections(&bytes)
            .and_then(|stripped| wasm::shorten_imports(&stripped))
            .map_err(std::io::Error::other)?;
        fs::write(path, &bytes)?;
    }
    let gz = gzip(&bytes)?;
    let br = brotli(&bytes)?;
    fs::write(with_suffix(path, "gz"), &gz)?;
    fs::write(with_suffix(path, "br"), &br)?;
    Ok((bytes.len(), gz.len(), br.len()))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn assets(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        let asset = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "js" | "wasm" | "css"));
        if asset && path.is_file() {
            found.push(path);
        }
    }
    // Largest first, so the threads finish together.
    found.sort_by_key(|p| std::cmp::Reverse(fs::metadata(p).map_or(0, |m| m.len())));
    Ok(found)
}

/// `work` on every item, on as many threads as the machine has cores (items taken in turn, so
/// sorting them largest first makes the threads finish together); the results in no
/// particular order, or the first error.
pub(crate) fn parallel<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&T) -> std::io::Result<R> + Sync,
) -> std::io::Result<Vec<R>> {
    let workers = thread::available_parallelism().map_or(1, usize::from);
    thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                let work = &work;
                scope.spawn(move || {
                    items
                        .iter()
                        .skip(worker)
                        .step_by(workers)
                        .map(work)
                        .collect::<std::io::Result<Vec<R>>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(items.len());
        for handle in handles {
            let done = handle
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("a worker panicked")))?;
            all.extend(done);
        }
        Ok(all)
    })
}

fn run(dir: &Path) -> std::io::Result<(usize, usize, usize, usize)> {
    let files = assets(dir)?;
    let totals = parallel(&files, |path| {
        precompress(path)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))
    })?;
    let (raw, gz, br) = totals
        .iter()
        .fold((0, 0, 0), |a, t| (a.0 + t.0, a.1 + t.1, a.2 + t.2));
    Ok((files.len(), raw, gz, br))
}

/// Moves the read-only data only chunks use out of the main module of `dir` (the one module
/// with a memory of its own) into those chunks, as [`rodata::move_rodata`] plans from the
/// unsplit module; rewrites the modules that change. Returns the bytes the main module no
/// longer holds, those it keeps, and those written into chunks.
fn move_rodata(
    dir: &Path,
    unsplit: &Path,
) -> std::io::Result<(usize, usize, usize, std::ops::Range<u32>)> {
    let layout = rodata::Layout::read(&fs::read(unsplit)?)
        .map_err(|e| std::io::Error::other(format!("{}: {e}", unsplit.display())))?;
    let (main_path, main, chunks) = modules(dir)?;
    let views: Vec<&[u8]> = chunks.iter().map(|(_, bytes)| bytes.as_slice()).collect();
    let moved = rodata::move_rodata(&layout, &main, &views).map_err(std::io::Error::other)?;
    if let Some(bytes) = &moved.main {
        fs::write(&main_path, bytes)?;
    }
    for ((path, _), changed) in chunks.iter().zip(&moved.chunks) {
        if let Some(bytes) = changed {
            fs::write(path, bytes)?;
        }
    }
    Ok((
        moved.left_main,
        moved.kept,
        moved.written,
        layout.read_only(),
    ))
}

/// Renames what the main module of `dir` imports from its wasm-bindgen glue (`glue.rs`): the
/// module defining a memory, and the script of the same name. Whether anything changed.
fn shorten_glue(dir: &Path) -> std::io::Result<bool> {
    let (path, bytes, _) = modules(dir)?;
    let script_path = path.with_extension("js");
    let script = fs::read_to_string(&script_path)?;
    let changed = glue::shorten(&bytes, &script)
        .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display())))?;
    match changed {
        Some((module, script)) => {
            fs::write(&path, module)?;
            fs::write(&script_path, script)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// A WASM file: its path and bytes.
pub(crate) type ModuleFile = (PathBuf, Vec<u8>);

/// The WASM modules in `dir`: the main module (the one defining a memory) and the others,
/// each with its path and bytes.
///
/// # Errors
/// Reading them, a malformed module, or not exactly one module defining a memory.
pub(crate) fn modules(dir: &Path) -> std::io::Result<(PathBuf, Vec<u8>, Vec<ModuleFile>)> {
    let mut main = None;
    let mut others = Vec::new();
    for path in assets(dir)? {
        if path.extension().is_none_or(|e| e != "wasm") {
            continue;
        }
        let bytes = fs::read(&path)?;
        let defines_memory = wasm::sections(&bytes)
            .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display())))?
            .iter()
            .any(|(id, _)| *id == 5);
        if !defines_memory {
            others.push((path, bytes));
        } else if main.is_some() {
            return Err(std::io::Error::other("two modules define a memory"));
        } else {
            main = Some((path, bytes));
        }
    }
    let (path, bytes) = main.ok_or_else(|| std::io::Error::other("no module defines a memory"))?;
    Ok((path, bytes, others))
}

/// The steps that rewrite the modules (see the crate's documentation), in order, each
/// reporting what it did.
fn rewrite_modules(dir: &Path, unsplit: Option<&Path>) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    let mut read_only = None;
    if let Some(unsplit) = unsplit {
        let (left, kept, written, range) =
            move_rodata(dir, unsplit).map_err(|e| format!("read-only data: {e}"))?;
        let _ = writeln!(
            out,
            "read-only data: {left} bytes left the main module ({kept} kept), {written} written into chunks"
        );
        read_only = Some(range);
    }
    shorten_glue(dir).map_err(|e| format!("the glue's import names: {e}"))?;
    let merged = merge::merge_site(dir, read_only.as_ref())
        .map_err(|e| format!("merging the splits' chunks: {e}"))?;
    let _ = writeln!(
        out,
        "splits: {} merged modules, {} chunk files merged away, {} bytes of writable data moved into the main module",
        merged.modules, merged.removed, merged.hoisted
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let (dir, unsplit) = match args.as_slice() {
        [dir] => (Path::new(dir), None),
        [dir, flag, unsplit] if flag == "--unsplit" => (Path::new(dir), Some(Path::new(unsplit))),
        _ => {
            eprintln!("usage: precompress DIR [--unsplit UNSPLIT.wasm]");
            return ExitCode::from(2);
        }
    };
    match merge::site_done(dir) {
        Ok(true) => {
            let _ = writeln!(
                std::io::stdout().lock(),
                "the site's modules are as an earlier run left them: compressing only"
            );
        }
        Ok(false) => {
            if let Err(error) = rewrite_modules(dir, unsplit) {
                eprintln!("precompress: {error}");
                return ExitCode::FAILURE;
            }
        }
        Err(error) => {
            eprintln!("precompress: {error}");
            return ExitCode::FAILURE;
        }
    }
    match run(dir) {
        Ok((files, raw, gz, br)) => {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "{files} files: {raw} bytes, {gz} gzip (zopfli), {br} brotli"
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("precompress: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_line_comments_leave_the_loader() {
        let script = "/* __a, __b */\nconst x = 1; /* kept */\n/* a */ f(); /* b */\n  /* indented */\nend\n";
        assert_eq!(
            strip_loader_comments(script),
            "const x = 1; /* kept */\n/* a */ f(); /* b */\n  /* indented */\nend\n"
        );
    }

    /// `getSharedImports` as wasm-split 0.2 writes it.
    const LOADER: &str = "let sharedImports = undefined;
function getSharedImports() {
    if (sharedImports === undefined) {
        sharedImports = { __wasm_split: {  } };
        const { __wasm_split_shared0, memory, __indirect_function_table,  } = initSync(undefined, undefined);
        Object.assign(sharedImports.__wasm_split, { __wasm_split_shared0, memory, __indirect_function_table,  });
    }
    return sharedImports;
}
function wrapAsyncCb(callee) {}
";

    #[test]
    fn the_loader_passes_the_shared_imports_under_the_short_names_too() {
        let patched = share_short_imports(LOADER).unwrap();
        assert_eq!(
            patched,
            LOADER.replace(
                "__indirect_function_table,  });\n    }",
                "__indirect_function_table,  });\n        sharedImports[\"\"] = { t: sharedImports.__wasm_split.__indirect_function_table, m: sharedImports.__wasm_split.memory, g: sharedImports.__wasm_split.__wasm_split_shared0 };\n    }"
            )
        );
        assert_eq!(
            share_short_imports(&patched).unwrap(),
            patched,
            "patched once"
        );
        // A loader of another shape: the build stops.
        assert!(share_short_imports(&format!("{LOADER}{LOADER}")).is_err());
        assert!(share_short_imports("function getSharedImports() { return {}; }").is_err());
    }

    #[test]
    fn both_formats_roundtrip_and_zopfli_beats_the_default_level() {
        let text: Vec<u8> = (0..2_000_u32)
            .flat_map(|i| format!("chunk_{} {} ", i % 397, i * 7 % 1013).into_bytes())
            .collect();
        let gz = gzip(&text).unwrap();
        let mut default = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        default.write_all(&text).unwrap();
        assert!(gz.len() < default.finish().unwrap().len());
        assert!(brotli(&text).unwrap().len() < text.len() / 4);
    }
}
