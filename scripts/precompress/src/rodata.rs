//! Read-only data moved out of the main module into the chunks that alone read it.
//!
//! wasm-split moves functions into chunks, never data: every string and table of every page
//! stays in the main module's data section, which the login page downloads too (a third of the
//! main module's gzip before this step). After the split, this step moves each read-only data
//! symbol that no code of the main module refers to into an active data segment of every chunk
//! that does. A chunk's active segments are written into the shared memory when the chunk is
//! instantiated, and the chunk's code runs only after that, so the bytes are in place whenever
//! its code reads them — at the same addresses as before. Writing read-only bytes twice (two
//! chunks with the same symbol) writes what is there already.
//!
//! Which symbol is where, and which constant means which symbol, comes from the module the
//! linker wrote before the split (cargo-leptos links it with relocations kept for wasm-split):
//! its `linking` section names every data symbol with its segment, offset and size, and its
//! `reloc.CODE` and `reloc.DATA` sections say which symbol (plus addend) each address constant
//! in the code and each pointer in the data stands for. Who refers to what after the split is
//! read from the split modules' code itself: every `i32.const`, every load or store offset and
//! every global's initial value that falls into the read-only data.
//!
//! Everything uncertain stays in the main module:
//! - a constant that no relocation produced (the optimiser folded one) keeps every symbol within
//!   [`FOLD_SLACK`] bytes of it, in the main module and in each chunk that has it;
//! - a symbol any relocation refers to outside its own bytes (a negative or past-the-end addend,
//!   as for `table[i - 1]`) stays;
//! - so does a symbol whose bytes in the main module differ from the unsplit module's beyond the
//!   function-table indices wasm-split renumbers (wasm-bindgen rewrites a few).
//!
//! A symbol no module refers to (and no kept or moved symbol points to) leaves the main module
//! and goes nowhere: the code that referred to it is gone — wasm-bindgen drops its descriptor
//! functions, and the optimiser drops arguments that inlining made unused (the `Location` of
//! a `#[track_caller]` call, an `unreachable!` message of a branch it proved dead). About a
//! quarter of the client's read-only data is such bytes.
//!
//! Pointers between symbols (`reloc.DATA`) are followed: what a kept symbol points to is kept,
//! what a moved symbol points to moves along with it. Writable data (`.data`, `.bss`) never
//! moves, and whatever it points to stays. The step fails the build — rather than guessing —
//! when the unsplit module does not match the split one (a stale build), when a module uses
//! instructions outside WebAssembly 2.0 without SIMD (whose memory offsets this step would not
//! read) or segment indices (`memory.init`, `data.drop`), or when the modules are in a state it
//! did not write. Run on its own output, it changes nothing.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use wasmparser::{
    DataKind, KnownCustom, Linking, Name, Operator, Parser, Payload, RelocationType, SymbolInfo,
    Validator, WasmFeatures,
};

use crate::wasm;

/// How far from a constant no relocation produced a symbol may lie and still be kept for it:
/// the optimiser folds small offsets (a field, an element) into address constants.
const FOLD_SLACK: u32 = 64;

/// More symbols than this (or than a quarter of those checked) differing between the unsplit
/// and the split module means the two are not one build.
const MAX_REWRITTEN: usize = 32;

/// Zero bytes this long split a segment written into a chunk (memory starts zeroed).
const ZERO_RUN: usize = 8;

/// One read-only data symbol of the unsplit module.
#[derive(Debug, Clone)]
struct Symbol {
    at: Range<u32>,
    /// Symbols this one's bytes point to (`reloc.DATA`), by index into [`Layout::symbols`].
    points_to: Vec<usize>,
}

/// What the unsplit module says about the read-only data.
#[derive(Debug)]
pub(crate) struct Layout {
    /// The `.rodata` segment's addresses.
    rodata: Range<u32>,
    /// Its bytes as linked (function-table indices not yet renumbered by wasm-split).
    bytes: Vec<u8>,
    /// The read-only symbols, by address.
    symbols: Vec<Symbol>,
    /// The longest symbol's size: how far back from an address a symbol holding it may start.
    longest: u32,
    /// Every address constant the relocations produce, and the symbols it stands for.
    constants: HashMap<u32, Vec<usize>>,
    /// Symbols that must stay in the main module whatever refers to them.
    pinned: BTreeSet<usize>,
    /// Addresses of bytes holding function-table indices (wasm-split renumbers them).
    table_bytes: BTreeSet<u32>,
}

impl Layout {
    /// Reads the unsplit module.
    ///
    /// # Errors
    /// The module is malformed, has no `.rodata` segment, symbol table or relocations, or
    /// uses relocations this step does not know (position-independent or 64-bit code).
    pub(crate) fn read(unsplit: &[u8]) -> Result<Self, String> {
        let mut segments: Vec<Segment<'_>> = Vec::new();
        let mut names: HashMap<u32, String> = HashMap::new();
        let mut data_symbols: HashMap<u32, (u32, u32, u32)> = HashMap::new();
        let mut relocations = Vec::new();
        let (mut data_section, mut data_body, mut section) = (None, 0, 0u32);
        for payload in Parser::new(0).parse_all(unsplit) {
            let payload = payload.map_err(|e| format!("the unsplit module: {e}"))?;
            match &payload {
                Payload::DataSection(reader) => {
                    data_section = Some(section);
                    data_body = reader.range().start;
                    segments = read_segments(reader.clone())?;
                }
                Payload::CustomSection(custom) => match custom.as_known() {
                    KnownCustom::Linking(linking) => {
                        for sub in linking.subsections() {
                            match sub.map_err(|e| e.to_string())? {
                                Linking::SymbolTable(table) => {
                                    for (index, info) in table.into_iter().enumerate() {
                                        if let SymbolInfo::Data {
                                            symbol: Some(defined),
                                            ..
                                        } = info.map_err(|e| e.to_string())?
                                        {
                                            data_symbols.insert(
                                                u32::try_from(index).map_err(|e| e.to_string())?,
                                                (defined.index, defined.offset, defined.size),
                                            );
                                        }
                                    }
                                }
                                Linking::SegmentInfo(infos) => {
                                    for (index, info) in infos.into_iter().enumerate() {
                                        let index =
                                            u32::try_from(index).map_err(|e| e.to_string())?;
                                        names.insert(
                                            index,
                                            info.map_err(|e| e.to_string())?.name.to_owned(),
                                        );
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                    KnownCustom::Reloc(reloc) => {
                        for entry in reloc.entries() {
                            relocations
                                .push((reloc.section_index(), entry.map_err(|e| e.to_string())?));
                        }
                    }
                    KnownCustom::Name(subsections) => {
                        for sub in subsections {
                            if let Ok(Name::Data(map)) = sub {
                                for naming in map {
                                    let naming = naming.map_err(|e| e.to_string())?;
                                    names
                                        .entry(naming.index)
                                        .or_insert_with(|| naming.name.to_owned());
                                }
                            }
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
            if payload.as_section().is_some() {
                section += 1;
            }
        }
        let data_section = data_section.ok_or("the unsplit module has no data section")?;
        if data_symbols.is_empty() || relocations.is_empty() {
            return Err("the unsplit module has no symbol table or relocations (linked without --emit-relocs?)".to_owned());
        }
        let rodata_index = names
            .iter()
            .find(|(_, name)| name.as_str() == ".rodata")
            .map(|(index, _)| *index)
            .ok_or("the unsplit module has no .rodata segment")?;
        let rodata_segment = segments
            .get(rodata_index as usize)
            .ok_or("the .rodata segment is not in the data section")?;
        let rodata = rodata_segment.at.clone();
        let bytes = rodata_segment.bytes.to_vec();

        // Symbols: the read-only ones get an index into `symbols`; the others only matter as
        // places pointers start from.
        let mut by_address: Vec<(u32, Range<u32>)> = Vec::new();
        for (&id, &(segment, offset, size)) in &data_symbols {
            let base = segments
                .get(segment as usize)
                .ok_or_else(|| format!("data symbol {id} in a missing segment {segment}"))?
                .at
                .start;
            if segment == rodata_index && size > 0 {
                by_address.push((id, base + offset..base + offset + size));
            }
        }
        by_address.sort_by_key(|(id, at)| (at.start, at.end, *id));
        let longest = by_address.iter().map(|(_, at)| at.len()).max().unwrap_or(0);
        let longest = u32::try_from(longest).map_err(|e| e.to_string())?;
        let index_of: HashMap<u32, usize> = by_address
            .iter()
            .enumerate()
            .map(|(index, (id, _))| (*id, index))
            .collect();
        let mut symbols: Vec<Symbol> = by_address
            .into_iter()
            .map(|(_, at)| Symbol {
                at,
                points_to: Vec::new(),
            })
            .collect();

        let mut constants: HashMap<u32, Vec<usize>> = HashMap::new();
        let mut pinned = BTreeSet::new();
        let mut table_bytes = BTreeSet::new();
        let address_in_data = |offset: u32| -> Result<u32, String> {
            let offset = offset as usize + data_body;
            segments
                .iter()
                .find(|s| s.file.contains(&offset))
                .map(|s| s.at.start + u32::try_from(offset - s.file.start).unwrap_or(u32::MAX))
                .ok_or_else(|| format!("a data relocation at {offset} is in no segment"))
        };
        for (section_index, entry) in &relocations {
            let in_data = *section_index == data_section;
            match entry.ty {
                RelocationType::MemoryAddrLeb
                | RelocationType::MemoryAddrSleb
                | RelocationType::MemoryAddrI32 => {}
                RelocationType::TableIndexI32 if in_data => {
                    let at = address_in_data(entry.offset)?;
                    table_bytes.extend(at..at + 4);
                    continue;
                }
                RelocationType::MemoryAddrRelSleb
                | RelocationType::MemoryAddrLocrelI32
                | RelocationType::MemoryAddrTlsSleb
                | RelocationType::MemoryAddrLeb64
                | RelocationType::MemoryAddrSleb64
                | RelocationType::MemoryAddrI64
                | RelocationType::MemoryAddrRelSleb64
                | RelocationType::MemoryAddrTlsSleb64 => {
                    return Err(format!(
                        "the unsplit module has a {:?} relocation, which this step does not read",
                        entry.ty
                    ));
                }
                _ => continue,
            }
            let Some(&target) = index_of.get(&entry.index) else {
                continue; // writable data, or a symbol of no size
            };
            let at = &symbols[target].at;
            let value = i64::from(at.start) + entry.addend;
            if entry.addend < 0 || value > i64::from(at.end) {
                pinned.insert(target);
            }
            let value = u32::try_from(value)
                .map_err(|_| format!("relocation value {value} is not an address"))?;
            constants.entry(value).or_default().push(target);
            if in_data {
                let from = address_in_data(entry.offset)?;
                let holders = containing(&symbols, longest, from);
                if holders.is_empty() {
                    // A pointer in writable data, or between symbols: what it points to stays.
                    pinned.insert(target);
                }
                for holder in holders {
                    symbols[holder].points_to.push(target);
                }
            }
        }
        Ok(Self {
            rodata,
            bytes,
            symbols,
            longest,
            constants,
            pinned,
            table_bytes,
        })
    }

    /// The read-only data's addresses.
    pub(crate) fn read_only(&self) -> Range<u32> {
        self.rodata.clone()
    }

    /// The symbols a constant found in a split module may stand for: those a relocation
    /// produced it for and those holding it; when no relocation produced it, every symbol
    /// within [`FOLD_SLACK`] bytes.
    fn meant_by(&self, value: u32) -> Vec<usize> {
        if value < self.rodata.start || value > self.rodata.end {
            return self.constants.get(&value).cloned().unwrap_or_default();
        }
        if let Some(exact) = self.constants.get(&value) {
            let mut found = containing(&self.symbols, self.longest, value);
            found.extend(exact);
            return found;
        }
        overlapping(
            &self.symbols,
            self.longest,
            value.saturating_sub(FOLD_SLACK)..value.saturating_add(FOLD_SLACK + 1),
        )
    }
}

/// The symbols whose bytes hold `address` (none is longer than `longest`).
fn containing(symbols: &[Symbol], longest: u32, address: u32) -> Vec<usize> {
    overlapping(symbols, longest, address..address + 1)
}

/// The symbols whose bytes meet `range`. Symbols are sorted by start and none is longer than
/// `longest`, so the walk back from the first symbol starting past the range stops once
/// starts are that far before it.
fn overlapping(symbols: &[Symbol], longest: u32, range: Range<u32>) -> Vec<usize> {
    let end = symbols.partition_point(|s| s.at.start < range.end);
    let mut found = Vec::new();
    for index in (0..end).rev() {
        let at = &symbols[index].at;
        if at.end > range.start {
            found.push(index);
        } else if range.start.saturating_sub(at.start) > longest {
            break;
        }
    }
    found
}

/// One data segment: where it is written, where its bytes are in the file, and the bytes.
struct Segment<'a> {
    at: Range<u32>,
    file: Range<usize>,
    bytes: &'a [u8],
}

/// The active segments of a data section, each at an `i32.const` address in memory 0.
fn read_segments(reader: wasmparser::DataSectionReader<'_>) -> Result<Vec<Segment<'_>>, String> {
    let mut segments = Vec::new();
    for data in reader {
        let data = data.map_err(|e| e.to_string())?;
        let DataKind::Active {
            memory_index: 0,
            offset_expr,
        } = data.kind
        else {
            return Err("a data segment that is passive or not for memory 0".to_owned());
        };
        let mut ops = offset_expr.get_operators_reader();
        let (Ok(Operator::I32Const { value }), Ok(Operator::End)) = (ops.read(), ops.read()) else {
            return Err("a data segment whose address is not an i32.const".to_owned());
        };
        let start = u32::try_from(value).map_err(|_| format!("a data segment at {value}"))?;
        let length = u32::try_from(data.data.len()).map_err(|e| e.to_string())?;
        segments.push(Segment {
            at: start..start + length,
            file: data.range.end - data.data.len()..data.range.end,
            bytes: data.data,
        });
    }
    Ok(segments)
}

/// The instructions a split module may use: WebAssembly 2.0 without SIMD, whose loads and
/// stores [`references`] would not read.
fn features() -> WasmFeatures {
    WasmFeatures::WASM2.difference(WasmFeatures::SIMD)
}

/// Whether `module` is valid with [`features`].
///
/// # Errors
/// It is not, and why.
pub(crate) fn validate(module: &[u8]) -> Result<(), String> {
    Validator::new_with_features(features())
        .validate_all(module)
        .map(|_| ())
        .map_err(|e| format!("outside WebAssembly 2.0 without SIMD: {e}"))
}

/// What a split module's code refers to.
#[derive(Debug)]
struct References {
    /// Every value that may be an address: `i32.const` operands, load and store offsets, and
    /// globals' initial values.
    values: Vec<u32>,
    /// Whether the module imports the memory (else it can hold no data: it only passes
    /// addresses on).
    has_memory: bool,
}

/// What `module` refers to, read in one pass.
///
/// # Errors
/// The module does not validate with [`features`], or uses data segment indices.
fn references(module: &[u8]) -> Result<References, String> {
    validate(module)?;
    let mut found = References {
        values: Vec::new(),
        has_memory: false,
    };
    for payload in Parser::new(0).parse_all(module) {
        match payload.map_err(|e| e.to_string())? {
            Payload::ImportSection(imports) => {
                for import in imports.into_imports() {
                    let import = import.map_err(|e| e.to_string())?;
                    found.has_memory |= matches!(import.ty, wasmparser::TypeRef::Memory(_));
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut ops = body.get_operators_reader().map_err(|e| e.to_string())?;
                while !ops.eof() {
                    let op = ops.read().map_err(|e| e.to_string())?;
                    if matches!(op, Operator::MemoryInit { .. } | Operator::DataDrop { .. }) {
                        return Err(
                            "code refers to data segments by index (memory.init, data.drop)"
                                .to_owned(),
                        );
                    }
                    if let Operator::I32Const { value } = op {
                        found.values.push(value.cast_unsigned());
                    } else if let Some(offset) = memory_offset(&op) {
                        found.values.push(u32::try_from(offset).unwrap_or(u32::MAX));
                    }
                }
            }
            Payload::GlobalSection(globals) => {
                for global in globals {
                    let global = global.map_err(|e| e.to_string())?;
                    if let Ok(Operator::I32Const { value }) =
                        global.init_expr.get_operators_reader().read()
                    {
                        found.values.push(value.cast_unsigned());
                    }
                }
            }
            _ => {}
        }
    }
    Ok(found)
}

/// The offset of a WebAssembly 2.0 load or store (SIMD excluded, see [`features`]).
fn memory_offset(op: &Operator<'_>) -> Option<u64> {
    use Operator::{
        F32Load, F32Store, F64Load, F64Store, I32Load, I32Load8S, I32Load8U, I32Load16S,
        I32Load16U, I32Store, I32Store8, I32Store16, I64Load, I64Load8S, I64Load8U, I64Load16S,
        I64Load16U, I64Load32S, I64Load32U, I64Store, I64Store8, I64Store16, I64Store32,
    };
    match op {
        I32Load { memarg }
        | I64Load { memarg }
        | F32Load { memarg }
        | F64Load { memarg }
        | I32Load8S { memarg }
        | I32Load8U { memarg }
        | I32Load16S { memarg }
        | I32Load16U { memarg }
        | I64Load8S { memarg }
        | I64Load8U { memarg }
        | I64Load16S { memarg }
        | I64Load16U { memarg }
        | I64Load32S { memarg }
        | I64Load32U { memarg }
        | I32Store { memarg }
        | I64Store { memarg }
        | F32Store { memarg }
        | F64Store { memarg }
        | I32Store8 { memarg }
        | I32Store16 { memarg }
        | I64Store8 { memarg }
        | I64Store16 { memarg }
        | I64Store32 { memarg } => Some(memarg.offset),
        _ => None,
    }
}

/// A module's active data segments, as (address, bytes); none if it has no data section.
pub(crate) fn data_segments(module: &[u8]) -> Result<Vec<(u32, Vec<u8>)>, String> {
    for payload in Parser::new(0).parse_all(module) {
        if let Payload::DataSection(reader) = payload.map_err(|e| e.to_string())? {
            return Ok(read_segments(reader)?
                .into_iter()
                .map(|s| (s.at.start, s.bytes.to_vec()))
                .collect());
        }
    }
    Ok(Vec::new())
}

/// What [`move_rodata`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Moved {
    /// The main module, when it changed.
    pub(crate) main: Option<Vec<u8>>,
    /// Each chunk, when it changed.
    pub(crate) chunks: Vec<Option<Vec<u8>>>,
    /// Read-only bytes the main module no longer holds.
    pub(crate) left_main: usize,
    /// Read-only bytes it keeps.
    pub(crate) kept: usize,
    /// Read-only bytes written into chunks (a symbol two chunks use counts twice).
    pub(crate) written: usize,
}

/// Moves the read-only data only chunks refer to out of `main` into those chunks (see the
/// module's documentation).
///
/// # Errors
/// See the module's documentation: a stale unsplit module, instructions this step does not
/// read, modules in a state it did not write.
pub(crate) fn move_rodata(layout: &Layout, main: &[u8], chunks: &[&[u8]]) -> Result<Moved, String> {
    let rodata = &layout.rodata;
    let span = (rodata.end - rodata.start) as usize;
    let slot = |address: u32| (address - rodata.start) as usize;

    // The bytes as they are after the split: the main module's, or a chunk's (this step's
    // earlier run), over the linked ones.
    let mut image: Vec<Option<u8>> = vec![None; span];
    let main_segments = data_segments(main)?;
    let chunk_segments = chunks
        .iter()
        .map(|chunk| data_segments(chunk))
        .collect::<Result<Vec<_>, _>>()?;
    let mut in_main = vec![false; span];
    for (at, bytes) in &main_segments {
        for (address, byte) in (*at..).zip(bytes) {
            if rodata.contains(&address) {
                image[slot(address)] = Some(*byte);
                in_main[slot(address)] = true;
            }
        }
    }
    for (at, bytes) in chunk_segments.iter().flatten() {
        for (address, byte) in (*at..).zip(bytes) {
            if rodata.contains(&address) {
                image[slot(address)] = Some(*byte);
            }
        }
    }

    // Symbols the main module holds with other bytes than the linker wrote.
    let mut rewritten = BTreeSet::new();
    let mut checked = 0;
    for (index, symbol) in layout.symbols.iter().enumerate() {
        if !symbol.at.clone().all(|address| in_main[slot(address)]) {
            continue;
        }
        checked += 1;
        let differs = symbol.at.clone().any(|address| {
            !layout.table_bytes.contains(&address)
                && image[slot(address)] != Some(layout.bytes[slot(address)])
        });
        if differs {
            rewritten.insert(index);
        }
    }
    if rewritten.len() > MAX_REWRITTEN || rewritten.len() * 4 > checked {
        return Err(format!(
            "{} of the {checked} read-only symbols the main module holds differ from the unsplit module's: they are not one build (rebuild the site)",
            rewritten.len()
        ));
    }

    let referred = |module: &[u8]| -> Result<(BTreeSet<usize>, bool), String> {
        let found = references(module)?;
        let symbols = found
            .values
            .into_iter()
            .flat_map(|value| layout.meant_by(value))
            .collect();
        Ok((symbols, found.has_memory))
    };
    let (mut keep, _) = referred(main).map_err(|e| format!("the main module: {e}"))?;
    let mut chunk_refs = Vec::with_capacity(chunks.len());
    for (n, chunk) in chunks.iter().enumerate() {
        let (refs, has_memory) = referred(chunk).map_err(|e| format!("chunk {n}: {e}"))?;
        if has_memory {
            chunk_refs.push(refs);
        } else {
            // A chunk without the memory (it only passes addresses on to the main module's
            // code) cannot hold data: what it refers to stays.
            keep.extend(refs);
            chunk_refs.push(BTreeSet::new());
        }
    }
    keep.extend(layout.pinned.iter().copied());
    keep.extend(rewritten);
    close(&layout.symbols, &mut keep, &BTreeSet::new());

    let mut kept_mask = vec![false; span];
    for &index in &keep {
        for address in layout.symbols[index].at.clone() {
            kept_mask[slot(address)] = true;
        }
    }
    // Bytes in no symbol that are not zero stay too (none are expected).
    let mut covered = vec![false; span];
    for symbol in &layout.symbols {
        for address in symbol.at.clone() {
            covered[slot(address)] = true;
        }
    }
    for i in 0..span {
        if !covered[i] && layout.bytes[i] != 0 {
            kept_mask[i] = true;
        }
    }

    let mut moved = Moved::default();
    for (n, refs) in chunk_refs.into_iter().enumerate() {
        let mut wanted: BTreeSet<usize> = refs.difference(&keep).copied().collect();
        close(&layout.symbols, &mut wanted, &keep);
        let mut mask = vec![false; span];
        for &index in &wanted {
            for address in layout.symbols[index].at.clone() {
                mask[slot(address)] = true;
            }
        }
        // A byte no split module writes is zero: the optimiser leaves out zeros only.
        let value = |i: usize| image[i].unwrap_or(0);
        let mut planned = Vec::new();
        for run in runs(&mask, ZERO_RUN) {
            let bytes: Vec<u8> = run.clone().map(value).collect();
            for piece in without_zero_runs(&bytes, ZERO_RUN) {
                let start = rodata.start
                    + u32::try_from(run.start + piece.start).map_err(|e| e.to_string())?;
                moved.written += piece.len();
                planned.push((start, bytes[piece].to_vec()));
            }
        }
        let (ours, theirs): (Vec<_>, Vec<_>) = chunk_segments[n]
            .iter()
            .cloned()
            .partition(|(at, _)| rodata.contains(at));
        if ours == planned {
            moved.chunks.push(None);
        } else if ours.is_empty() {
            let all: Vec<_> = theirs.into_iter().chain(planned).collect();
            moved.chunks.push(Some(with_data(chunks[n], &all)?));
        } else {
            return Err(format!(
                "chunk {n} holds read-only data this step would not write there (rebuild the site)"
            ));
        }
    }

    // The main module without what only chunks read.
    let mut left = Vec::new();
    for (at, bytes) in &main_segments {
        let keeps = |k: usize| {
            let address = *at + k as u32;
            !rodata.contains(&address) || kept_mask[slot(address)]
        };
        let kept: Vec<bool> = (0..bytes.len()).map(keeps).collect();
        for run in runs(&kept, 0) {
            left.push((*at + run.start as u32, bytes[run].to_vec()));
        }
    }
    moved.kept = left
        .iter()
        .map(|(at, bytes)| {
            (*at..*at + bytes.len() as u32)
                .filter(|a| rodata.contains(a))
                .count()
        })
        .sum();
    moved.left_main = in_main.iter().filter(|held| **held).count() - moved.kept;
    if left != main_segments {
        moved.main = Some(with_data(main, &left)?);
    }
    Ok(moved)
}

/// Adds to `set` every symbol its members point to, except those in `except`.
fn close(symbols: &[Symbol], set: &mut BTreeSet<usize>, except: &BTreeSet<usize>) {
    let mut todo: Vec<usize> = set.iter().copied().collect();
    while let Some(index) = todo.pop() {
        for &target in &symbols[index].points_to {
            if !except.contains(&target) && set.insert(target) {
                todo.push(target);
            }
        }
    }
}

/// The runs of `true` in `mask`, joining runs apart by at most `gap` positions.
fn runs(mask: &[bool], gap: usize) -> Vec<Range<usize>> {
    let mut found: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while i < mask.len() {
        if !mask[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < mask.len() && mask[i] {
            i += 1;
        }
        match found.last_mut() {
            Some(last) if start - last.end <= gap => last.end = i,
            _ => found.push(start..i),
        }
    }
    found
}

/// The parts of `bytes` left after cutting out runs of at least `run` zero bytes (and zeros
/// at either end): memory starts zeroed, so they need not be written.
fn without_zero_runs(bytes: &[u8], run: usize) -> Vec<Range<usize>> {
    let nonzero: Vec<bool> = bytes.iter().map(|b| *b != 0).collect();
    runs(&nonzero, run - 1)
}

/// `module` with its data section holding `segments` (active, memory 0), placed where the
/// format puts it (after the code section), and its data count section, if any, updated;
/// without a data section when there are no segments.
pub(crate) fn with_data(module: &[u8], segments: &[(u32, Vec<u8>)]) -> Result<Vec<u8>, String> {
    let mut section = Vec::new();
    wasm::write_u32_leb(&mut section, segments.len());
    for (at, bytes) in segments {
        section.push(0); // active, memory 0
        section.push(0x41); // i32.const
        write_i32_sleb(&mut section, at.cast_signed());
        section.push(0x0b); // end
        wasm::write_u32_leb(&mut section, bytes.len());
        section.extend_from_slice(bytes);
    }
    let mut count = Vec::new();
    wasm::write_u32_leb(&mut count, segments.len());
    let mut all = wasm::sections(module)?;
    if let Some(entry) = all.iter_mut().find(|(id, _)| *id == 12) {
        entry.1 = &count;
    }
    if segments.is_empty() {
        all.retain(|(id, _)| *id != 11);
    } else if let Some(entry) = all.iter_mut().find(|(id, _)| *id == 11) {
        entry.1 = &section;
    } else {
        let after = all
            .iter()
            .rposition(|(id, _)| *id == 10)
            .ok_or("a chunk with data to hold has no code section")?;
        all.insert(after + 1, (11, &section));
    }
    Ok(wasm::module(&all))
}

/// A signed LEB128.
fn write_i32_sleb(out: &mut Vec<u8>, mut value: i32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        let done = (value == 0 && byte & 0x40 == 0) || (value == -1 && byte & 0x40 != 0);
        if done {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A 32-bit memory of one page, for tests.
#[cfg(test)]
pub(crate) fn test_memory() -> wasm_encoder::MemoryType {
    wasm_encoder::MemoryType {
        minimum: 1,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    }
}

/// A data section of active segments (address, bytes) in memory 0, for tests.
#[cfg(test)]
pub(crate) fn test_data_section(segments: &[(u32, &[u8])]) -> wasm_encoder::DataSection {
    let mut section = wasm_encoder::DataSection::new();
    for (at, bytes) in segments {
        section.active(
            0,
            &wasm_encoder::ConstExpr::i32_const(at.cast_signed()),
            bytes.to_vec(),
        );
    }
    section
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_encoder::{
        CodeSection, CustomSection, DataSection, DataSymbolDefinition, Encode as _, EntityType,
        Function, FunctionSection, ImportSection, Instruction, LinkingSection, MemArg,
        MemorySection, Module, NameMap, NameSection, SymbolTable, TypeSection,
    };

    const RODATA: u32 = 1024;
    const WRITABLE: u32 = 4096;

    /// The read-only symbols of the test client: name, offset in `.rodata`, size.
    const SYMBOLS: &[(&str, u32, u32)] = &[
        ("only_chunks", 0, 16),   // read by chunks 1 and 2, points to `pointed`
        ("main", 16, 8),          // read by the main module
        ("dead", 24, 8),          // nothing refers to it
        ("pointed", 40, 8),       // only `only_chunks` points to it
        ("behind", 56, 4),        // chunk 1 reads it at -4 (a negative addend)
        ("from_writable", 64, 8), // writable data points to it; chunk 1 reads it
        ("no_memory", 80, 8),     // read only by a chunk without the memory
        ("rewritten", 96, 8),     // the main module holds other bytes (wasm-bindgen)
        ("folded", 300, 8),       // chunk 1 reads it through a folded constant
        ("near_folded", 312, 8),  // within the slack of that constant
    ];
    const RODATA_LEN: u32 = 400;

    fn address(name: &str) -> u32 {
        let (_, offset, _) = SYMBOLS.iter().find(|(n, _, _)| *n == name).unwrap();
        RODATA + offset
    }

    /// The linked `.rodata`: every symbol's bytes are its index + 1, repeated; `only_chunks`
    /// holds at +4 the address of `pointed`.
    fn rodata_bytes() -> Vec<u8> {
        let mut bytes = vec![0; RODATA_LEN as usize];
        for (i, (_, offset, size)) in SYMBOLS.iter().enumerate() {
            for b in &mut bytes[*offset as usize..(offset + size) as usize] {
                *b = u8::try_from(i + 1).unwrap();
            }
        }
        bytes[4..8].copy_from_slice(&address("pointed").to_le_bytes());
        bytes
    }

    /// The writable segment: a pointer to `from_writable`.
    fn writable_bytes() -> Vec<u8> {
        address("from_writable").to_le_bytes().to_vec()
    }

    fn leb(out: &mut Vec<u8>, value: u32) {
        wasm::write_u32_leb(out, value as usize);
    }

    /// A relocation section: (type, offset, symbol, addend).
    fn reloc(section: u32, entries: &[(u8, u32, u32, i32)]) -> Vec<u8> {
        let mut out = Vec::new();
        leb(&mut out, section);
        leb(&mut out, u32::try_from(entries.len()).unwrap());
        for (ty, offset, symbol, addend) in entries {
            out.push(*ty);
            leb(&mut out, *offset);
            leb(&mut out, *symbol);
            if *ty != 2 {
                write_i32_sleb(&mut out, *addend);
            }
        }
        out
    }

    const MEMORY_ADDR_SLEB: u8 = 4;
    const MEMORY_ADDR_I32: u8 = 5;

    fn code(body: &[Instruction<'_>]) -> CodeSection {
        let mut function = Function::new([]);
        for instruction in body {
            function.instruction(instruction);
        }
        function.instruction(&Instruction::End);
        let mut code = CodeSection::new();
        code.function(&function);
        code
    }

    fn types_and_function(module: &mut Module) {
        let mut types = TypeSection::new();
        types.ty().function([], []);
        module.section(&types);
    }

    /// Types, one function running `body`, and a memory of the module's own.
    fn with_memory(module: &mut Module, body: &[Instruction<'_>]) {
        types_and_function(module);
        let mut functions = FunctionSection::new();
        functions.function(0);
        module.section(&functions);
        let mut memories = MemorySection::new();
        memories.memory(test_memory());
        module.section(&memories);
        module.section(&code(body));
    }

    /// The unsplit module: `.rodata` and `.data`, a symbol table, and relocations for every
    /// reference the split modules below make (code) and for the two pointers (data).
    fn unsplit() -> Vec<u8> {
        let mut module = Module::new();
        with_memory(&mut module, &[]);
        let data = test_data_section(&[(RODATA, &rodata_bytes()), (WRITABLE, &writable_bytes())]);
        module.section(&data);
        // Section indices: type 0, function 1, memory 2, code 3, data 4.
        let data_body = {
            let mut section = Vec::new();
            data.encode(&mut section);
            let (_, body) = wasm::read_u32_leb(&section).unwrap();
            body.to_vec()
        };
        let at = |needle: &[u8]| {
            u32::try_from(
                data_body
                    .windows(needle.len())
                    .position(|w| w == needle)
                    .unwrap(),
            )
            .unwrap()
        };
        let rodata_at = at(&rodata_bytes());
        let writable_at = at(&writable_bytes());

        let mut symbols = SymbolTable::new();
        for (name, offset, size) in SYMBOLS {
            symbols.data(
                0,
                name,
                Some(DataSymbolDefinition {
                    index: 0,
                    offset: *offset,
                    size: *size,
                }),
            );
        }
        symbols.data(
            0,
            "writable",
            Some(DataSymbolDefinition {
                index: 1,
                offset: 0,
                size: 4,
            }),
        );
        let mut linking = LinkingSection::new();
        linking.symbol_table(&symbols);
        module.section(&linking);
        let mut names = NameSection::new();
        let mut segments = NameMap::new();
        segments.append(0, ".rodata");
        segments.append(1, ".data");
        names.data(&segments);
        module.section(&names);
        let index = |name: &str| {
            u32::try_from(SYMBOLS.iter().position(|(n, _, _)| *n == name).unwrap()).unwrap()
        };
        let code_relocs = reloc(
            3,
            &[
                (MEMORY_ADDR_SLEB, 0, index("only_chunks"), 0),
                (MEMORY_ADDR_SLEB, 0, index("main"), 0),
                (MEMORY_ADDR_SLEB, 0, index("behind"), -4),
                (MEMORY_ADDR_SLEB, 0, index("from_writable"), 0),
                (MEMORY_ADDR_SLEB, 0, index("no_memory"), 0),
                (MEMORY_ADDR_SLEB, 0, index("rewritten"), 0),
                (MEMORY_ADDR_SLEB, 0, index("folded"), 0),
                (MEMORY_ADDR_SLEB, 0, index("near_folded"), 0),
                (MEMORY_ADDR_SLEB, 0, index("dead"), 0),
            ],
        );
        module.section(&CustomSection {
            name: "reloc.CODE".into(),
            data: code_relocs.into(),
        });
        let data_relocs = reloc(
            4,
            &[
                (MEMORY_ADDR_I32, rodata_at + 4, index("pointed"), 0),
                (MEMORY_ADDR_I32, writable_at, index("from_writable"), 0),
            ],
        );
        module.section(&CustomSection {
            name: "reloc.DATA".into(),
            data: data_relocs.into(),
        });
        module.finish()
    }

    fn load(at: u32) -> Instruction<'static> {
        Instruction::I32Load(MemArg {
            offset: u64::from(at),
            align: 0,
            memory_index: 0,
        })
    }

    /// The main module after the split: its memory, the linked data (with `rewritten` holding
    /// other bytes), and code reading `main`.
    fn main_module(rodata: &[u8]) -> Vec<u8> {
        let mut module = Module::new();
        with_memory(
            &mut module,
            &[
                Instruction::I32Const(address("main").cast_signed()),
                Instruction::Drop,
            ],
        );
        module.section(&test_data_section(&[
            (RODATA, rodata),
            (WRITABLE, &writable_bytes()),
        ]));
        module.finish()
    }

    fn split_rodata() -> Vec<u8> {
        let mut bytes = rodata_bytes();
        let at = (address("rewritten") - RODATA) as usize;
        bytes[at] = 0xee;
        bytes
    }

    /// A chunk: imports the memory (or not), runs `body`, and holds `data` if any.
    fn chunk(memory: bool, body: &[Instruction<'_>], data: &[(u32, &[u8])]) -> Vec<u8> {
        let mut module = Module::new();
        types_and_function(&mut module);
        if memory {
            let mut imports = ImportSection::new();
            imports.import("", "m", EntityType::Memory(test_memory()));
            module.section(&imports);
        }
        let mut functions = FunctionSection::new();
        functions.function(0);
        module.section(&functions);
        module.section(&code(body));
        if !data.is_empty() {
            module.section(&test_data_section(data));
        }
        module.finish()
    }

    fn chunks() -> Vec<Vec<u8>> {
        vec![
            chunk(
                true,
                &[
                    Instruction::I32Const(address("only_chunks").cast_signed()),
                    Instruction::Drop,
                    Instruction::I32Const((address("behind") - 4).cast_signed()),
                    Instruction::Drop,
                    Instruction::I32Const(address("from_writable").cast_signed()),
                    Instruction::Drop,
                    // `folded` + 2: a constant no relocation produced.
                    Instruction::I32Const((address("folded") + 2).cast_signed()),
                    Instruction::Drop,
                    Instruction::I32Const(address("rewritten").cast_signed()),
                    Instruction::Drop,
                ],
                // A writable byte wasm-split placed in this chunk stays with it.
                &[(WRITABLE + 100, &[7])],
            ),
            // Reads `only_chunks` through a load offset.
            chunk(
                true,
                &[
                    Instruction::I32Const(0),
                    load(address("only_chunks") + 8),
                    Instruction::Drop,
                ],
                &[],
            ),
            // Passes `no_memory`'s address on without the memory.
            chunk(
                false,
                &[
                    Instruction::I32Const(address("no_memory").cast_signed()),
                    Instruction::Drop,
                ],
                &[],
            ),
        ]
    }

    fn run(main: &[u8], chunks: &[Vec<u8>]) -> Result<Moved, String> {
        let layout = Layout::read(&unsplit())?;
        let views: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
        move_rodata(&layout, main, &views)
    }

    /// The bytes of `name` in `segments`, if they hold all of them.
    fn held(segments: &[(u32, Vec<u8>)], name: &str) -> Option<Vec<u8>> {
        let (_, offset, size) = SYMBOLS.iter().find(|(n, _, _)| *n == name).unwrap();
        let start = RODATA + offset;
        (start..start + size)
            .map(|a| {
                segments.iter().find_map(|(at, bytes)| {
                    (a >= *at && a < *at + bytes.len() as u32).then(|| bytes[(a - at) as usize])
                })
            })
            .collect()
    }

    fn linked(name: &str) -> Vec<u8> {
        let (_, offset, size) = SYMBOLS.iter().find(|(n, _, _)| *n == name).unwrap();
        rodata_bytes()[*offset as usize..(offset + size) as usize].to_vec()
    }

    #[test]
    fn what_only_chunks_read_moves_into_them_and_the_rest_stays_or_goes() {
        let main = main_module(&split_rodata());
        let moved = run(&main, &chunks()).unwrap();
        let new_main = data_segments(moved.main.as_ref().unwrap()).unwrap();
        for name in ["main", "behind", "from_writable", "no_memory", "rewritten"] {
            assert!(
                held(&new_main, name).is_some(),
                "{name} left the main module"
            );
        }
        assert_eq!(held(&new_main, "rewritten").unwrap()[0], 0xee);
        for name in ["only_chunks", "pointed", "dead", "folded", "near_folded"] {
            assert!(
                held(&new_main, name).is_none(),
                "{name} stayed in the main module"
            );
        }
        // The writable data stays as it was.
        assert!(new_main.contains(&(WRITABLE, writable_bytes())));

        let first = data_segments(moved.chunks[0].as_ref().unwrap()).unwrap();
        for name in ["only_chunks", "pointed", "folded", "near_folded"] {
            assert_eq!(held(&first, name), Some(linked(name)), "{name} in chunk 1");
        }
        for name in ["dead", "main", "behind", "from_writable", "rewritten"] {
            assert!(held(&first, name).is_none(), "{name} written into chunk 1");
        }
        assert!(first.contains(&(WRITABLE + 100, vec![7])));
        let second = data_segments(moved.chunks[1].as_ref().unwrap()).unwrap();
        assert_eq!(held(&second, "only_chunks"), Some(linked("only_chunks")));
        assert_eq!(held(&second, "pointed"), Some(linked("pointed")));
        assert!(held(&second, "folded").is_none());
        assert_eq!(moved.chunks[2], None);
        // Every moved module still validates.
        for module in [
            moved.main.as_ref().unwrap(),
            moved.chunks[0].as_ref().unwrap(),
            moved.chunks[1].as_ref().unwrap(),
        ] {
            Validator::new_with_features(features())
                .validate_all(module)
                .unwrap();
        }
    }

    #[test]
    fn run_again_on_its_own_output_it_changes_nothing() {
        let main = main_module(&split_rodata());
        let chunks = chunks();
        let moved = run(&main, &chunks).unwrap();
        let main = moved.main.unwrap();
        let chunks: Vec<Vec<u8>> = chunks
            .into_iter()
            .zip(moved.chunks)
            .map(|(old, new)| new.unwrap_or(old))
            .collect();
        let again = run(&main, &chunks).unwrap();
        assert_eq!(again.main, None);
        assert!(again.chunks.iter().all(Option::is_none));
        assert_eq!(again.left_main, 0);
    }

    #[test]
    fn a_main_module_of_another_build_fails_the_step() {
        // Every symbol one byte off: another build's layout.
        let mut shifted = vec![0x55];
        shifted.extend_from_slice(&rodata_bytes()[..RODATA_LEN as usize - 1]);
        let error = run(&main_module(&shifted), &chunks()).unwrap_err();
        assert!(error.contains("not one build"), "{error}");
    }

    #[test]
    fn a_chunk_holding_read_only_data_this_step_did_not_plan_fails_it() {
        let mut chunks = chunks();
        chunks[1] = chunk(
            true,
            &[
                Instruction::I32Const(address("only_chunks").cast_signed()),
                Instruction::Drop,
            ],
            &[(address("dead"), &[1, 2, 3])],
        );
        let error = run(&main_module(&split_rodata()), &chunks).unwrap_err();
        assert!(error.contains("would not write"), "{error}");
    }

    #[test]
    fn segment_indices_and_simd_are_refused() {
        let mut module = Module::new();
        types_and_function(&mut module);
        let mut imports = ImportSection::new();
        imports.import("", "m", EntityType::Memory(test_memory()));
        module.section(&imports);
        let mut functions = FunctionSection::new();
        functions.function(0);
        module.section(&functions);
        module.section(&wasm_encoder::DataCountSection { count: 1 });
        module.section(&code(&[Instruction::DataDrop(0)]));
        let mut data = DataSection::new();
        data.passive([1, 2, 3]);
        module.section(&data);
        let error = references(&module.finish()).unwrap_err();
        assert!(error.contains("data segments by index"), "{error}");

        let simd = chunk(
            true,
            &[
                Instruction::I32Const(0),
                Instruction::V128Load(MemArg {
                    offset: 0,
                    align: 0,
                    memory_index: 0,
                }),
                Instruction::Drop,
            ],
            &[],
        );
        assert!(references(&simd).unwrap_err().contains("without SIMD"));
    }

    #[test]
    fn a_constant_no_relocation_made_keeps_every_symbol_near_it() {
        let layout = Layout::read(&unsplit()).unwrap();
        let near: BTreeSet<_> = layout.meant_by(address("folded") + 2).into_iter().collect();
        let expected: BTreeSet<_> = ["folded", "near_folded"]
            .iter()
            .map(|name| SYMBOLS.iter().position(|(n, _, _)| n == name).unwrap())
            .collect();
        // The symbols are sorted by address, as SYMBOLS lists them.
        assert_eq!(near, expected);
        // An exact relocation value means its symbols (and what holds it), no neighbours.
        assert_eq!(layout.meant_by(address("main")), vec![1, 1]);
        assert!(layout.meant_by(RODATA + RODATA_LEN + 10).is_empty());
        assert!(
            layout.pinned.contains(&4),
            "a negative addend pins `behind`"
        );
    }

    #[test]
    fn zero_runs_are_not_written_and_close_runs_join() {
        assert_eq!(
            runs(&[true, false, true, false, false, true], 1),
            vec![0..3, 5..6]
        );
        assert_eq!(
            without_zero_runs(&[0, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0], 8),
            vec![1..5, 13..14]
        );
        let mut out = Vec::new();
        write_i32_sleb(&mut out, 1_048_576);
        assert_eq!(out, [0x80, 0x80, 0xc0, 0x00]);
        out.clear();
        write_i32_sleb(&mut out, -4);
        assert_eq!(out, [0x7c]);
    }
}
