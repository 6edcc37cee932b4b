"""A reader of R's data files, without R: the part of R's serialization format (R
Internals, "Serialization Formats") that data sets use, in the two ways R packages store
them:

    load_from_rda(path, name)                the object `name` of an .rda file (save())
    read_rda(path)                           all objects of an .rda file, name -> object
    load_from_lazyload_db(rdb, rdx, name)    the object `name` of a lazy-load database
    load_dataset(package_dir, name)          the data set `name` of an installed package
                                             (data/Rdata.rdb + .rdx, else data/NAME.rda)
    data_frame_columns(frame, where)         the columns (all, or those named) and the
                                             row count of a data frame

Streams are XDR ("X\\n"), serialization versions 2 and 3; files may be gzip-, bzip2- or
xz-compressed, database blocks zlib-, bzip2- or xz-compressed or stored. Objects come
back as RVector (logical, integer, double, character, list and expression vectors),
RPairlist (pairlists and calls), RSymbol, RClosure, RPromise, the markers in MARKERS,
or None (NULL). Anything else (environments other than the global, empty and base
ones, ALTREP, bytecode, S4, raw, complex, ...) and any malformed input raise DataError,
whose message names the file, the object type and the byte offset.

Used by scripts/movielens.py and samples/sparse-lr/spam_to_triples.py.
"""

import bz2
import gzip
import lzma
import os
import struct
import zlib


class DataError(Exception):
    """A file is missing, malformed or holds something this reader does not handle; the
    message says which file and what."""


# ---------------------------------------------------------------------------------
# R's serialization format, XDR ("X\n") variant, versions 2 and 3.
#
# A stream is a header (format "X\n", int version, int writer R version, int oldest
# reader version; version 3 adds int n and an n-byte native encoding name) followed by
# one item. An item starts with an int of flags:
#   bits 0-7 the type, bit 8 "is object", bit 9 "has attributes", bit 10 "has tag",
#   bits 12-27 the "levels" (for strings: their encoding).
# Vectors follow with an int length (-1: a long length as two ints, high then low)
# and their elements; their attributes (a pairlist) come after the elements. Cells of
# pairlists, calls, closures and promises carry attributes first, then the tag, then
# CAR, then CDR (a closure: environment, formals, body; a promise: environment,
# value, code). Symbols and a few environment-like types enter a reference table in
# the order they are read; a REFSXP item names an earlier entry by its 1-based index
# (flags >> 8, or the next int when that is 0). The global, empty and base
# environments and the missing argument are items of their own type and no body.
# All numbers are big-endian; NA_integer_ (and NA of logicals) is INT_MIN, NA of
# strings a length of -1. Error messages count bytes from the stream's "X\n".
# ---------------------------------------------------------------------------------

SYMSXP, LISTSXP, CLOSXP, PROMSXP, LANGSXP = 1, 2, 3, 5, 6
CHARSXP, LGLSXP, INTSXP, REALSXP, STRSXP, VECSXP, EXPRSXP = 9, 10, 13, 14, 16, 19, 20
BASEENV_SXP, EMPTYENV_SXP, MISSINGARG_SXP, GLOBALENV_SXP = 241, 242, 251, 253
REFSXP, NILVALUE_SXP = 255, 254

TYPE_NAMES = {
    0: "NILSXP", 1: "SYMSXP", 2: "LISTSXP", 3: "CLOSXP", 4: "ENVSXP", 5: "PROMSXP",
    6: "LANGSXP", 7: "SPECIALSXP", 8: "BUILTINSXP", 9: "CHARSXP", 10: "LGLSXP",
    13: "INTSXP", 14: "REALSXP", 15: "CPLXSXP", 16: "STRSXP", 17: "DOTSXP", 18: "ANYSXP",
    19: "VECSXP", 20: "EXPRSXP", 21: "BCODESXP", 22: "EXTPTRSXP", 23: "WEAKREFSXP",
    24: "RAWSXP", 25: "S4SXP", 238: "ALTREP_SXP", 239: "ATTRLISTSXP", 240: "ATTRLANGSXP",
    241: "BASEENV_SXP", 242: "EMPTYENV_SXP", 243: "BCREPREF", 244: "BCREPDEF",
    245: "GENERICREFSXP", 246: "CLASSREFSXP", 247: "PERSISTSXP", 248: "PACKAGESXP",
    249: "NAMESPACESXP", 250: "BASENAMESPACE_SXP", 251: "MISSINGARG_SXP",
    252: "UNBOUNDVALUE_SXP", 253: "GLOBALENV_SXP", 254: "NILVALUE_SXP", 255: "REFSXP",
}

NA_INTEGER = -(2 ** 31)

# The bit of a CHARSXP's levels that marks Latin-1 text (other strings are read as
# UTF-8, which covers R's UTF-8 and ASCII marks and a UTF-8 native encoding).
LATIN1_MASK = 1 << 2

HAS_ATTRIBUTES, HAS_TAG = 1 << 9, 1 << 10


class RVector:
    """An R vector: `kind` is the R type name ("integer", "double", "logical",
    "character", "list", "expression"), `values` a Python list (None for NA in
    logical, integer and character vectors; NaN payloads stay floats), `attributes` a
    dict name -> value."""

    def __init__(self, kind, values, attributes):
        self.kind = kind
        self.values = values
        self.attributes = attributes

    def attribute_strings(self, name):
        value = self.attributes.get(name)
        if isinstance(value, RVector) and value.kind == "character":
            return value.values
        return []


class RSymbol:
    def __init__(self, name):
        self.name = name


class RPairlist:
    """A pairlist (`kind` "pairlist") or a call ("language": the function, then the
    arguments) as a list `items` of (tag name or None, value); `attributes` are those
    of the first cell."""

    def __init__(self, items, kind="pairlist", attributes=None):
        self.items = items
        self.kind = kind
        self.attributes = attributes or {}


class RClosure:
    """A function: its environment, formals (an RPairlist, or None) and body."""

    def __init__(self, environment, formals, body, attributes):
        self.environment = environment
        self.formals = formals
        self.body = body
        self.attributes = attributes


class RPromise:
    """A promise: its environment (None once forced), value and code."""

    def __init__(self, environment, value, code, attributes):
        self.environment = environment
        self.value = value
        self.code = code
        self.attributes = attributes


class RMarker:
    """One of R's singletons that a stream names by its type alone."""

    def __init__(self, name):
        self.name = name


MARKERS = {
    GLOBALENV_SXP: RMarker("R_GlobalEnv"),
    EMPTYENV_SXP: RMarker("R_EmptyEnv"),
    BASEENV_SXP: RMarker("R_BaseEnv"),
    MISSINGARG_SXP: RMarker("R_MissingArg"),
}


class Unserializer:
    """Reads one serialized R object from `data`; `where` names the source in errors."""

    def __init__(self, data, where):
        self.data = data
        self.pos = 0
        self.where = where
        self.references = []

    def fail(self, what, at=None):
        at = self.pos if at is None else at
        raise DataError(f"{self.where}: {what} (at byte {at} of the serialized object)")

    def take(self, n):
        if n < 0 or self.pos + n > len(self.data):
            self.fail(f"truncated R serialization: {n} more bytes needed, "
                      f"{len(self.data) - self.pos} left")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def int32(self):
        return struct.unpack(">i", self.take(4))[0]

    def length(self):
        n = self.int32()
        if n == -1:
            high, low = struct.unpack(">II", self.take(8))
            n = (high << 32) | low
        elif n < 0:
            self.fail(f"negative vector length {n}", self.pos - 4)
        return n

    def read_stream(self):
        magic = self.take(2)
        if magic != b"X\n":
            names = {b"A\n": "ASCII", b"B\n": "native binary"}
            kind = names.get(magic, f"unknown ({magic!r})")
            self.fail(f"serialization format is {kind}; only XDR ('X') is supported", 0)
        version = self.int32()
        self.int32()  # R version that wrote the stream
        self.int32()  # oldest R version that can read it
        if version == 3:
            self.take(self.int32())  # native encoding name, e.g. "UTF-8"
        elif version != 2:
            self.fail(f"unsupported serialization version {version}; only versions 2 and 3 "
                      "are supported", 2)
        return self.read_item()

    def read_item(self):
        start = self.pos
        flags = self.int32()
        sexp_type = flags & 0xFF
        levels = flags >> 12
        has_attributes = bool(flags & HAS_ATTRIBUTES)
        has_tag = bool(flags & HAS_TAG)

        if sexp_type == NILVALUE_SXP:
            return None
        if sexp_type in MARKERS:
            return MARKERS[sexp_type]
        if sexp_type == REFSXP:
            index = flags >> 8
            if index == 0:
                index = self.int32()
            if not 1 <= index <= len(self.references):
                self.fail(f"reference {index} to an object not read yet "
                          f"({len(self.references)} known)", start)
            return self.references[index - 1]
        if sexp_type == SYMSXP:
            name = self.read_item()
            if not isinstance(name, str):
                self.fail("a symbol's name is not a string", start)
            symbol = RSymbol(name)
            self.references.append(symbol)
            return symbol
        if sexp_type in (LISTSXP, LANGSXP):
            return self.read_pairlist(sexp_type, has_attributes, has_tag)
        if sexp_type in (CLOSXP, PROMSXP):
            attributes = self.read_attributes() if has_attributes else {}
            environment = self.read_item() if has_tag else None
            car = self.read_item()
            cdr = self.read_item()
            if sexp_type == CLOSXP:
                return RClosure(environment, car, cdr, attributes)
            return RPromise(environment, car, cdr, attributes)
        if sexp_type == CHARSXP:
            return self.read_string(levels)

        if sexp_type in (LGLSXP, INTSXP):
            n = self.length()
            values = list(struct.unpack(f">{n}i", self.take(4 * n)))
            values = [None if v == NA_INTEGER else v for v in values]
            kind = "logical" if sexp_type == LGLSXP else "integer"
            if kind == "logical":
                values = [None if v is None else v != 0 for v in values]
        elif sexp_type == REALSXP:
            n = self.length()
            values = list(struct.unpack(f">{n}d", self.take(8 * n)))
            kind = "double"
        elif sexp_type == STRSXP:
            n = self.length()
            values = []
            for _ in range(n):
                element_flags = self.int32()
                if element_flags & 0xFF != CHARSXP:
                    self.fail("string vector element of type "
                              + self.type_name(element_flags & 0xFF), self.pos - 4)
                values.append(self.read_string(element_flags >> 12))
            kind = "character"
        elif sexp_type in (VECSXP, EXPRSXP):
            n = self.length()
            values = [self.read_item() for _ in range(n)]
            kind = "list" if sexp_type == VECSXP else "expression"
        else:
            self.fail(f"unsupported R object type {self.type_name(sexp_type)}: this reader "
                      "handles NULL, symbols, pairlists, calls, closures, promises, the "
                      "global, empty and base environments, the missing argument, and "
                      "logical, integer, double, character, list and expression vectors",
                      start)
        attributes = self.read_attributes() if has_attributes else {}
        return RVector(kind, values, attributes)

    def read_string(self, levels):
        n = self.int32()
        if n == -1:
            return None  # NA_character_
        raw = self.take(n)
        if levels & LATIN1_MASK:
            return raw.decode("latin-1")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("latin-1")

    def read_pairlist(self, sexp_type, has_attributes, has_tag):
        # Cells are read iteratively: a long pairlist must not exhaust Python's stack.
        # A call is a LANGSXP cell followed by LISTSXP cells.
        kind = "pairlist" if sexp_type == LISTSXP else "language"
        attributes = self.read_attributes() if has_attributes else {}
        items = []
        while True:
            tag = self.read_item() if has_tag else None
            if tag is not None and not isinstance(tag, RSymbol):
                self.fail("a pairlist tag is not a symbol")
            items.append((tag.name if tag else None, self.read_item()))
            flags = self.int32()
            if flags & 0xFF == NILVALUE_SXP:
                return RPairlist(items, kind, attributes)
            if flags & 0xFF != LISTSXP:
                self.fail(f"pairlist ends in an object of type {self.type_name(flags & 0xFF)}",
                          self.pos - 4)
            has_tag = bool(flags & HAS_TAG)
            if flags & HAS_ATTRIBUTES:
                self.read_attributes()  # of a later cell: R keeps none there

    def read_attributes(self):
        start = self.pos
        value = self.read_item()
        if not isinstance(value, RPairlist) or value.kind != "pairlist":
            self.fail("attributes are not a pairlist", start)
        return {name: v for name, v in value.items}

    @staticmethod
    def type_name(sexp_type):
        return f"{TYPE_NAMES.get(sexp_type, 'unknown')} ({sexp_type})"


def unserialize(data, where):
    return Unserializer(data, where).read_stream()


def decompress_file(raw, where):
    """The bytes of a whole file written by R's gzfile/bzfile/xzfile (or uncompressed)."""
    try:
        if raw[:2] == b"\x1f\x8b":
            return gzip.decompress(raw)
        if raw[:3] == b"BZh":
            return bz2.decompress(raw)
        if raw[:6] == b"\xfd7zXZ\x00":
            return lzma.decompress(raw)
    except (OSError, EOFError, lzma.LZMAError, zlib.error, ValueError) as e:
        raise DataError(f"{where}: cannot decompress: {e}")
    return raw


def list_element(vector, name, where):
    names = vector.attribute_strings("names")
    if vector.kind != "list" or name not in names:
        raise DataError(f"{where}: has no element '{name}'")
    return vector.values[names.index(name)]


# ---------------------------------------------------------------------------------
# .rda files (what R's save() writes): "RDX2\n" or "RDX3\n", then a serialization
# stream of one pairlist, object name -> object; the whole file usually gzip-, bzip2-
# or xz-compressed.
# ---------------------------------------------------------------------------------

def read_rda(rda_path):
    """The objects saved in an .rda file, as a dict name -> object in file order."""
    with open(rda_path, "rb") as f:
        data = decompress_file(f.read(), rda_path)
    if data[:5] not in (b"RDX2\n", b"RDX3\n"):
        raise DataError(f"{rda_path}: not an R data file in XDR format (an XDR .rda file "
                        f"starts with 'RDX2' or 'RDX3', this one with {data[:5]!r})")
    saved = unserialize(data[5:], rda_path)
    if not isinstance(saved, RPairlist):
        raise DataError(f"{rda_path}: holds no pairlist of saved objects")
    return {tag: value for tag, value in saved.items if tag is not None}


def load_from_rda(rda_path, name):
    objects = read_rda(rda_path)
    if name not in objects:
        raise DataError(f"{rda_path}: holds no object named '{name}' "
                        f"(found: {', '.join(objects) or 'none'})")
    return objects[name]


# ---------------------------------------------------------------------------------
# Lazy-load databases (how R's makeLazyLoadDB stores a package's data).
#
# NAME.rdx is one serialized object (usually gzip-compressed): a list with
#   variables:  a named list, object name -> integer c(offset, length) into NAME.rdb,
#   references: the same for environments the objects refer to,
#   compressed: TRUE (zlib), 2 (bzip2) or 3 (xz): how each block of NAME.rdb is packed.
# A block of NAME.rdb is a 4-byte big-endian length of the uncompressed data, then
#   compressed TRUE: a zlib stream;
#   compressed 2 or 3: a type byte, then '0' raw bytes, '1' a zlib stream, '2' a bzip2
#   stream or 'Z' a raw LZMA2 stream (xz preset 9e, no container).
# The uncompressed data is a serialization stream as above.
# ---------------------------------------------------------------------------------

def read_lazyload_index(rdx_path):
    with open(rdx_path, "rb") as f:
        index = unserialize(decompress_file(f.read(), rdx_path), rdx_path)
    if not isinstance(index, RVector):
        raise DataError(f"{rdx_path}: not a lazy-load index (not a list)")
    variables = list_element(index, "variables", rdx_path)
    compressed = list_element(index, "compressed", rdx_path)
    if (not isinstance(variables, RVector) or not isinstance(compressed, RVector)
            or len(compressed.values) != 1):
        raise DataError(f"{rdx_path}: malformed lazy-load index")
    scheme = compressed.values[0]  # TRUE, FALSE, 2 or 3 (integer or double)
    if scheme not in (0, 1, 2, 3):
        raise DataError(f"{rdx_path}: unknown compression {compressed.values[0]!r}")
    names = variables.attribute_strings("names")
    blocks = {}
    for name, entry in zip(names, variables.values):
        if not isinstance(entry, RVector) or len(entry.values) != 2 or None in entry.values:
            raise DataError(f"{rdx_path}: entry '{name}' is not c(offset, length)")
        blocks[name] = (int(entry.values[0]), int(entry.values[1]))
    return blocks, int(scheme)


def decompress_block(block, scheme, where):
    if scheme == 0:
        return block
    if len(block) < 5:
        raise DataError(f"{where}: block of {len(block)} bytes is too short")
    expected = struct.unpack(">I", block[:4])[0]
    try:
        if scheme == 1:
            data = zlib.decompress(block[4:])
        else:
            kind = block[4:5]
            body = block[5:]
            if kind == b"0":
                data = body
            elif kind == b"1":
                data = zlib.decompress(body)
            elif kind == b"2":
                data = bz2.decompress(body)
            elif kind == b"Z":
                filters = [{"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME}]
                decompressor = lzma.LZMADecompressor(format=lzma.FORMAT_RAW, filters=filters)
                data = decompressor.decompress(body)
            else:
                raise DataError(f"{where}: unknown block compression type {kind!r}")
    except (OSError, EOFError, lzma.LZMAError, zlib.error, ValueError) as e:
        raise DataError(f"{where}: cannot decompress: {e}")
    if len(data) != expected:
        raise DataError(f"{where}: decompressed to {len(data)} bytes, the block says {expected}")
    return data


def load_from_lazyload_db(rdb_path, rdx_path, name):
    blocks, scheme = read_lazyload_index(rdx_path)
    if name not in blocks:
        raise DataError(f"{rdx_path}: no object '{name}' (has: {', '.join(sorted(blocks))})")
    offset, length = blocks[name]
    with open(rdb_path, "rb") as f:
        f.seek(offset)
        block = f.read(length)
    where = f"{rdb_path} (object '{name}' at offset {offset})"
    if len(block) != length:
        raise DataError(f"{where}: file ends inside the object")
    return unserialize(decompress_block(block, scheme, where), where)


def load_dataset(package_dir, name):
    """The data set `name` of an installed R package: from its lazy-load database
    data/Rdata.rdb + Rdata.rdx, or from data/NAME.rda where it has no database."""
    data_dir = os.path.join(package_dir, "data")
    rdb = os.path.join(data_dir, "Rdata.rdb")
    rdx = os.path.join(data_dir, "Rdata.rdx")
    rda = os.path.join(data_dir, name + ".rda")
    if os.path.isfile(rdb) and os.path.isfile(rdx):
        return load_from_lazyload_db(rdb, rdx, name)
    if os.path.isfile(rda):
        return load_from_rda(rda, name)
    raise DataError(f"{package_dir}: has neither data/Rdata.rdb + data/Rdata.rdx "
                    f"nor data/{name}.rda")


# ---------------------------------------------------------------------------------
# Data frames: a list of class "data.frame" with names (the column names) and
# row.names, one column per element, each with one value per row.
# ---------------------------------------------------------------------------------

def data_frame_columns(frame, where, wanted=None):
    """(columns, rows): the columns named in `wanted` (default: all) of data frame
    `frame` as a dict name -> RVector, in the order of `wanted` (default: column order),
    and the number of rows. Each returned column has one value per row."""
    if (not isinstance(frame, RVector) or frame.kind != "list"
            or "data.frame" not in frame.attribute_strings("class")):
        raise DataError(f"{where}: is not a data frame")
    names = frame.attribute_strings("names")
    if len(names) != len(frame.values):
        raise DataError(f"{where}: data frame has {len(frame.values)} columns but "
                        f"{len(names)} names")
    if wanted is None:
        wanted = names
        for name in names:
            if name is None or names.count(name) > 1:
                raise DataError(f"{where}: data frame column name {name!r} is NA or repeated")
    # The number of rows is the length of row.names, which R stores compactly as
    # c(NA, -n) (or c(NA, n)) when the row names are 1..n.
    row_names = frame.attributes.get("row.names")
    if not isinstance(row_names, RVector):
        raise DataError(f"{where}: data frame has no row.names")
    values = row_names.values
    compact = row_names.kind == "integer" and len(values) == 2 and values[0] is None
    rows = abs(values[1]) if compact and values[1] is not None else len(values)
    columns = {}
    for name in wanted:
        column = list_element(frame, name, where + " (data frame)")
        if not isinstance(column, RVector):
            raise DataError(f"{where}: column '{name}' is not a vector")
        if len(column.values) != rows:
            raise DataError(f"{where}: column '{name}' has {len(column.values)} values, "
                            f"the data frame {rows} rows")
        columns[name] = column
    return columns, rows
