#![no_main]
//! Fuzzes `trust_core::fuzzing::settings`; see README "Fuzzing".

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    std::hint::black_box(trust_core::fuzzing::settings(data));
});
