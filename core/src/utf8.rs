//! How much of a byte string is valid UTF-8, for `display::Line::push_text` (paths and inittab
//! text shown with `?` for each bad byte). The same answer as `core::str::from_utf8`'s
//! `valid_up_to`, from a short loop: core's validator, with its word-at-a-time fast path, was
//! the biggest part of the function every log line with a path goes through.

/// The length of the longest prefix of `bytes` that is valid UTF-8 (RFC 3629: no overlong
/// form, no surrogate, nothing above U+10FFFF).
pub fn valid_up_to(bytes: &[u8]) -> usize {
    let mut at = 0;
    // Bounded: each pass consumes one whole character, or ends.
    while let Some(&lead) = bytes.get(at) {
        let len = match lead {
            0x00..=0x7F => 1,
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => break,
        };
        let Some(tail) = bytes.get(at + 1..at + len) else {
            break;
        };
        // The code point, its lead's bits then 6 from each continuation byte (0b10xxxxxx),
        // checked against the ranges (Unicode's table 3-7): not overlong (at least 2^(5 len
        // - 4), its two low bits cleared: 0 for ASCII, 2^6 for the 2-byte leads from 0xC2 on,
        // 2^11, 2^16), not a surrogate, not above U+10FFFF.
        let mut point = u32::from(lead & (0x7F >> len));
        for &b in tail {
            if b & 0xC0 != 0x80 {
                return at;
            }
            point = point << 6 | u32::from(b & 0x3F);
        }
        if point < ((1 << (5 * len - 4)) & !3) || point > 0x10FFFF || point >> 11 == 0xD800 >> 11 {
            return at;
        }
        at += len;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn core_says(bytes: &[u8]) -> usize {
        match core::str::from_utf8(bytes) {
            Ok(s) => s.len(),
            Err(e) => e.valid_up_to(),
        }
    }

    #[test]
    fn agrees_with_core_on_every_short_sequence() {
        for a in 0..=255u8 {
            assert_eq!(valid_up_to(&[a]), core_says(&[a]));
            for b in 0..=255u8 {
                assert_eq!(valid_up_to(&[a, b]), core_says(&[a, b]), "{a:x} {b:x}");
                assert_eq!(valid_up_to(&[b'x', a, b]), core_says(&[b'x', a, b]));
                if a >= 0xC0 {
                    for c in 0..=255u8 {
                        let s = [a, b, c, b'y'];
                        assert_eq!(valid_up_to(&s), core_says(&s), "{s:x?}");
                    }
                }
            }
        }
    }

    #[test]
    fn agrees_with_core_on_four_byte_sequences() {
        let edges = [
            0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xE0, 0xED, 0xF0,
            0xF4, 0xF5, 0xFF,
        ];
        for a in 0xF0..=0xFFu8 {
            for &b in &edges {
                for &c in &edges {
                    for &d in &edges {
                        let s = [a, b, c, d, 0xE2, 0x82, 0xAC];
                        assert_eq!(valid_up_to(&s), core_says(&s), "{s:x?}");
                        assert_eq!(valid_up_to(&s[..3]), core_says(&s[..3]), "{s:x?}");
                    }
                }
            }
        }
        let text = "/etc/inittab é ✓ 𝄞".as_bytes();
        assert_eq!(valid_up_to(text), text.len());
    }
}
