//! Card numbers: 13 to 19 digits (single spaces or dashes between groups) with an issuer
//! prefix of the right length and a valid Luhn checksum.

/// A card number starting at `start` (a digit after a non-alphanumeric): its end.
pub(crate) fn card_at(bytes: &[u8], start: usize) -> Option<usize> {
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        return None;
    }
    let mut digits = [0u8; 19];
    let mut count = 0;
    let mut index = start;
    let mut end = start;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte.is_ascii_digit() {
            if count == 19 {
                return None;
            }
            digits[count] = byte - b'0';
            count += 1;
            index += 1;
            end = index;
        } else if (byte == b' ' || byte == b'-')
            && bytes.get(index + 1).is_some_and(u8::is_ascii_digit)
        {
            index += 1;
        } else {
            break;
        }
    }
    if count < 13 || bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    (card_prefix(&digits[..count]) && luhn(&digits[..count])).then_some(end)
}

/// Issuer prefixes and lengths: Visa, Mastercard, Amex, Discover, JCB, Diners.
fn card_prefix(digits: &[u8]) -> bool {
    let two = digits[0] * 10 + digits[1];
    let four = u16::from(two) * 100 + u16::from(digits[2] * 10 + digits[3]);
    match digits.len() {
        13 | 19 => digits[0] == 4,
        14 => two == 36 || two == 38 || (300..=305).contains(&(four / 10)),
        15 => two == 34 || two == 37,
        16 => {
            digits[0] == 4
                || (51..=55).contains(&two)
                || (2221..=2720).contains(&four)
                || four == 6011
                || two == 65
                || (3528..=3589).contains(&four)
        }
        _ => digits[0] == 4 || four == 6011 || two == 65,
    }
}

/// The Luhn checksum.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(position, &digit)| {
            let digit = u32::from(digit);
            if position % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                digit
            }
        })
        .sum();
    sum % 10 == 0
}
