"""Checks what `uppfolj generate` made from the round that tests/e2e/round.py walked: the
approved commentary, forecast and measure of 2110 (anna) and 2120 (bertil) in the HTML pages,
the PDFs, the workbooks and figures.json, and the round as an input in the manifest.

usage: round_generated.py MONTH_FOLDER GENERATE_STDERR
Exits 1 naming every check that failed."""
import json, os, subprocess, sys, zipfile

out, log = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
failed = []


def check(ok, what):
    print(f"  {'ok' if ok else 'FAIL'}: {what}")
    if not ok:
        failed.append(what)


def read(path):
    with open(os.path.join(out, path), encoding="utf-8") as f:
        return f.read()


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", os.path.join(out, path), "-"],
                          capture_output=True, text=True, check=True).stdout


def workbook(path):
    """Every XML part of a workbook as one text (shared strings, sheets)."""
    with zipfile.ZipFile(os.path.join(out, path)) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


# The words anna and bertil wrote and the controller approved (round.py).
anna = "Prognosen förutsätter två hyrläkare till årets slut."
html_2110, html_2120 = read("2110.html"), read("2120.html")
check(anna in html_2110, "2110.html has anna's approved correction")
check("<strong>sämre</strong>" in html_2110, "2110.html renders her Markdown")
check("&lt;script&gt;" not in html_2110 and "<script>alert" not in html_2110,
      "2110.html has no trace of the script she typed and replaced")
check("Besöken har <em>ökat</em> efter sommaren." in html_2120,
      "2120.html has bertil's approved text")
check("Färre hyrläkare" in html_2110, "2110.html lists the measure")

pdf = " ".join(pdf_text("pdf/2110.pdf").split())
check("två hyrläkare till årets slut" in pdf, "pdf/2110.pdf has the approved text")
check("Färre hyrläkare" in pdf, "pdf/2110.pdf lists the measure")
check("ökat efter sommaren" in " ".join(pdf_text("pdf/2120.pdf").split()),
      "pdf/2120.pdf has bertil's text")

figures = json.loads(read("figures.json"))["units"]
check(figures["2110"]["forecast"]["deviation"] == "-1800000.00",
      f"figures.json: 2110's forecast deviation is -1800000.00 "
      f"({figures['2110']['forecast']['deviation']})")
check(figures["2120"]["forecast"]["deviation"] == "300000.00",
      f"figures.json: 2120's forecast deviation is 300000.00 "
      f"({figures['2120']['forecast']['deviation']})")
measures = json.dumps(figures["2110"].get("sections", figures["2110"]), ensure_ascii=False)
check("Färre hyrläkare" in measures and "250000.00" in measures,
      "figures.json: 2110's measure, expected effect 250000.00")

xl = workbook("2110.xlsx")
check("Färre hyrläkare" in xl, "2110.xlsx lists the measure")
check("-1800000" in xl, "2110.xlsx has the forecast deviation as a number")
check(">300000<" in workbook("2120.xlsx"), "2120.xlsx has bertil's forecast as a number")

rounds = [i for i in json.loads(read("manifest.json"))["inputs"] if i["table"] == "round"]
check(len(rounds) == 1 and rounds[0]["rows"] > 0 and len(rounds[0]["sha256"]) == 64,
      f"manifest.json lists the round's entries as an input ({rounds})")
check("not approved" not in log, "no note of entries not approved: both units are approved")

if failed:
    print(f"{len(failed)} check(s) failed")
    sys.exit(1)
print("generate shows exactly what the round approved")
