//! What the build trims from the WASM modules before compressing them: their custom sections,
//! and the long names under which wasm-split's chunks import what the main module shares.
//! Every other byte of a module is kept as it was, in order.

/// The start of every version-1 module.
const HEADER: &[u8] = b"\0asm\x01\0\0\0";

/// The module name wasm-split's chunks import from, and what its loader passes under it.
pub(crate) const SPLIT_MODULE: &str = "__wasm_split";

/// The names under which the chunks import the main module's table, memory and shared
/// global, and the one-letter names under module `""` they import them as after
/// [`shorten_imports`] (the loader passes both, see `share_short_imports` in `main.rs`).
pub(crate) const SHORT_IMPORTS: [(&str, &str); 3] = [
    ("__indirect_function_table", "t"),
    ("memory", "m"),
    ("__wasm_split_shared0", "g"),
];

/// The sections of a module: (id, contents), in order.
///
/// # Errors
/// The bytes are not a version-1 module, or a section runs past the end.
pub(crate) fn sections(module: &[u8]) -> Result<Vec<(u8, &[u8])>, String> {
    let Some(mut rest) = module.strip_prefix(HEADER) else {
        return Err("not a version-1 WebAssembly module".to_owned());
    };
    let mut found = Vec::new();
    while let Some((&id, after_id)) = rest.split_first() {
        let (size, after_size) = read_u32_leb(after_id)?;
        let size = usize::try_from(size).map_err(|e| e.to_string())?;
        if size > after_size.len() {
            return Err(format!(
                "section {id} claims {size} bytes, {} are left",
                after_size.len()
            ));
        }
        let (contents, next) = after_size.split_at(size);
        found.push((id, contents));
        rest = next;
    }
    Ok(found)
}

/// A module of these sections.
pub(crate) fn module(sections: &[(u8, &[u8])]) -> Vec<u8> {
    let mut out = HEADER.to_vec();
    for (id, contents) in sections {
        out.push(*id);
        write_u32_leb(&mut out, contents.len());
        out.extend_from_slice(contents);
    }
    out
}

/// A module without its custom sections (section id 0). The toolchain leaves two in every
/// module — `producers` (the compilers' names and versions) and `target_features` (for a
/// linker) — about 200 bytes that compress to ~160 on their own: the split client has hundreds
/// of modules, a page downloads up to ~300 of them, and ~100 hold nothing else. Custom sections
/// never change what a module does (WebAssembly core spec, 5.5.3).
///
/// # Errors
/// See [`sections`].
pub(crate) fn strip_custom_sections(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let kept: Vec<_> = sections(bytes)?
        .into_iter()
        .filter(|(id, _)| *id != 0)
        .collect();
    Ok(module(&kept))
}

/// A wasm-split chunk importing under [`SHORT_IMPORTS`]' short names: every chunk imports the
/// main module's table, memory and shared global as `__wasm_split.__indirect_function_table`
/// and so on — ~90 bytes of names in each of hundreds of modules, each compressed on its own.
/// Modules that import nothing from [`SPLIT_MODULE`] (the main module, empty chunks) come back
/// unchanged.
///
/// # Errors
/// The module is malformed, or imports from [`SPLIT_MODULE`] something other than the three
/// names (a newer wasm-split: the loader's short names would not cover it), or mixes those
/// imports with others.
pub(crate) fn shorten_imports(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut all = sections(bytes)?;
    let Some(at) = all.iter().position(|(id, _)| *id == 2) else {
        return Ok(bytes.to_vec());
    };
    let imports = read_imports(all[at].1)?;
    let split = imports.iter().filter(|i| i.module == SPLIT_MODULE).count();
    if split == 0 {
        return Ok(bytes.to_vec());
    }
    if split != imports.len() {
        return Err(format!(
            "a chunk imports from {SPLIT_MODULE} and from other modules"
        ));
    }
    let mut section = Vec::with_capacity(all[at].1.len());
    write_u32_leb(&mut section, imports.len());
    for import in &imports {
        let Some((_, short)) = SHORT_IMPORTS.iter().find(|(long, _)| *long == import.name) else {
            return Err(format!(
                "a chunk imports {SPLIT_MODULE}.{}, which has no short name",
                import.name
            ));
        };
        write_name(&mut section, "");
        write_name(&mut section, short);
        section.extend_from_slice(import.description);
    }
    all[at].1 = &section;
    Ok(module(&all))
}

/// One entry of an import section.
pub(crate) struct Import<'a> {
    pub(crate) module: &'a str,
    pub(crate) name: &'a str,
    /// The import's kind and type, as encoded.
    pub(crate) description: &'a [u8],
}

/// A module's imports, in order (none without an import section).
///
/// # Errors
/// The module or its import section is malformed.
pub(crate) fn imports(module: &[u8]) -> Result<Vec<Import<'_>>, String> {
    match sections(module)?.into_iter().find(|(id, _)| *id == 2) {
        Some((_, section)) => read_imports(section),
        None => Ok(Vec::new()),
    }
}

/// `module` with each import `rename` gives a new (module, name) for renamed; the others, and
/// every other section, as they were.
///
/// # Errors
/// The module or its import section is malformed.
pub(crate) fn rename_imports(
    bytes: &[u8],
    mut rename: impl FnMut(&str, &str) -> Option<(String, String)>,
) -> Result<Vec<u8>, String> {
    let mut all = sections(bytes)?;
    let Some(at) = all.iter().position(|(id, _)| *id == 2) else {
        return Ok(bytes.to_vec());
    };
    let imports = read_imports(all[at].1)?;
    let mut section = Vec::with_capacity(all[at].1.len());
    write_u32_leb(&mut section, imports.len());
    for import in &imports {
        match rename(import.module, import.name) {
            Some((to_module, to_name)) => {
                write_name(&mut section, &to_module);
                write_name(&mut section, &to_name);
            }
            None => {
                write_name(&mut section, import.module);
                write_name(&mut section, import.name);
            }
        }
        section.extend_from_slice(import.description);
    }
    all[at].1 = &section;
    Ok(module(&all))
}

/// A module importing `imports` (name, description), from module `from`, and exporting each
/// under its own name: what binaryen's `wasm-merge` resolves the chunks' imports against when
/// it merges them into one module (which then imports them from `from`).
///
/// # Errors
/// An import is cut off or is a function.
pub(crate) fn import_stub(imports: &[(&str, &[u8])], from: &str) -> Result<Vec<u8>, String> {
    let mut import_section = Vec::new();
    let mut export_section = Vec::new();
    write_u32_leb(&mut import_section, imports.len());
    write_u32_leb(&mut export_section, imports.len());
    let mut per_kind = [0usize; 4];
    for (name, description) in imports {
        let kind = *description.first().ok_or("an import is cut off")?;
        if !(1..=3).contains(&kind) {
            return Err(format!(
                "a chunk imports {name} of kind {kind}, not a table, memory or global"
            ));
        }
        write_name(&mut import_section, from);
        write_name(&mut import_section, name);
        import_section.extend_from_slice(description);
        write_name(&mut export_section, name);
        export_section.push(kind);
        write_u32_leb(&mut export_section, per_kind[usize::from(kind)]);
        per_kind[usize::from(kind)] += 1;
    }
    Ok(module(&[(2, &import_section), (7, &export_section)]))
}

/// `module` without the exports named `names`, and without its export section when none is
/// left.
///
/// # Errors
/// The module or its export section is malformed.
pub(crate) fn without_exports(bytes: &[u8], names: &[&str]) -> Result<Vec<u8>, String> {
    let mut all = sections(bytes)?;
    let Some(at) = all.iter().position(|(id, _)| *id == 7) else {
        return Ok(bytes.to_vec());
    };
    let (count, mut rest) = read_u32_leb(all[at].1)?;
    let mut kept = Vec::new();
    for _ in 0..count {
        let (name, after_name) = read_name(rest)?;
        let (&kind, after_kind) = after_name.split_first().ok_or("an export is cut off")?;
        let (index, after_index) = read_u32_leb(after_kind)?;
        if !names.contains(&name) {
            kept.push((name, kind, index));
        }
        rest = after_index;
    }
    let mut section = Vec::new();
    write_u32_leb(&mut section, kept.len());
    for (name, kind, index) in &kept {
        write_name(&mut section, name);
        section.push(*kind);
        write_u32_leb(&mut section, *index as usize);
    }
    if kept.is_empty() {
        all.remove(at);
    } else {
        all[at].1 = &section;
    }
    Ok(module(&all))
}

/// A module of one import section holding `imports` (module, name, description).
#[cfg(test)]
pub(crate) fn test_module_with_imports(imports: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut section = Vec::new();
    write_u32_leb(&mut section, imports.len());
    for (module, name, description) in imports {
        write_name(&mut section, module);
        write_name(&mut section, name);
        section.extend_from_slice(description);
    }
    module(&[(2, &section)])
}

fn read_imports(mut section: &[u8]) -> Result<Vec<Import<'_>>, String> {
    let count;
    (count, section) = read_u32_leb(section)?;
    let mut imports = Vec::new();
    for _ in 0..count {
        let (module, rest) = read_name(section)?;
        let (name, rest) = read_name(rest)?;
        let length = description_length(rest)?;
        imports.push(Import {
            module,
            name,
            description: &rest[..length],
        });
        section = &rest[length..];
    }
    if section.is_empty() {
        Ok(imports)
    } else {
        Err("the import section has bytes after its last import".to_owned())
    }
}

/// The length of an import description: its kind byte and its type.
fn description_length(bytes: &[u8]) -> Result<usize, String> {
    let (&kind, after_kind) = bytes.split_first().ok_or("an import is cut off")?;
    let rest = match kind {
        // A function: its type index.
        0 => read_u32_leb(after_kind)?.1,
        // A table: its element type, then limits.
        1 => limits(after_kind.get(1..).ok_or("a table import is cut off")?)?,
        // A memory: limits.
        2 => limits(after_kind)?,
        // A global: value type and mutability.
        3 => after_kind.get(2..).ok_or("a global import is cut off")?,
        other => return Err(format!("an import of unknown kind {other}")),
    };
    Ok(bytes.len() - rest.len())
}

/// What follows limits: a flags byte, the minimum, and the maximum when flag 1 is set.
fn limits(bytes: &[u8]) -> Result<&[u8], String> {
    let (&flags, rest) = bytes.split_first().ok_or("limits are cut off")?;
    if flags & !0b11 != 0 {
        return Err(format!("limits with flags {flags:#x} (64-bit memory?)"));
    }
    let (_, rest) = read_u32_leb(rest)?;
    if flags & 1 == 1 {
        Ok(read_u32_leb(rest)?.1)
    } else {
        Ok(rest)
    }
}

fn read_name(bytes: &[u8]) -> Result<(&str, &[u8]), String> {
    let (length, rest) = read_u32_leb(bytes)?;
    let length = usize::try_from(length).map_err(|e| e.to_string())?;
    if length > rest.len() {
        return Err("a name is cut off".to_owned());
    }
    let (name, rest) = rest.split_at(length);
    let name = std::str::from_utf8(name).map_err(|e| e.to_string())?;
    Ok((name, rest))
}

fn write_name(out: &mut Vec<u8>, name: &str) {
    write_u32_leb(out, name.len());
    out.extend_from_slice(name.as_bytes());
}

/// An unsigned LEB128 of at most 5 bytes, and what follows it.
pub(crate) fn read_u32_leb(bytes: &[u8]) -> Result<(u32, &[u8]), String> {
    let mut value: u32 = 0;
    for (i, &byte) in bytes.iter().take(5).enumerate() {
        let bits = u32::from(byte & 0x7f);
        if i == 4 && bits > 0x0f {
            return Err("a number does not fit 32 bits".to_owned());
        }
        value |= bits << (7 * i);
        if byte & 0x80 == 0 {
            return Ok((value, &bytes[i + 1..]));
        }
    }
    Err("a number is cut off".to_owned())
}

pub(crate) fn write_u32_leb(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An import entry: module, name, description.
    fn import(module: &str, name: &str, description: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        write_name(&mut out, module);
        write_name(&mut out, name);
        out.extend_from_slice(description);
        out
    }

    fn import_section(entries: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::new();
        write_u32_leb(&mut out, entries.len());
        for entry in entries {
            out.extend_from_slice(entry);
        }
        out
    }

    /// The three imports of a chunk, under `names` from `from`.
    fn chunk_imports(from: &str, names: [&str; 3]) -> Vec<u8> {
        import_section(&[
            // A funcref table with minimum 7,750 and no maximum.
            import(from, names[0], &[1, 0x70, 0, 0xc6, 0x3c]),
            // A memory with minimum 20 and maximum 300.
            import(from, names[1], &[2, 1, 20, 0xac, 0x02]),
            // A mutable i32 global.
            import(from, names[2], &[3, 0x7f, 1]),
        ])
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
        assert_eq!(strip_custom_sections(&empty).unwrap(), HEADER);
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
        let endless = [HEADER, &[1, 0xff, 0xff, 0xff, 0xff, 0x7f]].concat();
        assert!(strip_custom_sections(&endless).is_err());
    }

    #[test]
    fn a_chunk_imports_under_the_short_names_and_nothing_else_changes() {
        let long = SHORT_IMPORTS.map(|(long, _)| long);
        let short = SHORT_IMPORTS.map(|(_, short)| short);
        let types: &[u8] = &[1, 0x60, 0, 0];
        let code: &[u8] = &[1, 2, 0, 0x0b];
        let chunk = module(&[
            (1, types),
            (2, &chunk_imports(SPLIT_MODULE, long)),
            (10, code),
        ]);
        let shortened = shorten_imports(&chunk).unwrap();
        assert_eq!(
            shortened,
            module(&[(1, types), (2, &chunk_imports("", short)), (10, code)])
        );
        assert!(shortened.len() + 70 < chunk.len());
        // Once shortened, a chunk imports from "" and is left as it is.
        assert_eq!(shorten_imports(&shortened).unwrap(), shortened);
    }

    #[test]
    fn the_merge_stub_exports_what_it_imports_and_loses_those_exports_again() {
        let memory: &[u8] = &[2, 0, 20];
        let table: &[u8] = &[1, 0x70, 0, 7];
        let global: &[u8] = &[3, 0x7f, 1];
        let stub = import_stub(&[("m", memory), ("t", table), ("g", global)], "x").unwrap();
        let all = sections(&stub).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(
            all[0].1,
            import_section(&[
                import("x", "m", memory),
                import("x", "t", table),
                import("x", "g", global)
            ])
        );
        // Each export names its import: memory 0, table 0, global 0.
        let mut exports = vec![3];
        for (name, kind) in [("m", 2), ("t", 1), ("g", 3)] {
            write_name(&mut exports, name);
            exports.extend_from_slice(&[kind, 0]);
        }
        assert_eq!(all[1].1, exports);
        assert!(import_stub(&[("f", &[0, 1])], "x").is_err());

        let without = without_exports(&stub, &["m", "g"]).unwrap();
        let mut left = vec![1];
        write_name(&mut left, "t");
        left.extend_from_slice(&[1, 0]);
        assert_eq!(sections(&without).unwrap()[1].1, left);
        let none = without_exports(&stub, &["m", "t", "g"]).unwrap();
        assert_eq!(sections(&none).unwrap().len(), 1);
        assert_eq!(without_exports(&none, &["m"]).unwrap(), none);
    }

    #[test]
    fn modules_that_import_nothing_from_wasm_split_are_left_alone() {
        let main = module(&[(2, &import_section(&[import("wbg", "f", &[0, 3])]))]);
        assert_eq!(shorten_imports(&main).unwrap(), main);
        assert_eq!(shorten_imports(HEADER).unwrap(), HEADER);
    }

    #[test]
    fn an_import_without_a_short_name_or_a_mixed_chunk_fails_the_build() {
        let unknown = module(&[(
            2,
            &import_section(&[import(SPLIT_MODULE, "__wasm_split_shared1", &[3, 0x7f, 1])]),
        )]);
        assert!(
            shorten_imports(&unknown)
                .unwrap_err()
                .contains("__wasm_split_shared1")
        );
        let mixed = module(&[(
            2,
            &import_section(&[
                import(SPLIT_MODULE, "memory", &[2, 0, 1]),
                import("wbg", "f", &[0, 3]),
            ]),
        )]);
        assert!(shorten_imports(&mixed).is_err());
        let cut = module(&[(2, &chunk_imports(SPLIT_MODULE, ["memory"; 3])[..12])]);
        assert!(shorten_imports(&cut).is_err());
    }
}
