//! Classifying text 64 bytes at a time, so that the secret scan skips ordinary prose without
//! a branch per byte, and learns on the way whether the text needs JSON escapes.
//!
//! A block is classified 16 bytes at a time with `wide`'s portable vector types (SSE2 on
//! x86-64, NEON on aarch64, plain arrays elsewhere): range and equality compares, then one
//! "move mask" per class packs a bit per byte into a `u64` mask, bit `i` standing for byte
//! `i` of the block.

use wide::u8x16;

/// Bytes in one block: one bit each in a `u64` mask.
pub(crate) const BLOCK: usize = 64;

/// Class bit: a token character (`A-Z a-z 0-9 _ - + / . ~`), what secrets are made of.
pub(crate) const TOKEN: u8 = 1;
/// Class bit: a digit, where a card number may start.
pub(crate) const DIGIT: u8 = 2;
/// Class bit: a key/value separator (`:` or `=`).
pub(crate) const SEPARATOR: u8 = 4;

/// The class bits of every byte, for byte-by-byte work.
pub(crate) static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        let c = byte as u8;
        if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'+' | b'/' | b'.' | b'~') {
            table[byte] |= TOKEN;
        }
        if c.is_ascii_digit() {
            table[byte] |= DIGIT;
        }
        if matches!(c, b':' | b'=') {
            table[byte] |= SEPARATOR;
        }
        byte += 1;
    }
    table
};

/// Whether JSON escapes `byte` (`"`, `\`, a control character).
#[inline(always)]
fn escaped(byte: u8) -> bool {
    (byte == b'"') | (byte == b'\\') | (byte < 0x20)
}

/// Sixteen copies of `byte`.
#[inline(always)]
fn splat(byte: u8) -> u8x16 {
    u8x16::new([byte; 16])
}

/// All ones in the lanes of `bytes` within `low ..= low + count - 1`, zeros elsewhere.
#[inline(always)]
fn in_range(bytes: u8x16, low: u8, count: u8) -> u8x16 {
    let offset = bytes - splat(low);
    offset.min(splat(count - 1)).cmp_eq(offset)
}

/// The bit masks of one block: token characters, and digits or separators. (Two words, so
/// that they travel in registers.)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Masks {
    pub(crate) token: u64,
    pub(crate) event: u64,
}

impl Masks {
    /// Classifies the 64 bytes of `bytes` from `base`; bits past the end are clear. Sets
    /// `escape` when a byte classified needs a JSON escape (for the last block of a text,
    /// that is its last 64 bytes, some of them before `base`).
    pub(crate) fn at(bytes: &[u8], base: usize, escape: &mut bool) -> Masks {
        let mut block_at = |start: usize| {
            let block: &[u8; BLOCK] = bytes[start..start + BLOCK]
                .try_into()
                .unwrap_or(&[b' '; BLOCK]);
            Masks::of_block(block, escape)
        };
        if bytes.len() >= base + BLOCK {
            block_at(base)
        } else if bytes.len() >= BLOCK {
            // The last 64 bytes, shifted so that bit 0 stands for byte `base`.
            let last = block_at(bytes.len() - BLOCK);
            let shift = base - (bytes.len() - BLOCK);
            Masks {
                token: last.token.checked_shr(shift as u32).unwrap_or(0),
                event: last.event.checked_shr(shift as u32).unwrap_or(0),
            }
        } else {
            // A short text (a key, a role, a name): a table lookup per byte.
            let mut masks = Masks::default();
            let mut any_escape = false;
            for (index, &byte) in bytes.iter().enumerate().skip(base) {
                let class = CLASS[byte as usize];
                masks.token |= u64::from(class & TOKEN) << (index - base);
                masks.event |= u64::from(class & (DIGIT | SEPARATOR) != 0) << (index - base);
                any_escape |= escaped(byte);
            }
            *escape |= any_escape;
            masks
        }
    }

    /// Classifies one whole block, 16 bytes at a time.
    #[inline]
    fn of_block(block: &[u8; BLOCK], escape: &mut bool) -> Masks {
        let mut masks = Masks::default();
        let mut escapes = splat(0);
        for (index, chunk) in block.chunks_exact(16).enumerate() {
            let bytes = u8x16::new(chunk.try_into().unwrap_or([0; 16]));
            let is = |byte: u8| bytes.cmp_eq(splat(byte));
            let letters = in_range(bytes | splat(0x20), b'a', 26);
            // `-`, `.`, `/` and the digits are one range: 0x2d..=0x39.
            let tokens = letters | in_range(bytes, b'-', 13) | is(b'+') | is(b'_') | is(b'~');
            let events = in_range(bytes, b'0', 10) | is(b':') | is(b'=');
            escapes = escapes | is(b'"') | is(b'\\') | in_range(bytes, 0, 0x20);
            let shift = 16 * index;
            masks.token |= u64::from(tokens.move_mask() as u16) << shift;
            masks.event |= u64::from(events.move_mask() as u16) << shift;
        }
        *escape |= escapes.any();
        masks
    }
}

/// Whether JSON needs escapes for `text`: a `"`, a `\` or a control character. Checked 16
/// bytes at a time without a branch inside a chunk, so it runs as vector code; the last
/// few bytes one by one (cheaper than copying them into a padded chunk).
pub(crate) fn needs_escape(text: &str) -> bool {
    let mut chunks = text.as_bytes().chunks_exact(16);
    for chunk in &mut chunks {
        if chunk.iter().fold(false, |any, &byte| any | escaped(byte)) {
            return true;
        }
    }
    chunks.remainder().iter().any(|&byte| escaped(byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`Masks::at`] and whether the block needs escapes.
    fn at(bytes: &[u8], base: usize) -> (Masks, bool) {
        let mut escape = false;
        (Masks::at(bytes, base, &mut escape), escape)
    }

    fn reference(bytes: &[u8]) -> (Masks, bool) {
        let mut masks = Masks::default();
        let mut escape = false;
        for (index, &byte) in bytes.iter().enumerate() {
            if byte.is_ascii_alphanumeric()
                || matches!(byte, b'_' | b'-' | b'+' | b'/' | b'.' | b'~')
            {
                masks.token |= 1 << index;
            }
            if byte.is_ascii_digit() || matches!(byte, b':' | b'=') {
                masks.event |= 1 << index;
            }
            escape |= matches!(byte, b'"' | b'\\' | 0..=0x1f);
        }
        (masks, escape)
    }

    #[test]
    fn every_byte_value_in_every_position_is_classified_like_the_table() {
        for offset in 0..=255u8 {
            let block: Vec<u8> = (0..BLOCK as u8)
                .map(|index| offset.wrapping_add(index.wrapping_mul(37)))
                .collect();
            assert_eq!(at(&block, 0), reference(&block), "offset {offset}");
        }
    }

    #[test]
    fn a_short_text_and_the_tail_of_a_long_one_have_no_bits_past_the_end() {
        let short: Vec<u8> = (0..=255u8).filter(|byte| byte % 5 == 1).collect();
        assert!(short.len() < BLOCK);
        for base in [0, 1, 20, short.len() - 1, short.len()] {
            assert_eq!(at(&short, base), reference(&short[base..]), "{base}");
        }
        let long: Vec<u8> = (0..200u8).map(|index| index.wrapping_mul(91)).collect();
        for base in [0, 100, 136, 137, 150, 199, 200] {
            let end = (base + BLOCK).min(long.len());
            assert_eq!(at(&long, base).0, reference(&long[base..end]).0, "{base}");
        }
    }

    #[test]
    fn a_block_knows_whether_it_needs_escapes() {
        let mut text = vec![b'a'; 150];
        assert!(!at(&text, 0).1);
        assert!(!at(&text, 64).1);
        assert!(!at(&text, 140).1);
        text[100] = b'"';
        assert!(!at(&text, 0).1);
        assert!(at(&text, 64).1);
        // The tail block is the last 64 bytes of the text, escapes before `base` included.
        assert!(at(&text, 140).1);
        assert!(at(b"a\\b", 0).1);
        assert!(!at(b"ab", 0).1);
    }

    #[test]
    fn escapes_are_found_in_any_block_and_in_the_remainder() {
        let plain = "x".repeat(200);
        assert!(!needs_escape(&plain));
        assert!(!needs_escape("héllo ünïcode ✓"));
        assert!(!needs_escape(""));
        assert!(needs_escape("a\"b"));
        assert!(needs_escape("\t"));
        for at in [0, 15, 16, 63, 64, 130, 190, 199] {
            for special in ['"', '\\', '\n', '\u{1}'] {
                let mut text = plain.clone();
                text.replace_range(at..at + 1, &special.to_string());
                assert!(needs_escape(&text), "{special:?} at {at}");
            }
        }
    }
}
