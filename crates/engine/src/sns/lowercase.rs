//! Unicode's lowercase mapping in 185 runs, for SNS's `equals-ignore-case`: the same answers
//! as `char::to_lowercase`, whose ~1,400-entry table cost the SNS page ~5 KB gzip (a test checks
//! every character against it, so a toolchain with a newer Unicode says when to regenerate).

/// Runs of characters whose lowercase is the character plus a delta: `(packed, delta)`, where
/// `packed` holds the first character (bits 0–20), how many characters the run covers (bits
/// 21–27) and whether it takes every other character instead of every one (bit 28). Sorted by
/// first character.
const RUNS: [(u32, i32); 185] = [
    (0x03400041, 32),
    (0x02E000C0, 32),
    (0x00E000D8, 32),
    (0x13000100, 1),
    (0x10600132, 1),
    (0x11000139, 1),
    (0x12E0014A, 1),
    (0x00200178, -121),
    (0x10600179, 1),
    (0x00200181, 210),
    (0x10400182, 1),
    (0x00200186, 206),
    (0x00200187, 1),
    (0x00400189, 205),
    (0x0020018B, 1),
    (0x0020018E, 79),
    (0x0020018F, 202),
    (0x00200190, 203),
    (0x00200191, 1),
    (0x00200193, 205),
    (0x00200194, 207),
    (0x00200196, 211),
    (0x00200197, 209),
    (0x00200198, 1),
    (0x0020019C, 211),
    (0x0020019D, 213),
    (0x0020019F, 214),
    (0x106001A0, 1),
    (0x002001A6, 218),
    (0x002001A7, 1),
    (0x002001A9, 218),
    (0x002001AC, 1),
    (0x002001AE, 218),
    (0x002001AF, 1),
    (0x004001B1, 217),
    (0x104001B3, 1),
    (0x002001B7, 219),
    (0x002001B8, 1),
    (0x002001BC, 1),
    (0x002001C4, 2),
    (0x002001C5, 1),
    (0x002001C7, 2),
    (0x002001C8, 1),
    (0x002001CA, 2),
    (0x112001CB, 1),
    (0x112001DE, 1),
    (0x002001F1, 2),
    (0x104001F2, 1),
    (0x002001F6, -97),
    (0x002001F7, -56),
    (0x128001F8, 1),
    (0x00200220, -130),
    (0x11200222, 1),
    (0x0020023A, 10795),
    (0x0020023B, 1),
    (0x0020023D, -163),
    (0x0020023E, 10792),
    (0x00200241, 1),
    (0x00200243, -195),
    (0x00200244, 69),
    (0x00200245, 71),
    (0x10A00246, 1),
    (0x10400370, 1),
    (0x00200376, 1),
    (0x0020037F, 116),
    (0x00200386, 38),
    (0x00600388, 37),
    (0x0020038C, 64),
    (0x0040038E, 63),
    (0x02200391, 32),
    (0x012003A3, 32),
    (0x002003CF, 8),
    (0x118003D8, 1),
    (0x002003F4, -60),
    (0x002003F7, 1),
    (0x002003F9, -7),
    (0x002003FA, 1),
    (0x006003FD, -130),
    (0x02000400, 80),
    (0x04000410, 32),
    (0x12200460, 1),
    (0x1360048A, 1),
    (0x002004C0, 15),
    (0x10E004C1, 1),
    (0x160004D0, 1),
    (0x04C00531, 48),
    (0x04C010A0, 7264),
    (0x002010C7, 7264),
    (0x002010CD, 7264),
    (0x0A0013A0, 38864),
    (0x00C013F0, 8),
    (0x00201C89, 1),
    (0x05601C90, -3008),
    (0x00601CBD, -3008),
    (0x19601E00, 1),
    (0x00201E9E, -7615),
    (0x16001EA0, 1),
    (0x01001F08, -8),
    (0x00C01F18, -8),
    (0x01001F28, -8),
    (0x01001F38, -8),
    (0x00C01F48, -8),
    (0x10801F59, -8),
    (0x01001F68, -8),
    (0x01001F88, -8),
    (0x01001F98, -8),
    (0x01001FA8, -8),
    (0x00401FB8, -8),
    (0x00401FBA, -74),
    (0x00201FBC, -9),
    (0x00801FC8, -86),
    (0x00201FCC, -9),
    (0x00401FD8, -8),
    (0x00401FDA, -100),
    (0x00401FE8, -8),
    (0x00401FEA, -112),
    (0x00201FEC, -7),
    (0x00401FF8, -128),
    (0x00401FFA, -126),
    (0x00201FFC, -9),
    (0x00202126, -7517),
    (0x0020212A, -8383),
    (0x0020212B, -8262),
    (0x00202132, 28),
    (0x02002160, 16),
    (0x00202183, 1),
    (0x034024B6, 26),
    (0x06002C00, 48),
    (0x00202C60, 1),
    (0x00202C62, -10743),
    (0x00202C63, -3814),
    (0x00202C64, -10727),
    (0x10602C67, 1),
    (0x00202C6D, -10780),
    (0x00202C6E, -10749),
    (0x00202C6F, -10783),
    (0x00202C70, -10782),
    (0x00202C72, 1),
    (0x00202C75, 1),
    (0x00402C7E, -10815),
    (0x16402C80, 1),
    (0x10402CEB, 1),
    (0x00202CF2, 1),
    (0x12E0A640, 1),
    (0x11C0A680, 1),
    (0x10E0A722, 1),
    (0x13E0A732, 1),
    (0x1040A779, 1),
    (0x0020A77D, -35332),
    (0x10A0A77E, 1),
    (0x0020A78B, 1),
    (0x0020A78D, -42280),
    (0x1040A790, 1),
    (0x1140A796, 1),
    (0x0020A7AA, -42308),
    (0x0020A7AB, -42319),
    (0x0020A7AC, -42315),
    (0x0020A7AD, -42305),
    (0x0020A7AE, -42308),
    (0x0020A7B0, -42258),
    (0x0020A7B1, -42282),
    (0x0020A7B2, -42261),
    (0x0020A7B3, 928),
    (0x1100A7B4, 1),
    (0x0020A7C4, -48),
    (0x0020A7C5, -42307),
    (0x0020A7C6, -35384),
    (0x1040A7C7, 1),
    (0x0020A7CB, -42343),
    (0x1100A7CC, 1),
    (0x0020A7DC, -42561),
    (0x0020A7F5, 1),
    (0x0340FF21, 32),
    (0x05010400, 40),
    (0x048104B0, 40),
    (0x01610570, 39),
    (0x01E1057C, 39),
    (0x00E1058C, 39),
    (0x00410594, 39),
    (0x06610C80, 64),
    (0x02C10D50, 32),
    (0x040118A0, 32),
    (0x04016E40, 32),
    (0x03216EA0, 27),
    (0x0441E900, 34),
];

/// The lowercase of `c`: one character, or two for U+0130 (İ → i + combining dot above).
pub fn lowercase(c: char) -> (char, Option<char>) {
    if c == '\u{130}' {
        return ('i', Some('\u{307}'));
    }
    let cp = c as u32;
    let i = RUNS.partition_point(|&(packed, _)| packed & 0x1F_FFFF <= cp);
    let Some(&(packed, delta)) = i.checked_sub(1).and_then(|i| RUNS.get(i)) else { return (c, None) };
    let (first, len, step) = (packed & 0x1F_FFFF, (packed >> 21) & 0x7F, 1 + (packed >> 28));
    let offset = cp - first;
    if !offset.is_multiple_of(step) || offset / step >= len {
        return (c, None);
    }
    (char::from_u32(cp.wrapping_add_signed(delta)).unwrap_or(c), None)
}

/// Whether `a` and `b` are equal once lowercased, character by character.
pub fn eq_ignore_case(a: &str, b: &str) -> bool {
    folded(a).eq(folded(b))
}

fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().flat_map(|c| {
        let (x, y) = lowercase(c);
        std::iter::once(x).chain(y)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_lowercases_as_the_standard_library_does() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let (x, y) = lowercase(c);
            let ours: Vec<char> = std::iter::once(x).chain(y).collect();
            let std: Vec<char> = c.to_lowercase().collect();
            assert_eq!(ours, std, "U+{:04X}: regenerate RUNS for this toolchain's Unicode version", c as u32);
        }
    }

    #[test]
    fn words_compare_without_case() {
        assert!(eq_ignore_case("ÄRGER", "ärger") && eq_ignore_case("İstanbul", "i\u{307}stanbul"));
        assert!(!eq_ignore_case("Ärger", "Arger") && !eq_ignore_case("a", "ab"));
    }
}
