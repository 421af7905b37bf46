//! Which code page an SIE file is written in: detection by content, decoding, and the
//! format note with findings about doubtful text.

use crate::diag::Findings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Ascii,
    Utf8,
    /// With a byte order mark.
    Utf16,
    Cp437,
    Windows1252,
}

pub(super) struct Decoded {
    pub(super) text: String,
    encoding: Encoding,
    declared_pc8: bool,
    /// Swedish-letter byte counts (CP437, Latin-1) for non-UTF-8 input.
    scores: (usize, usize),
}

/// Code page 437, bytes 0x80–0xFF.
const CP437_HIGH: [char; 128] = [
    '\u{00C7}', '\u{00FC}', '\u{00E9}', '\u{00E2}', '\u{00E4}', '\u{00E0}', '\u{00E5}',
    '\u{00E7}', // 0x80
    '\u{00EA}', '\u{00EB}', '\u{00E8}', '\u{00EF}', '\u{00EE}', '\u{00EC}', '\u{00C4}',
    '\u{00C5}', // 0x88
    '\u{00C9}', '\u{00E6}', '\u{00C6}', '\u{00F4}', '\u{00F6}', '\u{00F2}', '\u{00FB}',
    '\u{00F9}', // 0x90
    '\u{00FF}', '\u{00D6}', '\u{00DC}', '\u{00A2}', '\u{00A3}', '\u{00A5}', '\u{20A7}',
    '\u{0192}', // 0x98
    '\u{00E1}', '\u{00ED}', '\u{00F3}', '\u{00FA}', '\u{00F1}', '\u{00D1}', '\u{00AA}',
    '\u{00BA}', // 0xA0
    '\u{00BF}', '\u{2310}', '\u{00AC}', '\u{00BD}', '\u{00BC}', '\u{00A1}', '\u{00AB}',
    '\u{00BB}', // 0xA8
    '\u{2591}', '\u{2592}', '\u{2593}', '\u{2502}', '\u{2524}', '\u{2561}', '\u{2562}',
    '\u{2556}', // 0xB0
    '\u{2555}', '\u{2563}', '\u{2551}', '\u{2557}', '\u{255D}', '\u{255C}', '\u{255B}',
    '\u{2510}', // 0xB8
    '\u{2514}', '\u{2534}', '\u{252C}', '\u{251C}', '\u{2500}', '\u{253C}', '\u{255E}',
    '\u{255F}', // 0xC0
    '\u{255A}', '\u{2554}', '\u{2569}', '\u{2566}', '\u{2560}', '\u{2550}', '\u{256C}',
    '\u{2567}', // 0xC8
    '\u{2568}', '\u{2564}', '\u{2565}', '\u{2559}', '\u{2558}', '\u{2552}', '\u{2553}',
    '\u{256B}', // 0xD0
    '\u{256A}', '\u{2518}', '\u{250C}', '\u{2588}', '\u{2584}', '\u{258C}', '\u{2590}',
    '\u{2580}', // 0xD8
    '\u{03B1}', '\u{00DF}', '\u{0393}', '\u{03C0}', '\u{03A3}', '\u{03C3}', '\u{00B5}',
    '\u{03C4}', // 0xE0
    '\u{03A6}', '\u{0398}', '\u{03A9}', '\u{03B4}', '\u{221E}', '\u{03C6}', '\u{03B5}',
    '\u{2229}', // 0xE8
    '\u{2261}', '\u{00B1}', '\u{2265}', '\u{2264}', '\u{2320}', '\u{2321}', '\u{00F7}',
    '\u{2248}', // 0xF0
    '\u{00B0}', '\u{2219}', '\u{00B7}', '\u{221A}', '\u{207F}', '\u{00B2}', '\u{25A0}',
    '\u{00A0}', // 0xF8
];

fn decode_cp437(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b < 0x80 {
                char::from(b)
            } else {
                CP437_HIGH[usize::from(b - 0x80)]
            }
        })
        .collect()
}

/// Whether a line `#FORMAT PC8` (quoted or not, any case) is present.
fn declares_pc8(bytes: &[u8]) -> bool {
    bytes.split(|&b| b == b'\n' || b == b'\r').any(|line| {
        let line: Vec<u8> = line
            .iter()
            .filter(|b| !matches!(b, b' ' | b'\t' | b'"'))
            .map(u8::to_ascii_uppercase)
            .collect();
        line.starts_with(b"#FORMATPC8")
    })
}

pub(super) fn decode(bytes: &[u8]) -> Decoded {
    let utf16 = if bytes.starts_with(b"\xFF\xFE") {
        Some(encoding_rs::UTF_16LE)
    } else if bytes.starts_with(b"\xFE\xFF") {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    };
    if let Some(encoding) = utf16 {
        let (text, _, _) = encoding.decode(bytes);
        let text = text.into_owned();
        return Decoded {
            declared_pc8: declares_pc8(text.as_bytes()),
            text,
            encoding: Encoding::Utf16,
            scores: (0, 0),
        };
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let declared_pc8 = declares_pc8(bytes);
    if bytes.is_ascii() {
        return Decoded {
            text: String::from_utf8_lossy(bytes).into_owned(),
            encoding: Encoding::Ascii,
            declared_pc8,
            scores: (0, 0),
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: text.to_string(),
            encoding: Encoding::Utf8,
            declared_pc8,
            scores: (0, 0),
        };
    }
    let cp437 = bytes
        .iter()
        .filter(|b| matches!(b, 0x86 | 0x84 | 0x94 | 0x8F | 0x8E | 0x99 | 0x82 | 0x81))
        .count();
    let latin = bytes
        .iter()
        .filter(|b| matches!(b, 0xE5 | 0xE4 | 0xF6 | 0xC5 | 0xC4 | 0xD6 | 0xE9 | 0xFC))
        .count();
    let use_cp437 = cp437 > latin || (cp437 == latin && declared_pc8);
    if use_cp437 {
        Decoded {
            text: decode_cp437(bytes),
            encoding: Encoding::Cp437,
            declared_pc8,
            scores: (cp437, latin),
        }
    } else {
        let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
        Decoded {
            text: text.into_owned(),
            encoding: Encoding::Windows1252,
            declared_pc8,
            scores: (cp437, latin),
        }
    }
}

/// The encoding part of [`SieFile::format_note`](super::SieFile::format_note), and findings
/// about doubtful text.
pub(super) fn describe_encoding(
    decoded: &Decoded,
    lines: &[&str],
    file: &str,
    findings: &mut Findings,
) -> String {
    let first_line = |pred: &dyn Fn(char) -> bool| {
        lines
            .iter()
            .position(|l| l.chars().any(pred))
            .map_or(0, |i| i as u64 + 1)
    };
    match decoded.encoding {
        Encoding::Ascii => "ASCII only".to_string(),
        Encoding::Utf8 | Encoding::Utf16 => {
            let lost = decoded.text.chars().filter(|&c| c == '\u{FFFD}').count();
            if lost > 0 {
                let line = first_line(&|c| c == '\u{FFFD}');
                findings.warning(
                    file,
                    Some(line),
                    None,
                    format!(
                        "{lost} replacement characters (U+FFFD) in the text: letters were lost \
                         before the file was written, so names may be garbled"
                    ),
                );
            }
            let name = if decoded.encoding == Encoding::Utf8 {
                "UTF-8"
            } else {
                "UTF-16"
            };
            if decoded.declared_pc8 {
                format!("{name} (the file declares #FORMAT PC8, but its content is {name})")
            } else {
                name.to_string()
            }
        }
        Encoding::Cp437 => {
            let is_box = |c: char| ('\u{2500}'..='\u{259F}').contains(&c);
            let boxes = decoded.text.chars().filter(|&c| is_box(c)).count();
            if boxes > 0 {
                let line = first_line(&is_box);
                findings.note(
                    file,
                    format!(
                        "{boxes} character(s) decoded as code page 437 box drawing (first on line \
                         {line}); they may be Windows-1252/Latin-1 letters in a PC8 file"
                    ),
                );
            }
            if decoded.declared_pc8 {
                "code page 437 (#FORMAT PC8)".to_string()
            } else {
                "code page 437 (recognised by its letters; no #FORMAT PC8)".to_string()
            }
        }
        Encoding::Windows1252 => {
            if decoded.declared_pc8 {
                findings.note(
                    file,
                    format!(
                        "the file declares #FORMAT PC8 but its letters are Windows-1252/Latin-1 \
                         bytes ({} against {} typical of code page 437); read as Windows-1252",
                        decoded.scores.1, decoded.scores.0
                    ),
                );
                "Windows-1252 (despite #FORMAT PC8)".to_string()
            } else {
                "Windows-1252".to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::super::tests::{count_containing, read};
    use super::*;

    #[test]
    fn cp437_letters() {
        // å ä ö Å Ä Ö é in code page 437, without and with #FORMAT PC8.
        let mut bytes = b"#FLAGGA 0\n#FNAMN \"".to_vec();
        bytes.extend([0x86, 0x84, 0x94, 0x8F, 0x8E, 0x99, 0x82]);
        bytes.extend(b"\"\n#KONTO 3000 \"F");
        bytes.extend([0x94, b'r', b's', 0x84, b'l', b'j', b'n', b'i', b'n', b'g']);
        bytes.extend(b"\"\n");
        let (s, _) = read(&bytes);
        assert_eq!(s.company.as_deref(), Some("åäöÅÄÖé"));
        assert_eq!(s.accounts[0].1, "Försäljning");
        assert!(s.format_note.unwrap_or_default().contains("code page 437"));
        let mut declared = b"#FORMAT PC8\n".to_vec();
        declared.extend(&bytes);
        let (s, _) = read(&declared);
        assert_eq!(
            s.format_note.as_deref(),
            Some("code page 437 (#FORMAT PC8)")
        );
        // Table spot checks against the code page.
        assert_eq!(
            decode_cp437(&[0x80, 0x81, 0x90, 0xE1, 0xF8, 0xFF, 0xC5]),
            "ÇüÉß°\u{A0}┼"
        );
    }

    #[test]
    fn windows_1252_and_utf8_are_recognised() {
        let mut latin = b"#FLAGGA 0\n#FNAMN \"".to_vec();
        latin.extend([0xC5, 0xE5, 0xE4, 0xF6, 0xD6, 0x80]);
        latin.extend(b"\"\n");
        let (s, _) = read(&latin);
        assert_eq!(
            s.company.as_deref(),
            Some("Ååäöց€".replace('ց', "Ö").as_str())
        );
        assert_eq!(s.format_note.as_deref(), Some("Windows-1252"));
        // Latin-1 letters under #FORMAT PC8: the content wins, with a note.
        let mut lying = b"#FORMAT PC8\n".to_vec();
        lying.extend(&latin);
        let mut findings = Findings::default();
        let s = parse(&lying, "x.se", "1", &mut findings).expect("sie");
        assert_eq!(s.company.as_deref(), Some("ÅåäöÖ€"));
        assert_eq!(count_containing(&findings, "declares #FORMAT PC8"), 1);
        let (s, findings) = read("\u{FEFF}#FLAGGA 0\n#FNAMN \"Åre Kök\"\n".as_bytes());
        assert_eq!(s.company.as_deref(), Some("Åre Kök"));
        assert_eq!(s.format_note.as_deref(), Some("UTF-8"));
        assert!(findings.items.is_empty());
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "#FLAGGA 0\r\n#FORMAT PC8\r\n#FNAMN \"Åre Kök\"\r\n".encode_utf16() {
            utf16.extend(unit.to_le_bytes());
        }
        let (s, _) = read(&utf16);
        assert_eq!(s.company.as_deref(), Some("Åre Kök"));
        assert!(
            s.format_note
                .unwrap_or_default()
                .starts_with("UTF-16 (the file declares")
        );
    }
}
