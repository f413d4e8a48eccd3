//! `precompress DIR`: writes `FILE.gz` (zopfli) and `FILE.br` (brotli, best quality) next to
//! every `.js`, `.wasm` and `.css` in `DIR`, replacing what cargo-leptos's `--precompress`
//! wrote, after dropping the whole-line comments of wasm-split's loader script and the custom
//! sections of every WASM module.
//!
//! The server sends these files with a year-long cache lifetime, so they are compressed once as
//! far as the formats go: zopfli's gzip is plain gzip, ~4% smaller than `gzip -9` on the WASM.
//! Chromium over plain HTTP (the browser tests, a console behind no TLS) downloads the gzip;
//! over HTTPS, the brotli. Every output is decompressed again and compared with its input.

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

/// A WASM module without its custom sections (section id 0). The toolchain leaves two in every
/// module — `producers` (the compilers' names and versions) and `target_features` (for a
/// linker) — about 200 bytes that compress to ~160 on their own: the split client has hundreds
/// of modules, a page downloads up to ~300 of them, and ~100 hold nothing else. Custom sections
/// never change what a module does (WebAssembly core spec, 5.5.3); every other section is kept
/// byte for byte, in order.
///
/// # Errors
/// The bytes are not a version-1 WASM module, or a section runs past the end.
fn strip_custom_sections(module: &[u8]) -> Result<Vec<u8>, String> {
    const HEADER: &[u8] = b"\0asm\x01\0\0\0";
    let Some(mut rest) = module.strip_prefix(HEADER) else {
        return Err("not a version-1 WebAssembly module".to_owned());
    };
    let mut out = Vec::with_capacity(module.len());
    out.extend_from_slice(HEADER);
    while let Some((&id, after_id)) = rest.split_first() {
        let (size, after_size) = read_u32_leb(after_id)?;
        let size = usize::try_from(size).map_err(|e| e.to_string())?;
        if size > after_size.len() {
            return Err(format!(
                "section {id} claims {size} bytes, {} are left",
                after_size.len()
            ));
        }
        let end = module.len() - after_size.len() + size;
        if id != 0 {
            out.extend_from_slice(&module[module.len() - rest.len()..end]);
        }
        rest = &after_size[size..];
    }
    Ok(out)
}

/// An unsigned LEB128 of at most 5 bytes (a section size), and what follows it.
fn read_u32_leb(bytes: &[u8]) -> Result<(u32, &[u8]), String> {
    let mut value: u32 = 0;
    for (i, &byte) in bytes.iter().take(5).enumerate() {
        let bits = u32::from(byte & 0x7f);
        if i == 4 && bits > 0x0f {
            return Err("a section size does not fit 32 bits".to_owned());
        }
        value |= bits << (7 * i);
        if byte & 0x80 == 0 {
            return Ok((value, &bytes[i + 1..]));
        }
    }
    Err("a section size is cut off".to_owned())
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() / 3);
    zopfli::compress(
        zopfli::Options::default(),
        zopfli::Format::Gzip,
        bytes,
        &mut out,
    )?;
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
        bytes = strip_loader_comments(&script).into_bytes();
        fs::write(path, &bytes)?;
    }
    if path.extension().is_some_and(|e| e == "wasm") {
        bytes = strip_custom_sections(&bytes).map_err(std::io::Error::other)?;
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

fn run(dir: &Path) -> std::io::Result<(usize, usize, usize, usize)> {
    let files = assets(dir)?;
    let workers = thread::available_parallelism().map_or(1, usize::from);
    let totals = thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                let files = &files;
                scope.spawn(move || {
                    let mut sum = (0, 0, 0);
                    for path in files.iter().skip(worker).step_by(workers) {
                        let (raw, gz, br) = precompress(path).map_err(|e| {
                            std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
                        })?;
                        sum = (sum.0 + raw, sum.1 + gz, sum.2 + br);
                    }
                    Ok::<_, std::io::Error>(sum)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("worker panicked")))
            })
            .collect::<std::io::Result<Vec<_>>>()
    })?;
    let (raw, gz, br) = totals
        .iter()
        .fold((0, 0, 0), |a, t| (a.0 + t.0, a.1 + t.1, a.2 + t.2));
    Ok((files.len(), raw, gz, br))
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: precompress DIR");
        return ExitCode::from(2);
    };
    match run(Path::new(&dir)) {
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

    /// A module: the header, then (id, contents) sections.
    fn module(sections: &[(u8, &[u8])]) -> Vec<u8> {
        let mut out = b"\0asm\x01\0\0\0".to_vec();
        for (id, contents) in sections {
            out.push(*id);
            let mut size = contents.len();
            loop {
                let byte = u8::try_from(size & 0x7f).unwrap();
                size >>= 7;
                out.push(if size == 0 { byte } else { byte | 0x80 });
                if size == 0 {
                    break;
                }
            }
            out.extend_from_slice(contents);
        }
        out
    }

    #[test]
    fn custom_sections_leave_and_every_other_section_stays_as_it_was() {
        let producers = [&[9][..], b"producers", &[0; 40]].concat();
        let features = [&[15][..], b"target_features", &[1; 150]].concat();
        let code = vec![0x0b; 200]; // a size needing two LEB128 bytes
        let input = module(&[
            (1, &[1, 0x60, 0, 0]),
            (0, &producers),
            (10, &code),
            (0, &features),
        ]);
        let stripped = strip_custom_sections(&input).unwrap();
        assert_eq!(stripped, module(&[(1, &[1, 0x60, 0, 0]), (10, &code)]));
        assert_eq!(strip_custom_sections(&stripped).unwrap(), stripped);
        // A module of custom sections only (wasm-split writes such chunks) is its header.
        let empty = module(&[(0, &producers), (0, &features)]);
        assert_eq!(strip_custom_sections(&empty).unwrap(), b"\0asm\x01\0\0\0");
    }

    #[test]
    fn what_is_not_a_whole_module_is_refused() {
        assert!(strip_custom_sections(b"\0asm\x02\0\0\0").is_err());
        assert!(strip_custom_sections(b"<html>").is_err());
        let whole = module(&[(1, &[1, 0x60, 0, 0])]);
        for cut in 9..whole.len() {
            assert!(
                strip_custom_sections(&whole[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        let endless = [&b"\0asm\x01\0\0\0"[..], &[1, 0xff, 0xff, 0xff, 0xff, 0x7f]].concat();
        assert!(strip_custom_sections(&endless).is_err());
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
