//! What a Parquet file may claim, checked before Polars reads it.
//!
//! The reader allocates for what the file's metadata and page headers say: as many values as a
//! page claims, as many bytes as it unpacks to. A crafted file of a few KB (a page claiming -1
//! values, a dictionary of a billion entries) could make it ask for more memory than there is,
//! an abort no panic guard catches. Here the footer (Thrift compact protocol) is walked with
//! bounded depth and lengths, then each column chunk's page headers, the way the reader goes
//! through them: rows, values, sizes and offsets must stay within the file and the bounds below.
//! The check fails closed: a file whose metadata or page headers cannot be walked is refused
//! with the reason, never handed to the reader unchecked.

use std::io::{Read, Seek, SeekFrom};

use super::files::size_text;
use super::guard::Refusal::{self, Claims, Unreadable};
use crate::model::money::grouped as group;

/// The most rows a Parquet table may have, and the most values a column may claim.
pub(crate) const MAX_ROWS: u64 = 50_000_000;
/// The most bytes one page may unpack to.
pub(crate) const MAX_PAGE: u64 = 1 << 30;
/// The most bytes all of a file's data may unpack to.
pub(crate) const MAX_UNPACKED: u64 = 16 << 30;
/// How deep the metadata may nest (the format itself nests a few levels).
const MAX_DEPTH: usize = 32;
/// The first read of a page header; a longer one (large statistics) is read again, larger.
const HEADER_READ: u64 = 1024;

/// `Err` with what the file claims beyond a bound, or with where it stops being Parquet: a
/// file whose metadata cannot be walked is refused too (what it would make the reader
/// allocate is then unknown), with the reason, instead of being handed to the reader.
pub(crate) fn check<R: Read + Seek>(mut source: R) -> Result<(), Refusal> {
    let unreadable = |e: std::io::Error| Unreadable(format!("it cannot be read ({e})"));
    let len = source.seek(SeekFrom::End(0)).map_err(unreadable)?;
    if len < 12 {
        return Err(Unreadable(format!(
            "it has {} bytes (expected a Parquet file, which has at least 12)",
            group(i128::from(len))
        )));
    }
    let mut tail = [0u8; 8];
    source
        .seek(SeekFrom::Start(len - 8))
        .and_then(|_| source.read_exact(&mut tail))
        .map_err(unreadable)?;
    if &tail[4..] != b"PAR1" {
        return Err(Unreadable(
            "it does not end with the Parquet marker PAR1 (expected a Parquet file)".into(),
        ));
    }
    let meta_len = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if meta_len > len - 12 {
        return Err(Claims(format!(
            "its metadata claims {} bytes in a file of {} (expected at most the file's size less 12 bytes)",
            group(i128::from(meta_len)),
            group(i128::from(len))
        )));
    }
    // The data lies between the leading magic and the metadata.
    let data_end = len - 8 - meta_len;
    let mut footer = Vec::new();
    source
        .seek(SeekFrom::Start(data_end))
        .and_then(|_| (&mut source).take(meta_len).read_to_end(&mut footer))
        .map_err(unreadable)?;
    if footer.len() as u64 != meta_len {
        return Err(Unreadable("its metadata ends before the file does".into()));
    }
    let meta = match file_metadata(&footer) {
        Ok(m) => m,
        Err(Stop::Malformed) => {
            return Err(Unreadable(
                "its metadata (the footer) is not well-formed".into(),
            ));
        }
        Err(Stop::Claims(e)) => return Err(Claims(e)),
    };
    meta.check(data_end)?;
    let mut unpacked = 0u64;
    let mut buf = Vec::new();
    for (g, rg) in meta.row_groups.iter().enumerate() {
        for chunk in rg.chunks.iter().filter(|c| c.has_meta) {
            pages(&mut source, &mut buf, chunk, rg, g + 1, &mut unpacked)?;
        }
    }
    Ok(())
}

/// Why the walk stopped: metadata that is not well-formed (the reader's to report), or a claim
/// beyond a bound.
#[derive(Debug, PartialEq)]
enum Stop {
    Malformed,
    Claims(String),
}

type Walk<T> = Result<T, Stop>;

/// A reader of Thrift's compact protocol over a byte slice that never allocates for what the
/// bytes claim: lengths are checked against the bytes left, nesting against [`MAX_DEPTH`].
///
/// It reads a struct as the Parquet reader's decoders do, by the forms below: a field it
/// knows is read as the form says whatever type the field declares (so both see the same
/// values in a crafted file), any other field is passed over by its declared type.
struct Thrift<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    /// Where the walk is: field ids and list positions from the outermost struct.
    path: Vec<u32>,
    /// Whether a boolean item of a list passed over takes a byte, as in the page header
    /// decoder; the footer decoder passes over none.
    bool_items: bool,
}

// Compact protocol types.
const BOOL_TRUE: u8 = 1;
const BOOL_FALSE: u8 = 2;
const BYTE: u8 = 3;
const I16: u8 = 4;
const I32: u8 = 5;
const I64: u8 = 6;
const DOUBLE: u8 = 7;
const BINARY: u8 = 8;
const LIST: u8 = 9;
const SET: u8 = 10;
const MAP: u8 = 11;
const STRUCT: u8 = 12;

/// The form a reader expects a value to take.
#[derive(Clone, Copy)]
enum Form {
    /// A varint (i16, i32, i64).
    Int,
    Byte,
    Bool,
    Binary,
    /// A list whose items are read as the form, whatever type the list declares.
    List(&'static Form),
    /// A struct of the fields with these ids and forms.
    Struct(&'static [(i16, Form)]),
}

use Form::{Binary as B, Bool as O, Byte as Y, Int as I, List as L, Struct as S};

const EMPTY: &[(i16, Form)] = &[];
// The footer (FileMetaData) as the reader's footer decoder reads it.
const FILE_META: Form = S(&[
    (1, I),
    (2, L(&S(SCHEMA_ELEMENT))),
    (3, I),
    (4, L(&S(ROW_GROUP))),
    (5, L(&S(&[(1, B), (2, B)]))),
    (6, B),
    (7, L(&S(&[(1, S(EMPTY)), (2, S(EMPTY))]))),
]);
const SCHEMA_ELEMENT: &[(i16, Form)] = &[
    (1, I),
    (2, I),
    (3, I),
    (4, B),
    (5, I),
    (6, I),
    (7, I),
    (8, I),
    (9, I),
    (10, S(LOGICAL_TYPE)),
];
const TIME_TYPE: &[(i16, Form)] = &[
    (1, O),
    (2, S(&[(1, S(EMPTY)), (2, S(EMPTY)), (3, S(EMPTY))])),
];
const LOGICAL_TYPE: &[(i16, Form)] = &[
    (1, S(EMPTY)),
    (2, S(EMPTY)),
    (3, S(EMPTY)),
    (4, S(EMPTY)),
    (5, S(&[(1, I), (2, I)])),
    (6, S(EMPTY)),
    (7, S(TIME_TYPE)),
    (8, S(TIME_TYPE)),
    (10, S(&[(1, Y), (2, O)])),
    (11, S(EMPTY)),
    (12, S(EMPTY)),
    (13, S(EMPTY)),
    (14, S(EMPTY)),
    (15, S(EMPTY)),
];
const ROW_GROUP: &[(i16, Form)] = &[
    (1, L(&S(COLUMN_CHUNK))),
    (2, I),
    (3, I),
    (4, L(&S(&[(1, I), (2, O), (3, O)]))),
    (5, I),
    (6, I),
    (7, I),
];
const COLUMN_CHUNK: &[(i16, Form)] = &[
    (1, B),
    (2, I),
    (3, S(COLUMN_META)),
    (4, I),
    (5, I),
    (6, I),
    (7, I),
];
const STATISTICS: &[(i16, Form)] = &[
    (1, B),
    (2, B),
    (3, I),
    (4, I),
    (5, B),
    (6, B),
    (7, O),
    (8, O),
];
const COLUMN_META: &[(i16, Form)] = &[
    (1, I),
    (2, L(&I)),
    (3, L(&B)),
    (4, I),
    (5, I),
    (6, I),
    (7, I),
    (9, I),
    (10, I),
    (11, I),
    (12, S(STATISTICS)),
    (14, I),
    (15, I),
];
// A page header as the reader's page decoder reads it.
const PAGE_HEADER: Form = S(&[
    (1, I),
    (2, I),
    (3, I),
    (4, I),
    (5, S(&[(1, I), (2, I), (3, I), (4, I), (5, S(STATISTICS))])),
    (6, S(EMPTY)),
    (7, S(&[(1, I), (2, I), (3, O)])),
    (
        8,
        S(&[
            (1, I),
            (2, I),
            (3, I),
            (4, I),
            (5, I),
            (6, I),
            (7, O),
            (8, S(STATISTICS)),
        ]),
    ),
]);

/// What the walk meets, at [`Thrift::path`].
enum Item<'a> {
    Int(i64),
    Bytes(&'a [u8]),
    /// The start of a list or a struct.
    Start,
}

impl<'a> Thrift<'a> {
    fn new(bytes: &'a [u8], bool_items: bool) -> Self {
        Thrift {
            bytes,
            pos: 0,
            depth: 0,
            path: Vec::new(),
            bool_items,
        }
    }

    fn left(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn byte(&mut self) -> Walk<u8> {
        let b = *self.bytes.get(self.pos).ok_or(Stop::Malformed)?;
        self.pos += 1;
        Ok(b)
    }

    /// A varint as the footer decoder reads it: as many bytes as have their high bit set, the
    /// bits past 64 wrapping around.
    fn varint(&mut self) -> Walk<u64> {
        let mut v = 0u64;
        let mut shift = 0u32;
        loop {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f).wrapping_shl(shift);
            if b < 0x80 {
                return Ok(v);
            }
            shift = shift.wrapping_add(7);
        }
    }

    /// An i16, i32 or i64 (zigzag varint).
    fn int(&mut self) -> Walk<i64> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn binary(&mut self) -> Walk<&'a [u8]> {
        let n = self.varint()?;
        if n > self.left() as u64 {
            return Err(Stop::Malformed);
        }
        let start = self.pos;
        self.pos += n as usize;
        Ok(&self.bytes[start..self.pos])
    }

    /// A list's (or set's) element type and length; every element takes at least a byte.
    fn list(&mut self) -> Walk<(u8, u64)> {
        let h = self.byte()?;
        let n = match h >> 4 {
            15 => self.varint()?,
            n => u64::from(n),
        };
        if n > self.left() as u64 {
            return Err(Stop::Claims(format!(
                "its metadata claims a list of {} items in {} bytes (expected at most an item a byte)",
                group(i128::from(n)),
                group(self.left() as i128)
            )));
        }
        Ok((h & 0x0f, n))
    }

    fn nest(&mut self) -> Walk<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Stop::Claims(format!(
                "its metadata nests deeper than {MAX_DEPTH} levels (expected the few levels of the format)"
            )));
        }
        Ok(())
    }

    /// Passes over an item of a list or map.
    fn skip_item(&mut self, ty: u8) -> Walk<()> {
        if ty == BOOL_TRUE || ty == BOOL_FALSE {
            if self.bool_items {
                self.byte()?;
            }
            return Ok(());
        }
        self.skip(ty)
    }

    /// Passes over a value of declared type `ty`; a boolean field holds its value in its type.
    fn skip(&mut self, ty: u8) -> Walk<()> {
        match ty {
            BOOL_TRUE | BOOL_FALSE => {}
            BYTE => {
                self.byte()?;
            }
            I16 | I32 | I64 => {
                self.varint()?;
            }
            DOUBLE => {
                if self.left() < 8 {
                    return Err(Stop::Malformed);
                }
                self.pos += 8;
            }
            BINARY => {
                self.binary()?;
            }
            LIST | SET => {
                let (elem, n) = self.list()?;
                self.nest()?;
                for _ in 0..n {
                    self.skip_item(elem)?;
                }
                self.depth -= 1;
            }
            MAP => {
                let n = self.varint()?;
                if n > 0 {
                    if n.saturating_mul(2) > self.left() as u64 {
                        return Err(Stop::Claims(format!(
                            "its metadata claims a map of {} entries in {} bytes (expected at most an entry in two bytes)",
                            group(i128::from(n)),
                            group(self.left() as i128)
                        )));
                    }
                    let kv = self.byte()?;
                    self.nest()?;
                    for _ in 0..n {
                        self.skip_item(kv >> 4)?;
                        self.skip_item(kv & 0x0f)?;
                    }
                    self.depth -= 1;
                }
            }
            STRUCT => self.walk(S(EMPTY), STRUCT, &mut |_, _| {})?,
            _ => return Err(Stop::Malformed),
        }
        Ok(())
    }

    /// Reads a value of the shape (declared as `declared`), telling `sink` of every number,
    /// byte string, list and struct in it with its path.
    fn walk(
        &mut self,
        shape: Form,
        declared: u8,
        sink: &mut dyn FnMut(&[u32], Item<'a>),
    ) -> Walk<()> {
        match shape {
            Form::Int => {
                let v = self.int()?;
                sink(&self.path, Item::Int(v));
            }
            Form::Byte => {
                let v = self.byte()?;
                sink(&self.path, Item::Int(i64::from(v as i8)));
            }
            Form::Bool => {
                // A struct field declared boolean holds its value in its type.
                if declared != BOOL_TRUE && declared != BOOL_FALSE {
                    self.byte()?;
                }
            }
            Form::Binary => {
                let v = self.binary()?;
                sink(&self.path, Item::Bytes(v));
            }
            Form::List(item) => {
                let (elem, n) = self.list()?;
                sink(&self.path, Item::Start);
                self.nest()?;
                for i in 0..n {
                    self.path.push(i as u32);
                    self.walk(*item, elem, sink)?;
                    self.path.pop();
                }
                self.depth -= 1;
            }
            Form::Struct(fields) => {
                sink(&self.path, Item::Start);
                self.nest()?;
                let mut last = 0i16;
                loop {
                    // As the decoders: type 0 ends the struct, whatever the rest of the byte;
                    // a full field id is cut to 16 bits.
                    let h = self.byte()?;
                    let ty = h & 0x0f;
                    if ty == 0 {
                        break;
                    }
                    let id = match h >> 4 {
                        0 => self.int()? as i16,
                        d => last.checked_add(i16::from(d)).ok_or(Stop::Malformed)?,
                    };
                    last = id;
                    match fields.iter().find(|f| f.0 == id) {
                        Some(&(_, shape)) => {
                            self.path.push(id as u32);
                            self.walk(shape, ty, sink)?;
                            self.path.pop();
                        }
                        None => self.skip(ty)?,
                    }
                }
                self.depth -= 1;
            }
        }
        Ok(())
    }
}

/// What the footer says of the file.
#[derive(Debug, Default)]
struct FileMeta {
    num_rows: i64,
    row_groups: Vec<RowGroup>,
}

#[derive(Debug, Default)]
struct RowGroup {
    num_rows: i64,
    chunks: Vec<Chunk>,
}

/// A column chunk, with the column's name as the file gives it (cut). The reader refuses a
/// chunk without metadata.
#[derive(Debug, Default)]
struct Chunk {
    has_meta: bool,
    column: String,
    num_values: i64,
    total_uncompressed_size: i64,
    total_compressed_size: i64,
    data_page_offset: i64,
    dictionary_page_offset: Option<i64>,
}

/// FileMetaData: 3 num_rows, 4 row_groups (RowGroup: 1 columns, 3 num_rows; ColumnChunk:
/// 3 meta_data; ColumnMetaData: 3 path_in_schema, 5 num_values, 6 total_uncompressed_size,
/// 7 total_compressed_size, 9 data_page_offset, 11 dictionary_page_offset). As the reader, a
/// field given twice counts by its last value.
fn file_metadata(bytes: &[u8]) -> Walk<FileMeta> {
    let mut t = Thrift::new(bytes, false);
    let mut meta = FileMeta::default();
    let mut parts: Vec<String> = Vec::new();
    t.walk(FILE_META, STRUCT, &mut |path, item| match (path, item) {
        ([3], Item::Int(n)) => meta.num_rows = n,
        ([4], Item::Start) => meta.row_groups.clear(),
        ([4, _], Item::Start) => meta.row_groups.push(RowGroup::default()),
        ([4, _, rest @ ..], item) => {
            let Some(rg) = meta.row_groups.last_mut() else {
                return;
            };
            match (rest, item) {
                ([3], Item::Int(n)) => rg.num_rows = n,
                ([1], Item::Start) => rg.chunks.clear(),
                ([1, _], Item::Start) => rg.chunks.push(Chunk::default()),
                ([1, _, 3, rest @ ..], item) => {
                    let Some(c) = rg.chunks.last_mut() else {
                        return;
                    };
                    match (rest, item) {
                        ([], Item::Start) => {
                            *c = Chunk {
                                has_meta: true,
                                ..Chunk::default()
                            };
                        }
                        ([3], Item::Start) => {
                            parts.clear();
                            c.column.clear();
                        }
                        ([3, _], Item::Bytes(b)) if parts.len() < 8 => {
                            parts.push(String::from_utf8_lossy(b).to_string());
                            c.column = crate::diag::cut(&parts.join("."));
                        }
                        ([5], Item::Int(n)) => c.num_values = n,
                        ([6], Item::Int(n)) => c.total_uncompressed_size = n,
                        ([7], Item::Int(n)) => c.total_compressed_size = n,
                        ([9], Item::Int(n)) => c.data_page_offset = n,
                        ([11], Item::Int(n)) => c.dictionary_page_offset = Some(n),
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        _ => {}
    })?;
    Ok(meta)
}

impl Chunk {
    fn name(&self, group: usize) -> String {
        format!("column `{}` in row group {group}", self.column)
    }

    /// Where the reader takes the chunk's bytes from: the dictionary page when there is one.
    fn start(&self) -> i64 {
        self.dictionary_page_offset.unwrap_or(self.data_page_offset)
    }
}

impl FileMeta {
    /// Rows, values and sizes of the footer within the bounds, and every chunk within the data
    /// (`4..data_end`).
    fn check(&self, data_end: u64) -> Result<(), Refusal> {
        let rows = |n: i64, what: &str| {
            if n < 0 || n as u64 > MAX_ROWS {
                Err(Claims(format!(
                    "{what} claims {} rows (expected 0 to {} rows in a table)",
                    group(i128::from(n)),
                    group(i128::from(MAX_ROWS))
                )))
            } else {
                Ok(())
            }
        };
        rows(self.num_rows, "the file")?;
        let mut total_rows = 0i128;
        let mut unpacked = 0i128;
        for (i, rg) in self.row_groups.iter().enumerate() {
            let g = i + 1;
            rows(rg.num_rows, &format!("row group {g}"))?;
            total_rows += i128::from(rg.num_rows);
            if total_rows > i128::from(MAX_ROWS) {
                return Err(Claims(format!(
                    "row groups 1 to {g} claim {} rows (expected at most {} rows in a table)",
                    group(total_rows),
                    group(i128::from(MAX_ROWS))
                )));
            }
            for c in rg.chunks.iter().filter(|c| c.has_meta) {
                let name = c.name(g);
                if c.num_values < 0 || c.num_values as u64 > MAX_ROWS {
                    return Err(Claims(format!(
                        "{name} claims {} values (expected 0 to {} values in a column)",
                        group(i128::from(c.num_values)),
                        group(i128::from(MAX_ROWS))
                    )));
                }
                if c.total_uncompressed_size < 0 {
                    return Err(Claims(format!(
                        "{name} claims to unpack to {} bytes (expected 0 or more)",
                        group(i128::from(c.total_uncompressed_size))
                    )));
                }
                unpacked += i128::from(c.total_uncompressed_size);
                if unpacked > i128::from(MAX_UNPACKED) {
                    return Err(Claims(format!(
                        "the column chunks up to {name} claim to unpack to {} bytes (expected at most {} for all of the file's data)",
                        group(unpacked),
                        size_text(MAX_UNPACKED)
                    )));
                }
                let (start, size) = (c.start(), c.total_compressed_size);
                let end = i128::from(start) + i128::from(size);
                if start < 4 || size < 0 || end > i128::from(data_end) {
                    return Err(Claims(format!(
                        "{name} claims bytes {} to {} (expected within the data, bytes 4 to {})",
                        group(i128::from(start)),
                        group(end),
                        group(i128::from(data_end))
                    )));
                }
                if c.dictionary_page_offset.is_some()
                    && (c.data_page_offset < start || i128::from(c.data_page_offset) >= end)
                {
                    return Err(Claims(format!(
                        "{name} claims its data pages start at byte {} (expected within its bytes {} to {})",
                        group(i128::from(c.data_page_offset)),
                        group(i128::from(start)),
                        group(end)
                    )));
                }
            }
        }
        Ok(())
    }
}

/// What a page header says.
#[derive(Debug, Default)]
struct PageHeader {
    kind: i64,
    uncompressed: i64,
    compressed: i64,
    /// The num_values of a data page header, a dictionary page header.
    data: Option<i64>,
    dictionary: Option<i64>,
    v2: Option<V2>,
}

#[derive(Debug, Default)]
struct V2 {
    num_values: i64,
    num_nulls: i64,
    num_rows: i64,
    levels: [i64; 2],
}

/// PageHeader: 1 type, 2 uncompressed_page_size, 3 compressed_page_size, 5 data_page_header,
/// 7 dictionary_page_header (the first field of each is num_values), 8 data_page_header_v2
/// (1 num_values, 2 num_nulls, 3 num_rows, 5 and 6 the bytes of the levels).
fn page_header(t: &mut Thrift<'_>) -> Walk<PageHeader> {
    let mut h = PageHeader::default();
    t.walk(PAGE_HEADER, STRUCT, &mut |path, item| {
        if let Item::Start = item {
            match path {
                [5] => h.data = None,
                [7] => h.dictionary = None,
                [8] => h.v2 = Some(V2::default()),
                _ => {}
            }
            return;
        }
        let Item::Int(n) = item else {
            return;
        };
        match path {
            [1] => h.kind = n,
            [2] => h.uncompressed = n,
            [3] => h.compressed = n,
            [5, 1] => h.data = Some(n),
            [7, 1] => h.dictionary = Some(n),
            [8, f] => {
                if let Some(v2) = &mut h.v2 {
                    match f {
                        1 => v2.num_values = n,
                        2 => v2.num_nulls = n,
                        3 => v2.num_rows = n,
                        5 => v2.levels[0] = n,
                        6 => v2.levels[1] = n,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    })?;
    Ok(h)
}

/// Page types.
const DATA_PAGE: i64 = 0;
const DICTIONARY_PAGE: i64 = 2;
const DATA_PAGE_V2: i64 = 3;

/// Walks a chunk's page headers as the reader does: from its start, until its pages hold the
/// values it claims or its bytes end. A header that cannot be read refuses the file.
fn pages<R: Read + Seek>(
    source: &mut R,
    buf: &mut Vec<u8>,
    chunk: &Chunk,
    rg: &RowGroup,
    g: usize,
    unpacked: &mut u64,
) -> Result<(), Refusal> {
    // Within the data: checked with the footer.
    let mut pos = chunk.start() as u64;
    let end = pos + chunk.total_compressed_size as u64;
    let expected = chunk.num_values;
    let mut seen = 0i64;
    let mut page = 0usize;
    while seen < expected && pos < end {
        page += 1;
        let Some((h, len)) = read_header(source, buf, pos, end)? else {
            return Err(Unreadable(format!(
                "the header of page {page} of {} is not well-formed",
                chunk.name(g)
            )));
        };
        let name = || match h.kind {
            DICTIONARY_PAGE => format!("the dictionary page of {}", chunk.name(g)),
            _ => format!("page {page} of {}", chunk.name(g)),
        };
        let body = pos + len;
        if h.compressed < 0 || i128::from(h.compressed) > i128::from(end - body) {
            return Err(Claims(format!(
                "{} claims {} bytes from byte {} (expected within its column chunk, which ends at byte {})",
                name(),
                group(i128::from(h.compressed)),
                group(i128::from(body)),
                group(i128::from(end))
            )));
        }
        if h.uncompressed < 0 || h.uncompressed as u64 > MAX_PAGE {
            return Err(Claims(format!(
                "{} claims to unpack to {} bytes (expected 0 to {} a page)",
                name(),
                group(i128::from(h.uncompressed)),
                size_text(MAX_PAGE)
            )));
        }
        *unpacked += h.uncompressed as u64;
        if *unpacked > MAX_UNPACKED {
            return Err(Claims(format!(
                "the pages up to {} claim to unpack to {} bytes (expected at most {} for all of the file's data)",
                name(),
                group(i128::from(*unpacked)),
                size_text(MAX_UNPACKED)
            )));
        }
        if let Some(n) = h.dictionary {
            // A dictionary entry takes at least a bit of the unpacked page.
            let most = MAX_ROWS.min((h.uncompressed as u64).saturating_mul(8));
            if n < 0 || n as u64 > most {
                return Err(Claims(format!(
                    "{} claims {} values in {} bytes (expected 0 to {} values in a column, and at most 8 a byte)",
                    name(),
                    group(i128::from(n)),
                    group(i128::from(h.uncompressed)),
                    group(i128::from(MAX_ROWS))
                )));
            }
        }
        let left = expected - seen;
        let values = |n: i64, what: &str| {
            if n < 0 || n > left {
                Err(Claims(format!(
                    "{} claims {} values{what} (expected 0 to {}, the values its column chunk claims{})",
                    name(),
                    group(i128::from(n)),
                    group(i128::from(left)),
                    if seen > 0 {
                        " after the pages before it"
                    } else {
                        ""
                    }
                )))
            } else {
                Ok(())
            }
        };
        if let Some(n) = h.data {
            values(n, "")?;
        }
        if let Some(v2) = &h.v2 {
            values(v2.num_values, "")?;
            if v2.num_nulls < 0 || v2.num_nulls > v2.num_values {
                return Err(Claims(format!(
                    "{} claims {} nulls among {} values (expected 0 to {})",
                    name(),
                    group(i128::from(v2.num_nulls)),
                    group(i128::from(v2.num_values)),
                    group(i128::from(v2.num_values))
                )));
            }
            if v2.num_rows < 0 || v2.num_rows > rg.num_rows {
                return Err(Claims(format!(
                    "{} claims {} rows (expected 0 to {}, the rows of its row group)",
                    name(),
                    group(i128::from(v2.num_rows)),
                    group(i128::from(rg.num_rows))
                )));
            }
            let [d, r] = v2.levels;
            let room = h.compressed.min(h.uncompressed);
            if d < 0 || r < 0 || d + r > room {
                return Err(Claims(format!(
                    "{} claims {} and {} bytes of levels in a page of {} (expected at most the page's bytes)",
                    name(),
                    group(i128::from(d)),
                    group(i128::from(r)),
                    group(i128::from(room))
                )));
            }
        }
        match h.kind {
            DATA_PAGE => seen += h.data.unwrap_or(0),
            DATA_PAGE_V2 => seen += h.v2.as_ref().map_or(0, |v| v.num_values),
            _ => {}
        }
        pos = body + h.compressed as u64;
    }
    Ok(())
}

/// The page header at `pos` and its length, read in growing windows up to `end`; `None` when
/// it cannot be read.
fn read_header<R: Read + Seek>(
    source: &mut R,
    buf: &mut Vec<u8>,
    pos: u64,
    end: u64,
) -> Result<Option<(PageHeader, u64)>, Refusal> {
    let mut window = HEADER_READ.min(end - pos);
    loop {
        buf.clear();
        if source.seek(SeekFrom::Start(pos)).is_err()
            || (&mut *source).take(window).read_to_end(buf).is_err()
        {
            return Ok(None);
        }
        let mut t = Thrift::new(buf, true);
        match page_header(&mut t) {
            Ok(h) => return Ok(Some((h, t.pos as u64))),
            // Cut short by the window: read again, larger.
            Err(_) if window < end - pos && buf.len() as u64 == window => {
                window = window.saturating_mul(16).min(end - pos);
            }
            Err(Stop::Claims(e)) => return Err(Claims(e)),
            Err(Stop::Malformed) => return Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Thrift compact writer for crafted metadata.
    #[derive(Default)]
    struct W {
        out: Vec<u8>,
        last: Vec<i16>,
    }

    impl W {
        fn varint(&mut self, mut v: u64) {
            while v >= 0x80 {
                self.out.push(v as u8 | 0x80);
                v >>= 7;
            }
            self.out.push(v as u8);
        }
        fn field(&mut self, id: i16, ty: u8) {
            let last = *self.last.last().unwrap();
            let d = id - last;
            if (1..=15).contains(&d) {
                self.out.push((d as u8) << 4 | ty);
            } else {
                self.out.push(ty);
                self.varint(((id as i64) << 1 ^ (id as i64) >> 63) as u64);
            }
            *self.last.last_mut().unwrap() = id;
        }
        fn int(&mut self, id: i16, v: i64) {
            self.field(id, I64);
            self.varint((v << 1 ^ v >> 63) as u64);
        }
        fn bin(&mut self, id: i16, b: &[u8]) {
            self.field(id, BINARY);
            self.varint(b.len() as u64);
            self.out.extend_from_slice(b);
        }
        fn begin(&mut self, id: i16) {
            self.field(id, STRUCT);
            self.item();
        }
        /// A struct as a list's item.
        fn item(&mut self) {
            self.last.push(0);
        }
        fn end(&mut self) {
            self.out.push(0);
            self.last.pop();
        }
        fn list(&mut self, id: i16, elem: u8, n: u64) {
            self.field(id, LIST);
            if n < 15 {
                self.out.push((n as u8) << 4 | elem);
            } else {
                self.out.push(0xf0 | elem);
                self.varint(n);
            }
        }
    }

    #[derive(Clone)]
    struct Page {
        kind: i64,
        uncompressed: i64,
        compressed: i64,
        values: i64,
        /// num_nulls, num_rows, definition and repetition level bytes of a v2 page.
        v2: Option<[i64; 4]>,
    }

    fn data(values: i64) -> Page {
        Page {
            kind: DATA_PAGE,
            uncompressed: 10,
            compressed: 10,
            values,
            v2: None,
        }
    }

    fn dictionary(values: i64) -> Page {
        Page {
            kind: DICTIONARY_PAGE,
            ..data(values)
        }
    }

    fn v2(values: i64, rest: [i64; 4]) -> Page {
        Page {
            kind: DATA_PAGE_V2,
            v2: Some(rest),
            ..data(values)
        }
    }

    /// What the footer says, as [`crafted`] writes it unless a test changes it.
    struct Meta {
        file_rows: i64,
        group_rows: i64,
        num_values: i64,
        uncompressed: i64,
        compressed: Option<i64>,
        data_offset: Option<i64>,
        dictionary_offset: Option<i64>,
    }

    /// A file of one row group with one column `amount` holding `pages` (each body as long
    /// as its stated compressed size, up to 64 bytes); 12 rows unless `meta` says otherwise.
    fn crafted(pages: &[Page], meta: impl FnOnce(&mut Meta)) -> Vec<u8> {
        let mut file = b"PAR1".to_vec();
        let mut first_data = None;
        for p in pages {
            if p.kind != DICTIONARY_PAGE && first_data.is_none() {
                first_data = Some(file.len() as i64);
            }
            let mut w = W::default();
            w.item();
            w.int(1, p.kind);
            w.int(2, p.uncompressed);
            w.int(3, p.compressed);
            let sub = match p.kind {
                DICTIONARY_PAGE => 7,
                DATA_PAGE_V2 => 8,
                _ => 5,
            };
            w.begin(sub);
            w.int(1, p.values);
            if let Some([nulls, rows, d, r]) = p.v2 {
                w.int(2, nulls);
                w.int(3, rows);
                w.int(4, 0);
                w.int(5, d);
                w.int(6, r);
            } else {
                w.int(2, 0);
            }
            w.end();
            w.end();
            file.extend(&w.out);
            file.extend(vec![0u8; p.compressed.clamp(0, 64) as usize]);
        }
        let mut m = Meta {
            file_rows: 12,
            group_rows: 12,
            num_values: 12,
            uncompressed: file.len() as i64 - 4,
            compressed: None,
            data_offset: None,
            dictionary_offset: (pages.first().map(|p| p.kind) == Some(DICTIONARY_PAGE))
                .then_some(4),
        };
        meta(&mut m);
        let mut w = W::default();
        w.item();
        w.int(1, 1);
        w.list(2, STRUCT, 2);
        w.item();
        w.bin(4, b"schema");
        w.int(5, 1);
        w.end();
        w.item();
        w.int(1, 1);
        w.int(3, 1);
        w.bin(4, b"amount");
        w.end();
        w.int(3, m.file_rows);
        w.list(4, STRUCT, 1);
        w.item();
        w.list(1, STRUCT, 1);
        w.item();
        w.begin(3);
        w.int(1, 1);
        w.list(2, I32, 1);
        w.varint(0);
        w.list(3, BINARY, 1);
        w.varint(6);
        w.out.extend(b"amount");
        w.int(4, 0);
        w.int(5, m.num_values);
        w.int(6, m.uncompressed);
        w.int(7, m.compressed.unwrap_or(file.len() as i64 - 4));
        w.int(9, m.data_offset.or(first_data).unwrap_or(4));
        if let Some(d) = m.dictionary_offset {
            w.int(11, d);
        }
        w.end();
        w.end();
        w.int(3, m.group_rows);
        w.end();
        w.end();
        file.extend(&w.out);
        file.extend((w.out.len() as u32).to_le_bytes());
        file.extend(b"PAR1");
        file
    }

    /// The check's verdict; a refusal as its text, with `unreadable: ` before it when the
    /// file could not be walked.
    fn checked(file: &[u8]) -> Result<(), String> {
        check(std::io::Cursor::new(file)).map_err(|r| match r {
            Claims(t) => t,
            Unreadable(t) => format!("unreadable: {t}"),
        })
    }

    #[test]
    fn a_file_written_by_polars_passes() {
        use polars::prelude::*;
        let n = 3000;
        let mut df = DataFrame::new(
            n,
            vec![
                Column::new(
                    "unit".into(),
                    (0..n).map(|i| format!("A{}", i % 7)).collect::<Vec<_>>(),
                ),
                Column::new(
                    "actual".into(),
                    (0..n).map(|i| i as f64 * 0.5).collect::<Vec<_>>(),
                ),
                Column::new(
                    "note".into(),
                    (0..n)
                        .map(|i| (i % 3 == 0).then(|| "x".repeat(i % 50)))
                        .collect::<Vec<_>>(),
                ),
            ],
        )
        .unwrap();
        let list = ListChunked::from_iter(
            (0..n).map(|i| (i % 5 != 0).then(|| Series::new("".into(), vec![i as i64; i % 4]))),
        );
        df.with_column(list.into_series().with_name("list".into()).into_column())
            .unwrap();
        let codecs = [
            ParquetCompression::Uncompressed,
            ParquetCompression::Snappy,
            ParquetCompression::Gzip(None),
            ParquetCompression::Brotli(None),
            ParquetCompression::Zstd(None),
            ParquetCompression::Lz4Raw,
        ];
        for codec in codecs {
            for page in [None, Some(256)] {
                let mut bytes = Vec::new();
                ParquetWriter::new(&mut bytes)
                    .with_row_group_size(Some(1000))
                    .with_compression(codec)
                    .with_data_page_size(page)
                    .with_statistics(StatisticsOptions::full())
                    .finish(&mut df)
                    .unwrap();
                assert_eq!(checked(&bytes), Ok(()), "{codec:?}, pages of {page:?}");
                let read = ParquetReader::new(std::io::Cursor::new(bytes)).finish();
                assert!(read.unwrap().equals_missing(&df), "{codec:?}");
            }
        }
    }

    #[test]
    fn a_crafted_file_within_the_bounds_passes() {
        assert_eq!(
            checked(&crafted(&[dictionary(3), data(5), data(7)], |_| {})),
            Ok(())
        );
        assert_eq!(checked(&crafted(&[v2(12, [2, 12, 3, 0])], |_| {})), Ok(()));
    }

    #[test]
    fn what_cannot_be_walked_is_refused() {
        let few = "unreadable: it has 0 bytes (expected a Parquet file, which has at least 12)";
        assert_eq!(checked(b""), Err(few.into()));
        assert_eq!(checked(b"PAR1PAR1"), Err(few.replace("0 bytes", "8 bytes")));
        assert_eq!(
            checked(b"not a parquet file at all"),
            Err(
                "unreadable: it does not end with the Parquet marker PAR1 (expected a Parquet file)"
                    .into()
            )
        );
        let mut file = crafted(&[data(12)], |_| {});
        // Metadata that is not well-formed: a field of an unknown type.
        let at = file.len() - 9;
        file[at] = 0x1e;
        assert_eq!(
            checked(&file),
            Err("unreadable: its metadata (the footer) is not well-formed".into())
        );
    }

    #[test]
    fn the_metadata_lies_within_the_file() {
        let mut file = crafted(&[data(12)], |_| {});
        let n = file.len();
        file[n - 8..n - 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let e = checked(&file).unwrap_err();
        assert!(
            e.starts_with("its metadata claims 4 294 967 295 bytes in a file of "),
            "{e}"
        );
        assert!(
            e.ends_with("(expected at most the file's size less 12 bytes)"),
            "{e}"
        );
    }

    #[test]
    fn rows_are_bounded() {
        let e = |m: fn(&mut Meta)| checked(&crafted(&[data(12)], m)).unwrap_err();
        assert_eq!(
            e(|m| m.file_rows = 1 << 32),
            "the file claims 4 294 967 296 rows (expected 0 to 50 000 000 rows in a table)"
        );
        assert_eq!(
            e(|m| m.group_rows = -1),
            "row group 1 claims -1 rows (expected 0 to 50 000 000 rows in a table)"
        );
        assert_eq!(
            e(|m| m.group_rows = 50_000_001),
            "row group 1 claims 50 000 001 rows (expected 0 to 50 000 000 rows in a table)"
        );
    }

    #[test]
    fn column_chunks_are_bounded_and_within_the_data() {
        let e = |m: fn(&mut Meta)| checked(&crafted(&[data(12)], m)).unwrap_err();
        assert_eq!(
            e(|m| m.num_values = i64::MAX),
            "column `amount` in row group 1 claims 9 223 372 036 854 775 807 values (expected 0 to 50 000 000 values in a column)"
        );
        assert_eq!(
            e(|m| m.uncompressed = -5),
            "column `amount` in row group 1 claims to unpack to -5 bytes (expected 0 or more)"
        );
        assert_eq!(
            e(|m| m.uncompressed = 1 << 40),
            "the column chunks up to column `amount` in row group 1 claim to unpack to 1 099 511 627 776 bytes (expected at most 16 GiB for all of the file's data)"
        );
        let file = crafted(&[data(12)], |_| {});
        let data_end = file.len()
            - 8
            - u32::from_le_bytes(file[file.len() - 8..file.len() - 4].try_into().unwrap()) as usize;
        assert_eq!(
            e(|m| m.compressed = Some(1 << 50)),
            format!(
                "column `amount` in row group 1 claims bytes 4 to 1 125 899 906 842 628 (expected within the data, bytes 4 to {data_end})"
            )
        );
        assert_eq!(
            e(|m| m.data_offset = Some(-7)),
            format!(
                "column `amount` in row group 1 claims bytes -7 to {} (expected within the data, bytes 4 to {data_end})",
                data_end - 11
            )
        );
        let e = checked(&crafted(&[dictionary(2), data(12)], |m| {
            m.data_offset = Some(1 << 40)
        }))
        .unwrap_err();
        assert!(e.starts_with("column `amount` in row group 1 claims its data pages start at byte 1 099 511 627 776 (expected within its bytes 4 to "), "{e}");
    }

    #[test]
    fn pages_are_bounded_and_within_their_chunk() {
        let e = |pages: &[Page]| checked(&crafted(pages, |_| {})).unwrap_err();
        assert_eq!(
            e(&[data(-1)]),
            "page 1 of column `amount` in row group 1 claims -1 values (expected 0 to 12, the values its column chunk claims)"
        );
        assert_eq!(
            e(&[data(5), data(8)]),
            "page 2 of column `amount` in row group 1 claims 8 values (expected 0 to 7, the values its column chunk claims after the pages before it)"
        );
        assert_eq!(
            e(&[Page {
                uncompressed: i64::from(i32::MAX),
                ..data(12)
            }]),
            "page 1 of column `amount` in row group 1 claims to unpack to 2 147 483 647 bytes (expected 0 to 1 GiB a page)"
        );
        assert_eq!(
            e(&[Page {
                uncompressed: -1,
                ..data(12)
            }]),
            "page 1 of column `amount` in row group 1 claims to unpack to -1 bytes (expected 0 to 1 GiB a page)"
        );
        let file = crafted(
            &[Page {
                compressed: 1000,
                ..data(12)
            }],
            |m| m.compressed = Some(40),
        );
        assert_eq!(
            checked(&file).unwrap_err(),
            "page 1 of column `amount` in row group 1 claims 1 000 bytes from byte 18 (expected within its column chunk, which ends at byte 44)"
        );
        assert_eq!(
            e(&[dictionary(1_000_000_000), data(12)]),
            "the dictionary page of column `amount` in row group 1 claims 1 000 000 000 values in 10 bytes (expected 0 to 50 000 000 values in a column, and at most 8 a byte)"
        );
        assert_eq!(
            e(&[dictionary(81), data(12)]),
            "the dictionary page of column `amount` in row group 1 claims 81 values in 10 bytes (expected 0 to 50 000 000 values in a column, and at most 8 a byte)"
        );
        assert_eq!(
            e(&[v2(12, [13, 12, 0, 0])]),
            "page 1 of column `amount` in row group 1 claims 13 nulls among 12 values (expected 0 to 12)"
        );
        assert_eq!(
            e(&[v2(12, [0, 1 << 33, 0, 0])]),
            "page 1 of column `amount` in row group 1 claims 8 589 934 592 rows (expected 0 to 12, the rows of its row group)"
        );
        assert_eq!(
            e(&[v2(12, [0, 12, 6, 5])]),
            "page 1 of column `amount` in row group 1 claims 6 and 5 bytes of levels in a page of 10 (expected at most the page's bytes)"
        );
    }

    #[test]
    fn the_pages_unpack_to_at_most_the_bound_in_all() {
        let big = Page {
            uncompressed: 1 << 30,
            ..data(1)
        };
        let pages: Vec<Page> = (0..17).map(|_| big.clone()).collect();
        let e = checked(&crafted(&pages, |m| m.num_values = 17)).unwrap_err();
        assert_eq!(
            e,
            "the pages up to page 17 of column `amount` in row group 1 claim to unpack to 18 253 611 008 bytes (expected at most 16 GiB for all of the file's data)"
        );
    }

    /// A file of nothing but a footer: magic, the metadata, its length, magic.
    fn footer_only(metadata: &[u8]) -> Vec<u8> {
        let mut file = b"PAR1".to_vec();
        file.extend(metadata);
        file.extend((metadata.len() as u32).to_le_bytes());
        file.extend(b"PAR1");
        file
    }

    #[test]
    fn lists_and_nesting_are_bounded() {
        let mut w = W::default();
        w.item();
        w.list(4, STRUCT, 1 << 40);
        let file = footer_only(&w.out);
        assert_eq!(
            checked(&file).unwrap_err(),
            "its metadata claims a list of 1 099 511 627 776 items in 0 bytes (expected at most an item a byte)"
        );
        let mut w = W::default();
        w.item();
        for _ in 0..40 {
            w.begin(20);
        }
        let file = footer_only(&w.out);
        assert_eq!(
            checked(&file).unwrap_err(),
            "its metadata nests deeper than 32 levels (expected the few levels of the format)"
        );
        assert_eq!(group(-1_234_567), "-1 234 567");
    }

    /// The reader reads a field it knows as its shape says, whatever type the field declares:
    /// so does the walk, or a crafted file would show it other numbers than the reader sees.
    #[test]
    fn a_known_field_is_read_as_the_reader_reads_it() {
        let mut w = W::default();
        w.item();
        // num_rows declared a boolean (no bytes), then a varint the reader takes as its value.
        w.field(3, BOOL_TRUE);
        w.varint(1 << 41);
        w.end();
        let file = footer_only(&w.out);
        assert_eq!(
            checked(&file).unwrap_err(),
            "the file claims 1 099 511 627 776 rows (expected 0 to 50 000 000 rows in a table)"
        );
        // A varint of eleven bytes, which the footer decoder takes (its bits past 64 wrap):
        // the walk goes on to the row groups after it.
        let mut w = W::default();
        w.item();
        w.field(3, I64);
        w.out.extend([0x80; 10]);
        w.out.push(0x02);
        w.list(4, STRUCT, 1);
        w.item();
        w.int(3, 1 << 40);
        w.end();
        w.end();
        let file = footer_only(&w.out);
        assert_eq!(
            checked(&file).unwrap_err(),
            "row group 1 claims 1 099 511 627 776 rows (expected 0 to 50 000 000 rows in a table)"
        );
        // row_groups declared an i32: still a list to the reader, which reserves for its items.
        let mut w = W::default();
        w.item();
        w.field(4, I32);
        w.out.push(0xfc);
        w.varint(1 << 31);
        w.end();
        let file = footer_only(&w.out);
        assert_eq!(
            checked(&file).unwrap_err(),
            "its metadata claims a list of 2 147 483 648 items in 1 bytes (expected at most an item a byte)"
        );
    }
}
