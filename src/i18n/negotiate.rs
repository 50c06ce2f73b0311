//! RFC 4647 lookup of a supported language in `Accept-Language` (RFC 9110 §12.5.4) and in
//! OpenID's `ui_locales` (space-separated BCP 47 tags, in order of preference).

use super::Locale;

/// The best supported language the header asks for: by `q` (stable among equal weights), each
/// range looked up by dropping subtags (`de-CH-1996` → `de-CH` → `de`); `q=0` and `*` name none.
pub fn from_accept_language(header: &str) -> Option<Locale> {
    let mut ranges: Vec<(u16, &str)> = header
        .split(',')
        .take(32)
        .filter_map(|item| {
            let mut parts = item.split(';');
            let range = parts.next()?.trim();
            let q = parts
                .find_map(|p| {
                    let (k, v) = p.split_once('=')?;
                    k.trim()
                        .eq_ignore_ascii_case("q")
                        .then(|| quality(v.trim()))
                })
                .unwrap_or(Some(1000))?;
            (q > 0 && !range.is_empty() && range != "*").then_some((q, range))
        })
        .collect();
    ranges.sort_by_key(|r| std::cmp::Reverse(r.0));
    ranges.into_iter().find_map(|(_, range)| lookup(range))
}

/// The first of the space-separated tags that Sigil speaks.
pub fn from_ui_locales(raw: &str) -> Option<Locale> {
    raw.split_ascii_whitespace().take(16).find_map(lookup)
}

/// `q` in thousandths (`0.5` → 500); a malformed weight drops its range.
fn quality(raw: &str) -> Option<u16> {
    let value: f32 = raw.parse().ok()?;
    (0.0..=1.0)
        .contains(&value)
        .then(|| (value * 1000.0).round() as u16)
}

/// RFC 4647 §3.4 lookup against `en`, `de`, `es`, case-insensitively.
fn lookup(range: &str) -> Option<Locale> {
    let range = range.to_ascii_lowercase();
    let mut tag = range.as_str();
    loop {
        if let Some(l) = Locale::parse(tag) {
            return Some(l);
        }
        let cut = tag.rfind('-')?;
        tag = &tag[..cut];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regional_tag_finds_its_language() {
        assert_eq!(from_accept_language("de-CH"), Some(Locale::De));
        assert_eq!(from_accept_language("ES-mx,en;q=0.5"), Some(Locale::Es));
        assert_eq!(from_accept_language("de-CH-1996"), Some(Locale::De));
    }

    #[test]
    fn weights_order_the_ranges_and_zero_refuses() {
        assert_eq!(
            from_accept_language("fr;q=0.9, es;q=0.4, de;q=0.8"),
            Some(Locale::De)
        );
        assert_eq!(from_accept_language("de;q=0, es;q=0.1"), Some(Locale::Es));
        assert_eq!(from_accept_language("fr, it"), None);
        assert_eq!(from_accept_language("*"), None);
        assert_eq!(from_accept_language("de;q=2"), None);
        assert_eq!(from_accept_language(""), None);
    }

    #[test]
    fn ui_locales_takes_the_first_spoken_tag() {
        assert_eq!(from_ui_locales("fr-CA es de"), Some(Locale::Es));
        assert_eq!(from_ui_locales("fr"), None);
    }
}
