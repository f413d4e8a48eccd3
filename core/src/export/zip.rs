//! A minimal, deterministic ZIP writer: stored (uncompressed) entries, a fixed timestamp and
//! the entries in the order given, so that the same files give byte-identical archives. The
//! exports are a few kilobytes of text, where compression buys nothing worth a dependency.

/// CRC-32 (IEEE 802.3, as ZIP uses it).
pub fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, slot) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *slot = c;
    }
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc = table[((crc ^ u32::from(byte)) & 0xFF) as usize] ^ (crc >> 8);
    }
    crc ^ 0xFFFF_FFFF
}

/// 1980-01-01 00:00, the earliest DOS date: no clock is read.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;

/// A ZIP archive of `(path, content)` entries, stored, in the given order. Paths are used as
/// given (forward slashes); entries over 4 GiB are not supported (exports are kilobytes).
pub fn write(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (path, content) in entries {
        let offset = out.len() as u32;
        let crc = crc32(content);
        let size = content.len() as u32;
        let name = path.as_bytes();
        let header = |signature: u32, central_entry: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&signature.to_le_bytes());
            if central_entry {
                h.extend_from_slice(&20u16.to_le_bytes()); // made by: 2.0
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // needed: 2.0
            h.extend_from_slice(&0x0800u16.to_le_bytes()); // UTF-8 names
            h.extend_from_slice(&0u16.to_le_bytes()); // stored
            h.extend_from_slice(&DOS_TIME.to_le_bytes());
            h.extend_from_slice(&DOS_DATE.to_le_bytes());
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central_entry {
                h.extend_from_slice(&0u16.to_le_bytes()); // comment
                h.extend_from_slice(&0u16.to_le_bytes()); // disk
                h.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
                h.extend_from_slice(&0u32.to_le_bytes()); // external attributes
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name);
            h
        };
        out.extend(header(0x0403_4B50, false));
        out.extend_from_slice(content);
        central.extend(header(0x0201_4B50, true));
    }
    let central_offset = out.len() as u32;
    let central_size = central.len() as u32;
    out.extend(central);
    let count = entries.len() as u16;
    out.extend_from_slice(&0x0605_4B50u32.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&central_size.to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// Reads back an archive [`write`] made (stored entries only), for tests and import of a
/// previous export. `None` when it is not such an archive.
pub fn read(archive: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let u16_at = |at: usize| {
        Some(u16::from_le_bytes(
            archive.get(at..at + 2)?.try_into().ok()?,
        ))
    };
    let u32_at = |at: usize| {
        Some(u32::from_le_bytes(
            archive.get(at..at + 4)?.try_into().ok()?,
        ))
    };
    let mut at = 0;
    let mut out = Vec::new();
    while u32_at(at)? == 0x0403_4B50 {
        if u16_at(at + 8)? != 0 {
            return None;
        }
        let crc = u32_at(at + 14)?;
        let size = u32_at(at + 18)? as usize;
        let name_len = usize::from(u16_at(at + 26)?);
        let extra = usize::from(u16_at(at + 28)?);
        let name = String::from_utf8(archive.get(at + 30..at + 30 + name_len)?.to_vec()).ok()?;
        let start = at + 30 + name_len + extra;
        let content = archive.get(start..start + size)?.to_vec();
        if crc32(&content) != crc {
            return None;
        }
        out.push((name, content));
        at = start + size;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test(unsupported = test)]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn archives_are_deterministic_and_read_back() {
        let entries = vec![
            ("a/elasticsearch.yml".to_owned(), b"x: 1\n".to_vec()),
            ("b.txt".to_owned(), Vec::new()),
        ];
        let one = write(&entries);
        assert_eq!(one, write(&entries));
        assert_eq!(read(&one), Some(entries));
        assert_eq!(&one[..4], b"PK\x03\x04");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_corrupted_archive_is_refused() {
        let mut archive = write(&[("f".to_owned(), b"content".to_vec())]);
        archive[31] ^= 0xFF;
        assert_eq!(read(&archive), None);
    }
}
