/// The otime rule for `String` values that hold an `otime`: an RFC 3339
/// date-time with an upper-case `T` and `Z`, seconds 00-59, one to nine
/// fraction digits if any, a real calendar date (leap years included) and
/// an offset of at most 23:59, the `pattern` of the OpenRPC document.
/// Fields use it with `#[serde(with = "oschema_time")]`: deserializing a
/// value that breaks the rule fails (the server answers -32602), and so
/// does serializing one (the server answers -32603 rather than send it).
/// It also handles otimes inside options, lists and maps.
#[allow(dead_code)]
mod oschema_time {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    /// Reports whether `text` follows the otime rule.
    pub fn is_valid(text: &str) -> bool {
        valid(text.as_bytes()).is_some()
    }

    /// `text`, or why it is not an otime.
    pub fn check(text: &str) -> Result<&str, String> {
        if is_valid(text) {
            Ok(text)
        } else {
            Err(format!("{:?} is not an RFC 3339 date-time (otime)", text))
        }
    }

    /// The number written with the `len` ASCII digits at `at`.
    fn number(text: &[u8], at: usize, len: usize) -> Option<u32> {
        let digits = text.get(at..at + len)?;
        digits.iter().try_fold(0, |n, &c| {
            if c.is_ascii_digit() {
                Some(n * 10 + u32::from(c - b'0'))
            } else {
                None
            }
        })
    }

    fn valid(text: &[u8]) -> Option<()> {
        let year = number(text, 0, 4)?;
        let month = number(text, 5, 2)?;
        let day = number(text, 8, 2)?;
        let hour = number(text, 11, 2)?;
        let minute = number(text, 14, 2)?;
        let second = number(text, 17, 2)?;
        let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
        if separators.iter().any(|&(at, c)| text[at] != c) {
            return None;
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        if day == 0 || day > days || hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let mut rest = &text[19..];
        if let Some((&b'.', fraction)) = rest.split_first() {
            let digits = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 || digits > 9 {
                return None;
            }
            rest = &fraction[digits..];
        }
        match rest {
            b"Z" => Some(()),
            [b'+' | b'-', _, _, b':', _, _] => {
                if number(rest, 1, 2)? > 23 || number(rest, 4, 2)? > 59 {
                    return None;
                }
                Some(())
            }
            _ => None,
        }
    }

    /// A value with otimes inside: `String`, or an option, list or map of
    /// such values.
    pub trait Otime: Sized {
        fn serialize_otime<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
        fn deserialize_otime<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
    }

    impl Otime for String {
        fn serialize_otime<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(check(self).map_err(serde::ser::Error::custom)?)
        }

        fn deserialize_otime<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let text = String::deserialize(deserializer)?;
            check(&text).map_err(serde::de::Error::custom)?;
            Ok(text)
        }
    }

    /// Serializes a borrowed value through [`Otime`].
    struct Ser<'a, T>(&'a T);

    impl<T: Otime> Serialize for Ser<'_, T> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            self.0.serialize_otime(serializer)
        }
    }

    /// Deserializes a value through [`Otime`].
    struct De<T>(T);

    impl<'de, T: Otime> Deserialize<'de> for De<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            T::deserialize_otime(deserializer).map(De)
        }
    }

    impl<T: Otime> Otime for Option<T> {
        fn serialize_otime<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Some(value) => serializer.serialize_some(&Ser(value)),
                None => serializer.serialize_none(),
            }
        }

        fn deserialize_otime<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            Ok(Option::<De<T>>::deserialize(deserializer)?.map(|value| value.0))
        }
    }

    impl<T: Otime> Otime for Vec<T> {
        fn serialize_otime<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_seq(self.iter().map(Ser))
        }

        fn deserialize_otime<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let values = Vec::<De<T>>::deserialize(deserializer)?;
            Ok(values.into_iter().map(|value| value.0).collect())
        }
    }

    impl<T: Otime> Otime for BTreeMap<String, T> {
        fn serialize_otime<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_map(self.iter().map(|(key, value)| (key, Ser(value))))
        }

        fn deserialize_otime<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let values = BTreeMap::<String, De<T>>::deserialize(deserializer)?;
            Ok(values
                .into_iter()
                .map(|(key, value)| (key, value.0))
                .collect())
        }
    }

    pub fn serialize<T: Otime, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        value.serialize_otime(serializer)
    }

    pub fn deserialize<'de, T: Otime, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        T::deserialize_otime(deserializer)
    }
}
