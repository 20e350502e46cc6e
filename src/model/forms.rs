//! Serde forms shared by the document types: positions written as `(x, y)` with whole numbers
//! bare, id-keyed maps that refuse an id given twice, and `Some(x)` written as plain `x`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A position on the canvas, in canvas units (about one pixel at 100% zoom).
/// Written as `(x, y)`, with whole numbers written without a decimal point.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    /// Left to right.
    pub x: f64,
    /// Top to bottom.
    pub y: f64,
}

impl Point {
    /// A point at `(x, y)`.
    #[must_use]
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
}

impl Serialize for Point {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (Coord(self.x), Coord(self.y)).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Point {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (x, y) = <(f64, f64)>::deserialize(deserializer)?;
        if !(x.is_finite() && y.is_finite()) {
            return Err(serde::de::Error::custom(
                "a position must be two finite numbers, like (200, -80)",
            ));
        }
        Ok(Self { x, y })
    }
}

/// One coordinate, written as an integer when it is whole.
struct Coord(f64);

impl Serialize for Coord {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "only whole values well inside i64's range are cast"
        )]
        if self.0.fract() == 0.0 && self.0.abs() < 1e15 {
            serializer.serialize_i64(self.0 as i64)
        } else {
            serializer.serialize_f64(self.0)
        }
    }
}

/// The start of the error message for an id given twice.
pub(crate) use unique_ids::DUPLICATE as DUPLICATE_ID;

/// Reads an id-keyed map and refuses an id given twice (a later entry would silently replace
/// the first, and `fmt` would then drop it). The error names the id; `io::from_str` adds the
/// lines of both entries.
pub(crate) mod unique_ids {
    use std::collections::BTreeMap;
    use std::fmt;
    use std::marker::PhantomData;

    use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, Visitor};

    /// The start of the message, which `io::from_str` recognises.
    pub const DUPLICATE: &str = "the id ";

    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<BTreeMap<String, T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        struct Unique<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Unique<T> {
            type Value = BTreeMap<String, T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of ids to elements, such as {\"id\": ...}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(id) = access.next_key::<String>()? {
                    if out.contains_key(&id) {
                        return Err(A::Error::custom(format!(
                            "{DUPLICATE}{id:?} is used twice; ids must be unique"
                        )));
                    }
                    let value = access.next_value()?;
                    out.insert(id, value);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(Unique(PhantomData))
    }
}

/// Writes `Some(x)` as plain `x`, so files read `sla: Sla(..)` instead of `sla: Some(Sla(..))`.
/// Use as `#[serde(default, skip_serializing_if = "Option::is_none", with = "bare_some")]`.
pub(crate) mod bare_some {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[allow(clippy::ref_option, reason = "the signature serde's `with` expects")]
    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        T::deserialize(deserializer).map(Some)
    }
}
