/// Standard base64 (RFC 4648, with padding) for `bytes` values, which serde
/// would otherwise write as arrays of numbers. Fields use it with
/// `#[serde(with = "oschema_base64")]`; it also handles bytes inside
/// options, lists and maps.
#[allow(dead_code)]
mod oschema_base64 {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// Encodes `data` as standard base64 with padding.
    pub fn encode(data: &[u8]) -> String {
        let mut out = String::with_capacity(data.len() / 3 * 4 + 4);
        for chunk in data.chunks(3) {
            let b1 = chunk.get(1).copied().unwrap_or(0);
            let b2 = chunk.get(2).copied().unwrap_or(0);
            let n = (u32::from(chunk[0]) << 16) | (u32::from(b1) << 8) | u32::from(b2);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    /// Decodes standard base64 with padding.
    pub fn decode(text: &str) -> Result<Vec<u8>, String> {
        let chunks = text.as_bytes().chunks_exact(4);
        if !chunks.remainder().is_empty() {
            return Err("invalid base64: length is not a multiple of 4".to_string());
        }
        let groups = chunks.len();
        let mut out = Vec::with_capacity(groups * 3);
        for (index, chunk) in chunks.enumerate() {
            let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
            if pad > 2 || (pad > 0 && index + 1 != groups) {
                return Err("invalid base64: bad padding".to_string());
            }
            let mut n = 0u32;
            for &c in &chunk[..4 - pad] {
                let value = match c {
                    b'A'..=b'Z' => c - b'A',
                    b'a'..=b'z' => c - b'a' + 26,
                    b'0'..=b'9' => c - b'0' + 52,
                    b'+' => 62,
                    b'/' => 63,
                    _ => return Err(format!("invalid base64 character {:?}", c as char)),
                };
                n = (n << 6) | u32::from(value);
            }
            n <<= 6 * pad as u32;
            out.push((n >> 16) as u8);
            if pad < 2 {
                out.push((n >> 8) as u8);
            }
            if pad < 1 {
                out.push(n as u8);
            }
        }
        Ok(out)
    }

    /// A value with bytes inside: `Vec<u8>`, or an option, list or map of
    /// such values.
    pub trait Base64: Sized {
        fn serialize_base64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
        fn deserialize_base64<'de, D: Deserializer<'de>>(deserializer: D)
            -> Result<Self, D::Error>;
    }

    impl Base64 for Vec<u8> {
        fn serialize_base64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(&encode(self))
        }

        fn deserialize_base64<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            decode(&String::deserialize(deserializer)?).map_err(D::Error::custom)
        }
    }

    /// Serializes a borrowed value through [`Base64`].
    struct Ser<'a, T>(&'a T);

    impl<T: Base64> Serialize for Ser<'_, T> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            self.0.serialize_base64(serializer)
        }
    }

    /// Deserializes a value through [`Base64`].
    struct De<T>(T);

    impl<'de, T: Base64> Deserialize<'de> for De<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            T::deserialize_base64(deserializer).map(De)
        }
    }

    impl<T: Base64> Base64 for Option<T> {
        fn serialize_base64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Some(value) => serializer.serialize_some(&Ser(value)),
                None => serializer.serialize_none(),
            }
        }

        fn deserialize_base64<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            Ok(Option::<De<T>>::deserialize(deserializer)?.map(|value| value.0))
        }
    }

    impl<T: Base64> Base64 for Vec<T> {
        fn serialize_base64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_seq(self.iter().map(Ser))
        }

        fn deserialize_base64<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            let values = Vec::<De<T>>::deserialize(deserializer)?;
            Ok(values.into_iter().map(|value| value.0).collect())
        }
    }

    impl<T: Base64> Base64 for BTreeMap<String, T> {
        fn serialize_base64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_map(self.iter().map(|(key, value)| (key, Ser(value))))
        }

        fn deserialize_base64<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            let values = BTreeMap::<String, De<T>>::deserialize(deserializer)?;
            Ok(values
                .into_iter()
                .map(|(key, value)| (key, value.0))
                .collect())
        }
    }

    pub fn serialize<T: Base64, S: Serializer>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize_base64(serializer)
    }

    pub fn deserialize<'de, T: Base64, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        T::deserialize_base64(deserializer)
    }
}
