//! Short names for what the main module imports from its wasm-bindgen JS glue.
//!
//! wasm-bindgen names each import after the Rust item plus a hash (`__wbg_new_bb74001155cb8ca8`)
//! from module `./<client>_bg.js`: the client imports ~200 of them, and each name is written
//! twice — in the module's import section and as a key of the imports object in the glue — with
//! 16 hexadecimal digits gzip cannot shorten. Renamed to one or two letters (and the module to
//! `b`), every page's first visit downloads ~6 KiB less.
//!
//! The glue is minified JavaScript this step does not parse: it renames a key only where the
//! old name occurs exactly once in the whole script, as `name:`, and stops the build otherwise
//! (a new wasm-bindgen writing the glue differently). Run on its own output, it changes nothing.

use crate::wasm;

/// The module the renamed imports come from.
const SHORT_MODULE: &str = "b";

/// The `index`-th short name: `a`–`z`, `A`–`Z`, then two letters, and so on.
fn short_name(mut index: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = Vec::new();
    loop {
        name.push(LETTERS[index % LETTERS.len()]);
        index /= LETTERS.len();
        if index == 0 {
            break;
        }
        index -= 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// The main module and its glue with the glue's imports renamed; `None` when there is nothing
/// to rename (no import module named `./…_bg.js`: already done).
///
/// # Errors
/// The module is malformed, imports from two glue modules, or the glue does not name the
/// module or an import exactly once (as a key).
pub(crate) fn shorten(module: &[u8], glue: &str) -> Result<Option<(Vec<u8>, String)>, String> {
    let imports = wasm::imports(module)?;
    let glue_modules: Vec<&str> = imports
        .iter()
        .map(|i| i.module)
        .filter(|m| m.starts_with("./") && m.ends_with("_bg.js"))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let glue_module = match glue_modules.as_slice() {
        [] => return Ok(None),
        [one] => *one,
        _ => return Err("the main module imports from two wasm-bindgen glue modules".to_owned()),
    };
    let quoted = format!("\"{glue_module}\":");
    if glue.matches(&quoted).count() != 1 {
        return Err(format!(
            "the glue does not name {glue_module} exactly once as a key"
        ));
    }
    let mut renames: Vec<(&str, String)> = Vec::new();
    for import in imports.iter().filter(|i| i.module == glue_module) {
        let key = format!("{}:", import.name);
        if glue.matches(import.name).count() != 1 || glue.matches(&key).count() != 1 {
            return Err(format!(
                "the glue does not name the import {} exactly once, as a key",
                import.name
            ));
        }
        renames.push((import.name, short_name(renames.len())));
    }
    let mut script = glue.replacen(&quoted, &format!("{SHORT_MODULE}:"), 1);
    for (long, short) in &renames {
        script = script.replacen(&format!("{long}:"), &format!("{short}:"), 1);
    }
    let renamed = wasm::rename_imports(module, |import_module, name| {
        (import_module == glue_module).then(|| {
            let short = renames
                .iter()
                .find(|(long, _)| *long == name)
                .map(|(_, short)| short.clone())
                .unwrap_or_default();
            (SHORT_MODULE.to_owned(), short)
        })
    })?;
    Ok(Some((renamed, script)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_letters_and_never_repeat() {
        assert_eq!(short_name(0), "a");
        assert_eq!(short_name(25), "z");
        assert_eq!(short_name(26), "A");
        assert_eq!(short_name(51), "Z");
        assert_eq!(short_name(52), "aa");
        assert_eq!(short_name(53), "ab");
        let names: std::collections::BTreeSet<String> = (0..5000).map(short_name).collect();
        assert_eq!(names.len(), 5000);
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_alphabetic()))
        );
    }

    /// A main module importing `names` from the glue module and `split` from the loader.
    fn main_module(names: &[&str]) -> Vec<u8> {
        let mut entries: Vec<(&str, &str, &[u8])> = names
            .iter()
            .map(|n| ("./client_bg.js", *n, &[0u8, 0][..]))
            .collect();
        entries.push(("./__wasm_split.js", "__wasm_split_load_x", &[0, 0]));
        wasm::test_module_with_imports(&entries)
    }

    const GLUE: &str = "function p(){return{__proto__:null,\"./client_bg.js\":{__proto__:null,\
        __wbg_new_bb74001155cb8ca8:function(){return Error()},\
        __wbg_set_0123456789abcdef:function(_,e){_.x=e}},\"./__wasm_split.js\":n}}";

    #[test]
    fn the_glue_imports_get_short_names_on_both_sides() {
        let module = main_module(&["__wbg_new_bb74001155cb8ca8", "__wbg_set_0123456789abcdef"]);
        let (renamed, script) = shorten(&module, GLUE).unwrap().unwrap();
        assert_eq!(
            script,
            "function p(){return{__proto__:null,b:{__proto__:null,\
             a:function(){return Error()},\
             b:function(_,e){_.x=e}},\"./__wasm_split.js\":n}}"
        );
        let imports = wasm::imports(&renamed).unwrap();
        let pairs: Vec<(&str, &str)> = imports.iter().map(|i| (i.module, i.name)).collect();
        assert_eq!(
            pairs,
            [
                ("b", "a"),
                ("b", "b"),
                ("./__wasm_split.js", "__wasm_split_load_x")
            ]
        );
        // Done once, there is nothing left to rename.
        assert_eq!(shorten(&renamed, &script).unwrap(), None);
    }

    #[test]
    fn a_glue_naming_an_import_twice_or_not_at_all_stops_the_build() {
        let module = main_module(&["__wbg_new_bb74001155cb8ca8", "__wbg_set_0123456789abcdef"]);
        let twice = GLUE.replace("return Error()", "return __wbg_new_bb74001155cb8ca8");
        assert!(
            shorten(&module, &twice)
                .unwrap_err()
                .contains("__wbg_new_bb74001155cb8ca8")
        );
        let missing = main_module(&["__wbg_gone_ffffffffffffffff"]);
        assert!(
            shorten(&missing, GLUE)
                .unwrap_err()
                .contains("__wbg_gone_ffffffffffffffff")
        );
        let no_module = GLUE.replace("\"./client_bg.js\"", "\"./other_bg.js\"");
        assert!(shorten(&module, &no_module).is_err());
    }
}
