//! Texts kept once: numbered in the order they are first seen ([`Interner`]), or shared as
//! one copy each ([`Shared`]).

use std::collections::HashSet;
use std::sync::Arc;

/// Numbers distinct texts in the order they are first seen.
#[derive(Default)]
pub(crate) struct Interner<'a> {
    ids: std::collections::HashMap<&'a str, u32>,
    texts: Vec<&'a str>,
    last: Option<(&'a str, u32)>,
}

impl<'a> Interner<'a> {
    pub(crate) fn id(&mut self, text: &'a str) -> u32 {
        // Rows come in runs of the same unit: skip the lookup for a repeat.
        if let Some((t, id)) = self.last
            && t == text
        {
            return id;
        }
        let next = self.texts.len() as u32;
        let id = *self.ids.entry(text).or_insert(next);
        if id == next {
            self.texts.push(text);
        }
        self.last = Some((text, id));
        id
    }

    /// For each id its rank in text order, and the texts in that order.
    pub(crate) fn ranks(&self) -> (Vec<u32>, Vec<&'a str>) {
        let mut order: Vec<u32> = (0..self.texts.len() as u32).collect();
        order.sort_unstable_by_key(|&i| self.texts[i as usize]);
        let mut rank = vec![0u32; order.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i as usize] = r as u32;
        }
        let texts = order.iter().map(|&i| self.texts[i as usize]).collect();
        (rank, texts)
    }
}

/// One shared copy of each distinct text.
#[derive(Default)]
pub(crate) struct Shared(HashSet<Arc<str>>);

impl Shared {
    pub(crate) fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(t) = self.0.get(text) {
            return t.clone();
        }
        let t: Arc<str> = Arc::from(text);
        self.0.insert(t.clone());
        t
    }
}
