//! Reads a JSON object one member at a time, for the documents whose big arrays stay raw text
//! (the fast verifier's and the streaming audit's). Each reader says only what it keeps of a
//! member; the serde visitor around it is written once here.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, MapAccess, Visitor};

/// An object read member by member, starting from its `Default` (nothing seen).
pub(crate) trait Members<'de>: Default {
    /// What a value of the wrong shape is told it should be.
    const EXPECTING: &'static str;

    /// Takes (or skips) the value of member `key` from `m`.
    fn member<A: MapAccess<'de>>(&mut self, key: String, m: &mut A) -> Result<(), A::Error>;
}

/// Deserializes `T` from a JSON object through its [`Members`], in document order.
pub(crate) fn deserialize_members<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Members<'de>,
{
    struct V<T>(PhantomData<T>);
    impl<'de, T: Members<'de>> Visitor<'de> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<T, A::Error> {
            let mut out = T::default();
            while let Some(k) = m.next_key::<String>()? {
                out.member(k, &mut m)?;
            }
            Ok(out)
        }
    }
    d.deserialize_map(V(PhantomData))
}
