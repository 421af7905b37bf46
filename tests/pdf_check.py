"""Checks that PDFs are accessible and archivable, reading them with pikepdf (a maintained PDF
library, not by grepping bytes):

- tagged: /StructTreeRoot in the catalog and /MarkInfo /Marked true;
- /Lang in the catalog (`sv`, `en`);
- /ViewerPreferences /DisplayDocTitle true, and a title in the XMP metadata;
- the XMP metadata declares PDF/UA (pdfuaid:part 1) and PDF/A (pdfaid:part, conformance A);
- every /Figure structure element has an /Alt text, every /TH a /Scope;
- every table header cell (/TH) has text, and none has a word hyphenated across lines (a
  line of the cell ending in a letter and a hyphen, the next starting with a small letter;
  the text read through each font's /ToUnicode): headings wrap at spaces only;
- every chart's alternative text is a sentence (see `sentence_problem`); an /Alt of one or
  two words is a symbol's name (a traffic light: "röd", "green") and needs no sentence;
- every font is embedded (FontFile, FontFile2 or FontFile3 in its descriptor);
- packs (PDFs outside a `pdf/` folder) carry `figures.json` and `manifest.json` as embedded
  files, each valid JSON.

usage: pdf_check.py [--tree] FILE.pdf...
`--tree` prints the structure tree of the first file (the order a screen reader reads it).
Exit 1 on any failure."""
import json, os, re, sys

import pikepdf
from pikepdf import Name


def struct_elems(root):
    """Every structure element below the StructTreeRoot, depth first, with its depth."""
    stack = [(root.get("/K"), 0)]
    while stack:
        k, depth = stack.pop()
        if k is None:
            continue
        if isinstance(k, pikepdf.Array):
            for item in reversed(list(k)):
                stack.append((item, depth))
            continue
        if isinstance(k, pikepdf.Dictionary) and "/S" in k:
            yield k, depth
            stack.append((k.get("/K"), depth + 1))


def to_unicode(font):
    """A font's character codes → text, from its /ToUnicode CMap (bfchar and bfrange); the
    code width in bytes (2 for Type0 fonts, else 1)."""
    width = 2 if str(font.get("/Subtype")) == "/Type0" else 1
    table = {}
    cmap = font.get("/ToUnicode")
    if cmap is None:
        return table, width
    text = bytes(cmap.read_bytes()).decode("latin-1")
    hexes = lambda chunk: re.findall(r"<([0-9A-Fa-f]+)>", chunk)
    uni = lambda h: bytes.fromhex(h).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        items = hexes(block)
        for code, dst in zip(items[0::2], items[1::2]):
            table[int(code, 16)] = uni(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for line in block.strip().splitlines():
            items = hexes(line)
            if len(items) == 3:
                lo, hi, dst = int(items[0], 16), int(items[1], 16), int(items[2], 16)
                for i, code in enumerate(range(lo, hi + 1)):
                    table[code] = chr(dst + i)
    return table, width


def marked_text(pdf):
    """The text of each marked-content sequence: {(page object id, MCID): text}."""
    found = {}
    for page in pdf.pages:
        fonts = {}
        for name, font in (page.obj.get("/Resources", {}).get("/Font") or {}).items():
            fonts[name] = to_unicode(font)
        stack, font = [], ({}, 1)
        for operands, op in pikepdf.parse_content_stream(page):
            op = str(op)
            if op in ("BDC", "BMC"):
                props = operands[1] if op == "BDC" and len(operands) > 1 else None
                mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
                stack.append(int(mcid) if mcid is not None else (stack[-1] if stack else None))
            elif op == "EMC":
                if stack:
                    stack.pop()
            elif op == "Tf":
                font = fonts.get(str(operands[0]), ({}, 1))
            elif op in ("Tj", "TJ", "'", '"') and stack and stack[-1] is not None:
                strings = operands[0] if op == "TJ" else [operands[-1]]
                table, width = font
                out = []
                for item in strings:
                    if isinstance(item, pikepdf.String):
                        raw = bytes(item)
                        for i in range(0, len(raw) - width + 1, width):
                            out.append(table.get(int.from_bytes(raw[i:i + width], "big"), "\ufffd"))
                key = (page.obj.objgen, stack[-1])
                found[key] = found.get(key, "") + "".join(out)
    return found


def elem_text(elem, texts, page=None):
    """The text under a structure element: its marked content, children included, one line
    per marked-content sequence (Typst marks each line of a cell on its own)."""
    page = elem.get("/Pg", page) if isinstance(elem, pikepdf.Dictionary) else page
    kids = elem.get("/K") if isinstance(elem, pikepdf.Dictionary) else None
    if kids is None:
        return ""
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    out = ""
    for k in kids:
        if isinstance(k, int) or (not isinstance(k, pikepdf.Object) and str(k).isdigit()):
            if page is not None:
                out += texts.get((page.objgen, int(k)), "") + "\n"
        elif isinstance(k, pikepdf.Dictionary):
            if "/MCID" in k:
                pg = k.get("/Pg", page)
                if pg is not None:
                    out += texts.get((pg.objgen, int(k["/MCID"])), "") + "\n"
            elif "/S" in k:
                out += elem_text(k, texts, page)
    return out


NUMBER = re.compile(r"^[-+−–]?[\d\s\u00a0\u202f.,:%]*\d[\d\s\u00a0\u202f.,:%]*$")


def sentence_problem(alt):
    """Why a chart's alternative text is not one or two sentences, or None.

    A sentence here starts with a capital letter and ends with a full stop (or ! ?); the text
    holds at most two of them (a sentence ends where a full stop is followed by a space and a
    capital letter); it names at most eight numbers, it has at least twice as many words
    (tokens with two letters or more) as numbers, and it is not a list (at most two
    semicolons). "Avvikelse per månad, Mkr: januari -5,3; februari -5,9; …" fails; "Avvikelsen
    mot budget växte från -103,4 Mkr i augusti till -118,3 Mkr i september." passes."""
    text = " ".join(alt.split())
    tokens = [t.strip("():;,.") for t in text.split(" ")]
    numbers = [t for t in tokens if t and any(c.isdigit() for c in t) and NUMBER.match(t)]
    words = [t for t in tokens if sum(c.isalpha() for c in t) >= 2]
    if not text[:1].isupper():
        return "does not start with a capital letter"
    if text[-1:] not in ".!?":
        return "does not end with a full stop"
    sentences = 1 + len(re.findall(r"[.!?] (?=[A-ZÅÄÖ])", text))
    if sentences > 2:
        return f"{sentences} sentences, not one or two"
    if text.count(";") > 2:
        return f"a list ({text.count(';')} semicolons), not a sentence"
    if len(numbers) > 8:
        return f"{len(numbers)} numbers, more than the key figures"
    if len(words) < 2 * len(numbers):
        return f"mostly numbers ({len(numbers)} numbers, {len(words)} words)"
    return None


def fonts_of(pdf):
    seen = {}
    for page in pdf.pages:
        resources = page.obj.get("/Resources", {})
        todo = [resources]
        while todo:
            res = todo.pop()
            for _, font in (res.get("/Font") or {}).items():
                base = str(font.get("/BaseFont", "?"))
                descendants = font.get("/DescendantFonts")
                targets = list(descendants) if descendants is not None else [font]
                if str(font.get("/Subtype")) == "/Type3":
                    seen[base] = True  # drawn with content streams, nothing to embed
                    continue
                for f in targets:
                    desc = f.get("/FontDescriptor")
                    ok = desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                    seen[base] = seen.get(base, True) and ok
            for _, xobj in (res.get("/XObject") or {}).items():
                if "/Resources" in xobj:
                    todo.append(xobj["/Resources"])
    return seen


def check(path):
    problems = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        tree = root.get("/StructTreeRoot")
        if tree is None:
            problems.append("not tagged: no /StructTreeRoot")
        mark = root.get("/MarkInfo")
        if mark is None or not bool(mark.get("/Marked", False)):
            problems.append("not tagged: /MarkInfo /Marked is not true")
        if not str(root.get("/Lang", "")).strip():
            problems.append("no /Lang")
        prefs = root.get("/ViewerPreferences")
        if prefs is None or not bool(prefs.get("/DisplayDocTitle", False)):
            problems.append("/ViewerPreferences /DisplayDocTitle is not true")
        meta = pdf.open_metadata()
        if not meta.get("dc:title"):
            problems.append("no dc:title in the XMP metadata")
        if meta.get("pdfuaid:part") != "1":
            problems.append(f"XMP pdfuaid:part is {meta.get('pdfuaid:part')!r}, not 1 (PDF/UA-1)")
        part, level = meta.get("pdfaid:part"), meta.get("pdfaid:conformance")
        if part not in ("2", "3") or level != "A":
            problems.append(f"XMP declares PDF/A part {part!r} conformance {level!r}, not 2A or 3A")
        figures = alts = headers = scoped = 0
        texts = marked_text(pdf) if tree is not None else {}
        empty, hyphenated, not_sentences = 0, [], []
        if tree is not None:
            for elem, _ in struct_elems(tree):
                if elem.get("/S") == Name.TH:
                    headers += 1
                    head = elem_text(elem, texts)
                    if not head.strip() and not str(elem.get("/Alt", "")).strip():
                        empty += 1
                    # A word broken at a line's end: a letter, a hyphen (or soft hyphen; Typst
                    # marks it on its own) ending the line, a small letter starting the next.
                    if re.search(r"\w\n?[-\u00ad]\n\s*[a-zåäöéü]", head):
                        hyphenated.append(re.sub(r"\s*\n\s*", " ", head).strip())
                    attrs = elem.get("/A")
                    attrs = list(attrs) if isinstance(attrs, pikepdf.Array) else [attrs] if attrs is not None else []
                    if any(isinstance(a, pikepdf.Dictionary) and "/Scope" in a for a in attrs):
                        scoped += 1
                if elem.get("/S") == Name.Figure:
                    figures += 1
                    alt = str(elem.get("/Alt", "")).strip()
                    if alt:
                        alts += 1
                    if len(alt.split()) > 2:
                        why = sentence_problem(alt)
                        if why:
                            not_sentences.append(f"{why}: {alt[:90]!r}")
        if headers != scoped:
            problems.append(f"{headers - scoped} of {headers} table headers (TH) have no /Scope")
        if figures != alts:
            problems.append(f"{figures - alts} of {figures} figures have no /Alt")
        if empty:
            problems.append(f"{empty} of {headers} table header cells (TH) have no text")
        for head in dict.fromkeys(hyphenated):
            problems.append(f"a table heading hyphenated ({hyphenated.count(head)}×): {head!r}")
        for why in dict.fromkeys(not_sentences):
            problems.append(f"a chart's /Alt is not a sentence ({not_sentences.count(why)}×), {why}")
        fonts = fonts_of(pdf)
        missing = [name for name, ok in fonts.items() if not ok]
        if missing:
            problems.append(f"fonts not embedded: {', '.join(missing)}")
        attached = {name: bytes(f.get_file().read_bytes()) for name, f in pdf.attachments.items()}
        is_pack = os.path.basename(os.path.dirname(os.path.abspath(path))) != "pdf"
        if is_pack:
            for name in ("figures.json", "manifest.json"):
                if name not in attached:
                    problems.append(f"pack without the embedded {name}")
                else:
                    try:
                        json.loads(attached[name])
                    except ValueError:
                        problems.append(f"embedded {name} is not JSON")
        summary = (f"PDF/A-{part}{(level or '').lower()}, PDF/UA-{meta.get('pdfuaid:part')}, lang "
                   f"{root.get('/Lang')}, {figures} figures with alt {alts}, {len(fonts)} fonts"
                   + (f", attachments {sorted(attached)}" if attached else ""))
    return problems, summary


def print_tree(path, limit=120):
    """The structure tree: tag, alt text or the text of headings, indented by depth."""
    with pikepdf.open(path) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None:
            print("(no structure tree)")
            return
        for n, (elem, depth) in enumerate(struct_elems(tree)):
            if n >= limit:
                print(f"{'  ' * depth}…")
                break
            extra = ""
            for key in ("/Alt", "/T", "/ActualText"):
                if key in elem:
                    extra = f" {key[1:]}={str(elem[key])[:110]!r}"
                    break
            print(f"{'  ' * depth}{str(elem.get('/S'))[1:]}{extra}")


def main():
    args = sys.argv[1:]
    tree = "--tree" in args
    files = [a for a in args if a != "--tree"]
    if not files:
        sys.exit(__doc__)
    if tree:
        print_tree(files[0])
    failed = 0
    for path in files:
        problems, summary = check(path)
        if problems:
            failed += 1
            for p in problems:
                print(f"{path}: {p}")
        else:
            print(f"{path}: ok ({summary})")
    print(f"PDF check: {len(files)} files, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
