"""Checks that PDFs are accessible and archivable, reading them with pikepdf (a maintained PDF
library, not by grepping bytes):

- tagged: /StructTreeRoot in the catalog and /MarkInfo /Marked true;
- /Lang in the catalog (`sv`, `en`);
- /ViewerPreferences /DisplayDocTitle true, and a title in the XMP metadata;
- the XMP metadata declares PDF/UA (pdfuaid:part 1) and PDF/A (pdfaid:part, conformance A);
- every /Figure structure element has an /Alt text, every /TH a /Scope;
- every font is embedded (FontFile, FontFile2 or FontFile3 in its descriptor);
- packs (PDFs outside a `pdf/` folder) carry `figures.json` and `manifest.json` as embedded
  files, each valid JSON.

usage: pdf_check.py [--tree] FILE.pdf...
`--tree` prints the structure tree of the first file (the order a screen reader reads it).
Exit 1 on any failure."""
import json, os, sys

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
        if tree is not None:
            for elem, _ in struct_elems(tree):
                if elem.get("/S") == Name.TH:
                    headers += 1
                    attrs = elem.get("/A")
                    attrs = list(attrs) if isinstance(attrs, pikepdf.Array) else [attrs] if attrs is not None else []
                    if any(isinstance(a, pikepdf.Dictionary) and "/Scope" in a for a in attrs):
                        scoped += 1
                if elem.get("/S") == Name.Figure:
                    figures += 1
                    if str(elem.get("/Alt", "")).strip():
                        alts += 1
        if headers != scoped:
            problems.append(f"{headers - scoped} of {headers} table headers (TH) have no /Scope")
        if figures != alts:
            problems.append(f"{figures - alts} of {figures} figures have no /Alt")
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
