//! Classifying text 64 bytes at a time, so that the secret scan skips ordinary prose without
//! a branch per byte, and learns on the way whether the text needs JSON escapes.
//!
//! Each byte is mapped to a few flag bits with arithmetic only (no table, no branch), which
//! the compiler turns into vector instructions on any target; the flags of a block are then
//! packed into one `u64` bit mask per flag, bit `i` standing for byte `i` of the block.

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

/// Flag of [`flags`]: a token character.
const TOKEN_FLAG: u8 = 1;
/// Flag of [`flags`]: a digit or a separator, where the scan has to look closely.
const EVENT_FLAG: u8 = 2;
/// Flag of [`flags`]: a byte JSON escapes (`"`, `\`, a control character).
const ESCAPE_FLAG: u8 = 4;

/// Whether JSON escapes `byte`.
#[inline(always)]
fn escaped(byte: u8) -> bool {
    (byte == b'"') | (byte == b'\\') | (byte < 0x20)
}

/// The flags of one byte, computed without branches (the same classes as [`CLASS`]).
#[inline(always)]
fn flags(byte: u8) -> u8 {
    let letter = (byte | 0x20).wrapping_sub(b'a') < 26;
    let digit = byte.wrapping_sub(b'0') < 10;
    // `-`, `.`, `/` and the digits are one range: 0x2d..=0x39.
    let dash_to_nine = byte.wrapping_sub(b'-') < 13;
    let other = (byte == b'+') | (byte == b'_') | (byte == b'~');
    let separator = (byte == b':') | (byte == b'=');
    (u8::from(letter | dash_to_nine | other) * TOKEN_FLAG)
        | (u8::from(digit | separator) * EVENT_FLAG)
        | (u8::from(escaped(byte)) * ESCAPE_FLAG)
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

    #[inline]
    fn of_block(block: &[u8; BLOCK], escape: &mut bool) -> Masks {
        let mut all = [0u8; BLOCK];
        for (flag, &byte) in all.iter_mut().zip(block) {
            *flag = flags(byte);
        }
        let any = all.iter().fold(0, |any, &flag| any | flag);
        *escape |= any & ESCAPE_FLAG != 0;
        Masks {
            token: pack(&all, 0),
            // Most blocks of prose have no digit and no separator: nothing to pack.
            event: if any & EVENT_FLAG != 0 {
                pack(&all, 1)
            } else {
                0
            },
        }
    }
}

/// Gathers bit `bit` of each of the 64 flag bytes into a mask.
#[inline(always)]
fn pack(all: &[u8; BLOCK], bit: u32) -> u64 {
    // Multiplying eight 0/1 bytes by this constant moves byte `k` to bit `56 + k`.
    const GATHER: u64 = 0x0102_0408_1020_4080;
    let mut mask = 0u64;
    for (index, word) in all.chunks_exact(8).enumerate() {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(word);
        let ones = (u64::from_le_bytes(eight) >> bit) & 0x0101_0101_0101_0101;
        mask |= (ones.wrapping_mul(GATHER) >> 56) << (8 * index);
    }
    mask
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
