#!/usr/bin/env python3
"""Baseline for benchmarking `uppfolj generate --format html`: the same monthly
follow-up report, scripted the way an analyst would with pandas + Jinja2 + matplotlib.

    python3 bench/pandas_report.py --data DIR --out DIR [--period 2020-09|latest] [--jobs N]

Reads units.csv, accounts.csv and ledger.csv (Swedish CSV: `;`, decimal comma, space as
thousands separator, UTF-8 or Windows-1252), sums every unit of the organisation tree
(own rows plus every unit below it) in integer öre, and writes OUT/<period>/<unit>.html
for every unit (summary sentence, key figures, category table, children table and three
matplotlib charts as inline SVG), OUT/<period>/index.html and OUT/<period>/figures.json
(accumulated figures in exact kronor, for checking against uppfolj's figures.json).
The time spent per stage is printed on stderr at the end.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import re
import sys
import time
from datetime import datetime, timezone

import numpy as np
import pandas as pd

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import ScalarFormatter  # noqa: E402
from jinja2 import DictLoader, Environment, select_autoescape  # noqa: E402
from markupsafe import Markup  # noqa: E402

MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]
MONTHS_SHORT = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
NBSP = "\u00a0"
UNMAPPED = "Övriga konton"  # accounts that accounts.csv does not name

plt.rcParams.update({
    "svg.fonttype": "none",      # text stays <text>, not glyph paths: smaller, faster SVG
    "svg.hashsalt": "uppfolj",   # deterministic ids
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e5e7eb",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
})


# --------------------------------------------------------------------------- loading

def sniff(path: str) -> tuple[str, str, list[str]]:
    """Encoding, separator and header names of a CSV file (from its first line)."""
    with open(path, "rb") as f:
        head = f.read(65536)
    try:
        head.decode("utf-8")  # a cut multi-byte char at the end still raises: check below
        encoding = "utf-8-sig"
    except UnicodeDecodeError as e:
        encoding = "utf-8-sig" if e.start >= len(head) - 3 else "cp1252"
    first = head.decode(encoding.replace("-sig", ""), errors="replace").lstrip("\ufeff")
    first = first.splitlines()[0] if first else ""
    sep = max([";", "\t", ","], key=first.count)
    return encoding, sep, [c.strip().strip('"').strip() for c in first.split(sep)]


def read_table(path: str, text_cols: list[str], money_cols: list[str] = ()) -> pd.DataFrame:
    encoding, sep, header = sniff(path)
    lower = {c.lower(): c for c in header}
    dtype = {lower[c]: "category" if c in ("period", "unit", "account") and money_cols else str
             for c in text_cols if c in lower}
    kwargs = dict(sep=sep, dtype=dtype, encoding=encoding, keep_default_na=False,
                  na_values=[""] if money_cols else [])
    if sep != ",":
        kwargs.update(decimal=",", thousands=" ")
    try:
        df = pd.read_csv(path, **kwargs)
    except UnicodeDecodeError:  # not UTF-8 further down the file
        df = pd.read_csv(path, **{**kwargs, "encoding": "cp1252"})
    df.columns = [c.strip().lower() for c in df.columns]
    missing = [c for c in list(text_cols) + list(money_cols) if c not in df.columns]
    if missing:
        sys.exit(f"{path}: missing column(s) {', '.join(missing)}")
    for c in money_cols:
        df[c] = to_ore(df[c])
    return df


def to_ore(s: pd.Series) -> pd.Series:
    """Money column -> int64 öre. The C parser already did `-1 234,50`; anything it left as
    text (no-break spaces, U+2212 minus, a lone decimal point) is cleaned here."""
    if s.dtype == object or pd.api.types.is_string_dtype(s):
        s = (s.astype(str).str.replace(r"[\s\u00a0\u202f]", "", regex=True)
             .str.replace("\u2212", "-", regex=False).str.replace(",", ".", regex=False))
        s = pd.to_numeric(s.replace("", "0"))
    return np.round(s.fillna(0).to_numpy(dtype="float64") * 100).astype("int64")


def period_codes(periods: pd.Categorical) -> tuple[np.ndarray, np.ndarray]:
    """Year and month (1-12) per row of a categorical `period` column, via its categories."""
    cats = pd.Series(periods.categories.astype(str)).str.replace("-", "", regex=False).str.strip()
    ym = pd.to_numeric(cats.str[:6], errors="coerce").fillna(0).astype("int64").to_numpy()
    codes = periods.codes
    return (ym // 100)[codes], (ym % 100)[codes]


def load(data: str) -> dict:
    units = read_table(os.path.join(data, "units.csv"), ["unit", "name", "parent"])
    accounts_path = os.path.join(data, "accounts.csv")
    if os.path.exists(accounts_path):
        accounts = read_table(accounts_path, ["account", "name", "category"])
    else:
        accounts = pd.DataFrame(columns=["account", "name", "category"])
    ledger = read_table(os.path.join(data, "ledger.csv"), ["period", "unit", "account"],
                        ["actual", "budget"])
    return {"units": units, "accounts": accounts, "ledger": ledger}


# --------------------------------------------------------------------------- tree

def build_tree(units: pd.DataFrame, ledger_units) -> dict:
    units = units.assign(unit=units["unit"].str.strip(), parent=units["parent"].str.strip())
    codes = units["unit"].tolist()
    names = dict(zip(codes, units["name"].str.strip()))
    parent = {u: (p or None) for u, p in zip(codes, units["parent"])}
    roots = [u for u in codes if parent[u] is None]
    if len(roots) != 1:
        sys.exit(f"units.csv: expected one root, found {roots}")
    root = roots[0]
    unknown = sorted({str(u).strip() for u in ledger_units} - set(codes))
    if unknown:
        print(f"warning: {len(unknown)} ledger unit(s) not in units.csv are counted on {root}: "
              f"{', '.join(unknown[:5])}", file=sys.stderr)
    children = {u: [] for u in codes}
    for u in codes:
        if parent[u] is not None:
            children[parent[u]].append(u)
    order, stack = [], [(root, 0)]  # depth-first, children in file order
    level = {}
    while stack:
        u, d = stack.pop()
        order.append(u)
        level[u] = d
        stack.extend((c, d + 1) for c in reversed(children[u]))
    anc_rows = []
    for u in codes:
        a = u
        while a is not None:
            anc_rows.append((u, a))
            a = parent[a]
    anc_rows += [(u, root) for u in unknown]
    ancestors = pd.DataFrame(anc_rows, columns=["unit", "anc"])
    return {"root": root, "order": order, "names": names, "parent": parent,
            "children": children, "level": level, "ancestors": ancestors}


# --------------------------------------------------------------------------- compute

def compute(tables: dict, period: str | None) -> dict:
    led, acc = tables["ledger"], tables["accounts"]
    year, month = period_codes(led["period"].array)

    if period in (None, "latest"):
        ym = year * 100 + month
        nz = ym[led["actual"].to_numpy() != 0]
        if nz.size == 0:
            sys.exit("ledger.csv: no month with a non-zero actual")
        last = int(nz.max())
        Y, M = last // 100, last % 100
    else:
        m = re.fullmatch(r"(\d{4})-?(\d{2})", period)
        if not m or not 1 <= int(m.group(2)) <= 12:
            sys.exit(f"--period: expected YYYY-MM or latest, got {period!r}")
        Y, M = int(m.group(1)), int(m.group(2))

    tree = build_tree(tables["units"], led["unit"].cat.categories)

    # account -> category, done on the (few) categories of the account column
    acc_cat = dict(zip(acc["account"].str.strip(), acc["category"].str.strip()))
    categories = list(dict.fromkeys(acc["category"].str.strip()))
    account_cats = led["account"].cat.categories.astype(str).str.strip()
    mapped = pd.Series(account_cats).map(acc_cat)
    if mapped.isna().any():
        print(f"warning: {int(mapped.isna().sum())} account(s) not in accounts.csv are shown as "
              f"'{UNMAPPED}'", file=sys.stderr)
        categories.append(UNMAPPED)
        mapped = mapped.fillna(UNMAPPED)
    cat_index = {c: i for i, c in enumerate(categories)}
    cat_of_account = mapped.map(cat_index).to_numpy(dtype="int64")

    # only the report year and the year before matter
    keep = (year == Y) | (year == Y - 1)
    frame = pd.DataFrame({
        "unit": led["unit"].array[keep],
        "cat": cat_of_account[led["account"].cat.codes.to_numpy()[keep]],
        "y": (year[keep] == Y).astype("int8"),   # 1 = report year, 0 = year before
        "m": (month[keep] - 1).astype("int8"),
        "actual": led["actual"].to_numpy()[keep],
        "budget": led["budget"].to_numpy()[keep],
    })
    # 1) leaf level: sum the rows per unit, category and month (int64 öre)
    leaf = (frame.groupby(["unit", "cat", "y", "m"], observed=True, sort=False)[["actual", "budget"]]
            .sum().reset_index())
    leaf["unit"] = leaf["unit"].astype(str).str.strip()
    # 2) roll up: every row counts for its unit and all its ancestors
    rolled = (leaf.merge(tree["ancestors"], on="unit", how="inner")
              .groupby(["anc", "cat", "y", "m"], sort=False)[["actual", "budget"]].sum()
              .reset_index())

    # dense cube [unit, category, year(0=prev,1=this), month, (actual, budget)]
    order = tree["order"]
    uidx = {u: i for i, u in enumerate(order)}
    U, C = len(order), len(categories)
    cube = np.zeros((U, C, 2, 12, 2), dtype="int64")
    ui = rolled["anc"].map(uidx).to_numpy()
    cube[ui, rolled["cat"].to_numpy(), rolled["y"].to_numpy(), rolled["m"].to_numpy(), 0] = rolled["actual"].to_numpy()
    cube[ui, rolled["cat"].to_numpy(), rolled["y"].to_numpy(), rolled["m"].to_numpy(), 1] = rolled["budget"].to_numpy()

    A, B = cube[..., 0], cube[..., 1]            # (U, C, 2, 12)
    cat = {
        "actual": A[:, :, 1, :M].sum(-1),
        "budget": B[:, :, 1, :M].sum(-1),
        "actual_ly": A[:, :, 0, :M].sum(-1),
        "budget_ly": B[:, :, 0, :M].sum(-1),
        "actual_pm": A[:, :, 1, :M - 1].sum(-1),
        "budget_pm": B[:, :, 1, :M - 1].sum(-1),
        "budget_fy": B[:, :, 1, :].sum(-1),
    }
    cat["deviation"] = cat["actual"] - cat["budget"]
    cat["change_ly"] = cat["actual"] - cat["actual_ly"]
    tot = {k: v.sum(1) for k, v in cat.items()}  # (U,)
    tot["deviation_ly"] = tot["actual_ly"] - tot["budget_ly"]
    tot["deviation_pm"] = tot["actual_pm"] - tot["budget_pm"]
    tot["deviation_change"] = tot["deviation"] - tot["deviation_pm"]
    monthly = {  # (U, 12)
        "actual": A[:, :, 1, :].sum(1),
        "budget": B[:, :, 1, :].sum(1),
        "actual_ly": A[:, :, 0, :].sum(1),
    }
    monthly["deviation"] = monthly["actual"] - monthly["budget"]
    return {"Y": Y, "M": M, "tree": tree, "categories": categories, "cat": cat,
            "tot": tot, "monthly": monthly, "uidx": uidx}


# --------------------------------------------------------------------------- formatting

def group(n: int) -> str:
    return f"{n:,}".replace(",", NBSP)


def mkr(ore: int, decimals: int = 1) -> str:
    """Öre -> Mkr with `decimals`, rounded half away from zero, Swedish format."""
    q = 10 ** (8 - decimals)
    r = (abs(int(ore)) + q // 2) // q
    ip, fp = divmod(r, 10 ** decimals)
    s = group(ip) + ("," + str(fp).zfill(decimals) if decimals else "")
    return ("-" if ore < 0 and r else "") + s


def cls(ore: int) -> str:
    r = (abs(int(ore)) + 5_000_000) // 10_000_000
    return "" if r == 0 else ("neg" if ore < 0 else "pos")


def kronor(ore: int) -> str:
    """Exact decimal string in kronor, as in uppfolj's figures.json."""
    ore = int(ore)
    return f"{'-' if ore < 0 else ''}{abs(ore) // 100}.{abs(ore) % 100:02d}"


class SvFormatter(ScalarFormatter):
    def __call__(self, x, pos=None):
        return super().__call__(x, pos).replace(".", ",").replace("\u2212", "-")


def file_name(code: str) -> str:
    out = "".join(ch if (ch.isascii() and (ch.isalnum() or ch == "-")) else
                  "".join(f"_{b:02X}" for b in ch.encode("utf-8")) for ch in code)
    reserved = {"index", "figures", "manifest", "con", "prn", "aux", "nul"}
    return ("_" + out if out.lower() in reserved else out) + ".html"


# --------------------------------------------------------------------------- charts

def svg_of(fig) -> Markup:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})  # fixed margins: no bbox_inches="tight" (it draws twice)
    plt.close(fig)
    s = buf.getvalue()
    s = s[s.index("<svg"):]  # drop the XML prolog and doctype for inline use
    s = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"',
               r'<svg\1 width="100%" style="max-width:680px;height:auto"', s, count=1)
    return Markup(s)


def setup_axes(ax, title):
    ax.set_title(title, fontsize=9)
    ax.yaxis.set_major_formatter(SvFormatter(useOffset=False))
    ax.set_xticks(range(12))
    ax.set_xticklabels(MONTHS_SHORT)
    ax.set_xlim(-0.5, 11.5)


def charts(res: dict, i: int) -> list[Markup]:
    Y, M = res["Y"], res["M"]
    mo = {k: v[i] / 1e8 for k, v in res["monthly"].items()}  # Mkr
    x = np.arange(12)

    # 1. accumulated result month by month: budget, this year, last year
    fig, ax = plt.subplots(figsize=(6.8, 3.0))
    fig.subplots_adjust(left=0.09, right=0.98, top=0.9, bottom=0.1)
    ax.plot(x, np.cumsum(mo["budget"]), color="#787878", lw=1.6, label=f"Budget {Y}")
    ax.plot(x, np.cumsum(mo["actual_ly"]), color="#aaaaaa", lw=1.6, ls="--", label=f"Utfall {Y - 1}")
    ax.plot(x[:M], np.cumsum(mo["actual"])[:M], color="#005493", lw=2.2, marker="o", ms=3,
            label=f"Utfall {Y}")
    setup_axes(ax, "Ackumulerat resultat, Mkr")
    ax.legend(loc="best", frameon=False, ncol=3, fontsize=8)
    out = [svg_of(fig)]

    # 2. monthly deviation (not accumulated)
    dev = mo["deviation"][:M]
    fig, ax = plt.subplots(figsize=(6.8, 3.0))
    fig.subplots_adjust(left=0.09, right=0.98, top=0.9, bottom=0.1)
    ax.bar(x[:M], dev, color=np.where(dev < 0, "#b91c1c", "#15803d"), width=0.65)
    ax.axhline(0, color="#374151", lw=0.8)
    setup_axes(ax, f"Avvikelse mot budget per månad {Y}, Mkr")
    out.append(svg_of(fig))

    # 3. accumulated deviation by category (categories with any figure)
    cat = res["cat"]
    shown = [c for c in range(len(res["categories"]))
             if cat["actual"][i, c] or cat["budget"][i, c] or cat["actual_ly"][i, c]]
    labels = [res["categories"][c] for c in shown]
    vals = cat["deviation"][i, shown] / 1e8
    h = 0.9 + 0.26 * max(len(shown), 1)
    fig, ax = plt.subplots(figsize=(6.8, h))
    fig.subplots_adjust(left=0.3, right=0.98, top=1 - 0.35 / h, bottom=0.35 / h)
    ax.barh(np.arange(len(shown)), vals, color=np.where(vals < 0, "#b91c1c", "#15803d"), height=0.6)
    ax.set_yticks(np.arange(len(shown)))
    ax.set_yticklabels(labels)
    ax.invert_yaxis()
    ax.axvline(0, color="#374151", lw=0.8)
    ax.xaxis.set_major_formatter(SvFormatter(useOffset=False))
    ax.set_title("Avvikelse mot budget per kategori, ack, Mkr", fontsize=9)
    out.append(svg_of(fig))
    return out


_RES = None  # the computed figures, inherited by forked chart workers


def _chart_worker(i: int) -> list[str]:
    return [str(s) for s in charts(_RES, i)]


def render_charts(res: dict, jobs: int) -> dict:
    """Three SVG charts per unit; with jobs > 1 the units are spread over forked processes."""
    order = res["tree"]["order"]
    idx = [res["uidx"][u] for u in order]
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return {u: charts(res, i) for u, i in zip(order, idx)}
    global _RES
    _RES = res
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        out = pool.map(_chart_worker, idx, chunksize=max(1, len(idx) // (jobs * 8)))
    return {u: [Markup(s) for s in svg] for u, svg in zip(order, out)}


# --------------------------------------------------------------------------- templates

CSS = """
:root { --ink:#1f2937; --muted:#6b7280; --line:#d1d5db; --band:#f3f4f6; --accent:#005493; --neg:#b91c1c; --pos:#15803d; }
* { box-sizing: border-box; }
body { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; color: var(--ink); margin: 0; line-height: 1.45; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
header.top { border-bottom: 3px solid var(--accent); margin-bottom: 1.2rem; padding-bottom: .6rem; }
header.top .org { color: var(--muted); font-size: .9rem; text-transform: uppercase; letter-spacing: .04em; }
h1 { font-size: 1.7rem; margin: .2rem 0 .1rem; }
h1 .period { display: block; font-size: 1.05rem; font-weight: normal; color: var(--muted); }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; color: var(--accent); border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
nav.crumbs { font-size: .85rem; color: var(--muted); }
nav.crumbs a, a { color: var(--accent); }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .4rem 0 1rem; font-variant-numeric: tabular-nums; }
th, td { padding: .32rem .55rem; border-bottom: 1px solid var(--line); }
th { text-align: right; background: var(--band); border-bottom: 2px solid #9ca3af; }
th:first-child, td:first-child { text-align: left; }
td { text-align: right; white-space: nowrap; }
td:first-child { white-space: normal; }
tr.subtotal td { font-weight: 700; border-top: 1.5px solid #6b7280; background: #fafafa; }
td.neg { color: var(--neg); } td.pos { color: var(--pos); }
table.key { width: auto; min-width: 28rem; }
.unit-note { color: var(--muted); font-size: .82rem; }
figure { margin: .8rem 0 1.4rem; } figure svg { display: block; }
figcaption { font-size: .8rem; color: var(--muted); }
footer { margin-top: 2.5rem; font-size: .78rem; color: var(--muted); border-top: 1px solid var(--line); padding-top: .5rem; }
""" + "".join(f"td.indent-{d} {{ padding-left: {0.55 + 1.4 * d:.2f}rem; }}\n" for d in range(10))

REPORT = """<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ name }} – månadsrapport ack {{ month }} {{ Y }}</title>
<style>{{ css|safe }}</style>
</head>
<body>
<main>
<header class="top">
<nav class="crumbs"><a href="index.html">Alla enheter</a>{% for a in crumbs %} › <a href="{{ a.href }}">{{ a.name }}</a>{% endfor %}</nav>
<div class="org">{{ org }}</div>
<h1>{{ name }}<span class="period">Månadsrapport ack {{ month }} {{ Y }} · {{ code }}</span></h1>
</header>

<section id="sammanfattning">
<h2>Sammanfattning</h2>
<p class="summary">{{ summary }}</p>
<p class="summary">Utfallet ack {{ month }} är {{ k.actual }} Mkr mot budgeterat {{ k.budget }} Mkr; motsvarande period {{ Y - 1 }} var utfallet {{ k.actual_ly }} Mkr.</p>
</section>

<section id="nyckeltal">
<h2>Nyckeltal</h2>
<table class="key">
<thead><tr><th></th><th>Mkr</th></tr></thead>
<tbody>
{% for row in keyrows %}
<tr><td>{{ row.label }}</td><td class="{{ row.cls }}">{{ row.value }}</td></tr>
{% endfor %}
</tbody>
</table>
</section>

<section id="resultat">
<h2>Resultaträkning ack {{ month }}</h2>
<table class="rows">
<thead><tr><th>Mkr</th><th>Ack utfall {{ Y }}</th><th>Ack budget {{ Y }}</th><th>Avvikelse mot budget</th><th>Ack utfall {{ Y - 1 }}</th><th>Förändring mot {{ Y - 1 }}</th><th>Budget helår</th></tr></thead>
<tbody>
{% for r in catrows %}
<tr{% if r.subtotal %} class="subtotal"{% endif %}><td>{{ r.name }}</td><td>{{ r.actual }}</td><td>{{ r.budget }}</td><td class="{{ r.dev_cls }}">{{ r.deviation }}</td><td>{{ r.actual_ly }}</td><td>{{ r.change }}</td><td>{{ r.budget_fy }}</td></tr>
{% endfor %}
</tbody>
</table>
<p class="unit-note">Belopp i Mkr, resultatperspektiv: intäkter positiva, kostnader negativa. Negativ avvikelse är sämre än budget.</p>
</section>

<section id="diagram">
<h2>Diagram</h2>
<figure>{{ charts[0] }}<figcaption>Ackumulerat resultat per månad: budget {{ Y }}, utfall {{ Y }} och utfall {{ Y - 1 }}.</figcaption></figure>
<figure>{{ charts[1] }}<figcaption>Avvikelse mot budget per månad (ej ackumulerad).</figcaption></figure>
<figure>{{ charts[2] }}<figcaption>Ackumulerad avvikelse mot budget per kategori.</figcaption></figure>
</section>

{% if children %}
<section id="enheter">
<h2>Resultat per enhet</h2>
<table class="children">
<thead><tr><th>Enhet</th><th>Ack utfall</th><th>Ack budget</th><th>Avvikelse</th><th>Förändring mot {{ prev_month }}</th></tr></thead>
<tbody>
{% for c in children %}
<tr><td><a href="{{ c.href }}">{{ c.name }}</a> <span class="unit-note">{{ c.code }}</span></td><td>{{ c.actual }}</td><td>{{ c.budget }}</td><td class="{{ c.dev_cls }}">{{ c.deviation }}</td><td class="{{ c.chg_cls }}">{{ c.change }}</td></tr>
{% endfor %}
</tbody>
</table>
</section>
{% endif %}

<footer>{{ org }} · {{ name }} ({{ code }}) · period {{ period }} · skapad {{ created }} av pandas_report.py</footer>
</main>
</body>
</html>
"""

INDEX = """<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ org }} – månadsrapporter ack {{ month }} {{ Y }}</title>
<style>{{ css|safe }}</style>
</head>
<body>
<main>
<header class="top">
<div class="org">{{ org }}</div>
<h1>Månadsrapporter<span class="period">Ack {{ month }} {{ Y }}</span></h1>
</header>
<table class="tree">
<thead><tr><th>Enhet</th><th>Kod</th><th>Avvikelse mot budget ack, Mkr</th><th>Förändring mot {{ prev_month }}, Mkr</th></tr></thead>
<tbody>
{% for r in rows %}
<tr><td class="indent-{{ r.level }}"><a href="{{ r.href }}">{{ r.name }}</a></td><td class="unit-note">{{ r.code }}</td><td class="{{ r.dev_cls }}">{{ r.deviation }}</td><td class="{{ r.chg_cls }}">{{ r.change }}</td></tr>
{% endfor %}
</tbody>
</table>
<footer>{{ org }} · period {{ period }} · skapad {{ created }} av pandas_report.py</footer>
</main>
</body>
</html>
"""


def summary_sentence(name, res, i) -> str:
    Y, M = res["Y"], res["M"]
    tot, cat = res["tot"], res["cat"]
    dev, chg = tot["deviation"][i], tot["deviation_change"][i]
    s = f"Avvikelsen för {name} uppgick för perioden ack {MONTHS[M - 1]} {Y} till {mkr(dev)} Mkr"
    if M > 1:
        prev = MONTHS[M - 2]
        if cls(chg) == "":
            s += f", vilket är oförändrat mot {prev}."
        else:
            word = "en försämring" if chg < 0 else "en förbättring"
            s += f", vilket är {word} mot {prev} med {mkr(abs(chg))} Mkr."
    else:
        s += "."
    devs = cat["deviation"][i]
    worst = [c for c in np.argsort(devs, kind="stable")[:3] if cls(devs[c]) == "neg"]
    if worst:
        names = [res["categories"][c].lower() for c in worst]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]
        s += f" Största avvikelserna mot budget avser {listed}."
    return s


def contexts(res: dict, created: str):
    """Per unit: the view model with every number preformatted."""
    Y, M, tree = res["Y"], res["M"], res["tree"]
    tot, cat, cats = res["tot"], res["cat"], res["categories"]
    month, prev_month = MONTHS[M - 1], MONTHS[M - 2] if M > 1 else "december"
    names, org = tree["names"], tree["names"][tree["root"]]
    for u in tree["order"]:
        i = res["uidx"][u]
        catrows = []
        for c in range(len(cats)):
            vals = [cat[k][i, c] for k in ("actual", "budget", "actual_ly", "budget_fy")]
            if not any(vals):
                continue
            catrows.append({"name": cats[c], "subtotal": False,
                            "actual": mkr(cat["actual"][i, c]), "budget": mkr(cat["budget"][i, c]),
                            "deviation": mkr(cat["deviation"][i, c]), "dev_cls": cls(cat["deviation"][i, c]),
                            "actual_ly": mkr(cat["actual_ly"][i, c]), "change": mkr(cat["change_ly"][i, c]),
                            "budget_fy": mkr(cat["budget_fy"][i, c])})
        catrows.append({"name": "Resultat", "subtotal": True,
                        "actual": mkr(tot["actual"][i]), "budget": mkr(tot["budget"][i]),
                        "deviation": mkr(tot["deviation"][i]), "dev_cls": cls(tot["deviation"][i]),
                        "actual_ly": mkr(tot["actual_ly"][i]), "change": mkr(tot["change_ly"][i]),
                        "budget_fy": mkr(tot["budget_fy"][i])})
        keyrows = [
            ("Utfall ack " + month, tot["actual"][i], False),
            ("Budget ack " + month, tot["budget"][i], False),
            ("Avvikelse mot budget ack " + month, tot["deviation"][i], True),
            ("Avvikelse ack " + prev_month, tot["deviation_pm"][i], True),
            ("Förändring mot föregående månad", tot["deviation_change"][i], True),
            (f"Utfall ack {month} {Y - 1}", tot["actual_ly"][i], False),
            (f"Avvikelse ack {month} {Y - 1}", tot["deviation_ly"][i], True),
            (f"Budget helår {Y}", tot["budget_fy"][i], False),
        ]
        children = []
        for ch in tree["children"][u]:
            j = res["uidx"][ch]
            children.append({"code": ch, "name": names[ch], "href": file_name(ch),
                             "actual": mkr(tot["actual"][j]), "budget": mkr(tot["budget"][j]),
                             "deviation": mkr(tot["deviation"][j]), "dev_cls": cls(tot["deviation"][j]),
                             "change": mkr(tot["deviation_change"][j]),
                             "chg_cls": cls(tot["deviation_change"][j])})
        crumbs, a = [], tree["parent"][u]
        while a is not None:
            crumbs.append({"name": names[a], "href": file_name(a)})
            a = tree["parent"][a]
        yield u, {
            "css": CSS, "org": org, "name": names[u], "code": u, "Y": Y, "month": month,
            "prev_month": prev_month, "period": f"{Y}-{M:02d}", "created": created,
            "crumbs": crumbs[::-1], "summary": summary_sentence(names[u], res, i),
            "k": {"actual": mkr(tot["actual"][i]), "budget": mkr(tot["budget"][i]),
                  "actual_ly": mkr(tot["actual_ly"][i])},
            "keyrows": [{"label": l, "value": mkr(v), "cls": cls(v) if colour else ""}
                        for l, v, colour in keyrows],
            "catrows": catrows, "children": children,
        }


def figures_json(res: dict) -> dict:
    tree, tot, cat, mo = res["tree"], res["tot"], res["cat"], res["monthly"]
    Y, M = res["Y"], res["M"]
    out = {}
    for u in tree["order"]:
        i = res["uidx"][u]
        out[u] = {
            "name": tree["names"][u], "parent": tree["parent"][u], "level": tree["level"][u],
            "children": tree["children"][u],
            "actual": kronor(tot["actual"][i]), "budget": kronor(tot["budget"][i]),
            "deviation": kronor(tot["deviation"][i]), "budget_full_year": kronor(tot["budget_fy"][i]),
            "previous_year": {"actual": kronor(tot["actual_ly"][i]), "budget": kronor(tot["budget_ly"][i]),
                              "deviation": kronor(tot["deviation_ly"][i])},
            "previous_month": {"actual": kronor(tot["actual_pm"][i]), "budget": kronor(tot["budget_pm"][i]),
                               "deviation": kronor(tot["deviation_pm"][i])},
            "deviation_change": kronor(tot["deviation_change"][i]),
            "months": [{"period": f"{Y}-{m + 1:02d}",  # no outcome yet after the report month
                        "actual": kronor(mo["actual"][i, m]) if m < M else None,
                        "budget": kronor(mo["budget"][i, m]),
                        "deviation": kronor(mo["deviation"][i, m]) if m < M else None,
                        "actual_previous_year": kronor(mo["actual_ly"][i, m])} for m in range(12)],
            "categories": [{"category": c, "actual": kronor(cat["actual"][i, k]),
                            "budget": kronor(cat["budget"][i, k]),
                            "deviation": kronor(cat["deviation"][i, k]),
                            "budget_full_year": kronor(cat["budget_fy"][i, k]),
                            "actual_previous_year": kronor(cat["actual_ly"][i, k]),
                            "change_previous_year": kronor(cat["change_ly"][i, k])}
                           for k, c in enumerate(res["categories"])],
        }
    return {"period": f"{Y}-{M:02d}", "currency": "SEK", "units": out}


# --------------------------------------------------------------------------- main

class Stopwatch:
    """Wall time and CPU time (this process and its finished children) per stage."""

    def __init__(self):
        self.laps = []
        self.t0 = self.t = time.perf_counter()
        self.c0 = self.c = self._cpu()

    @staticmethod
    def _cpu() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    def lap(self, name: str) -> None:
        t, c = time.perf_counter(), self._cpu()
        self.laps.append((name, t - self.t, c - self.c))
        self.t, self.c = t, c

    def report(self) -> str:
        stages = ", ".join(f"{n} {w:.2f} s" for n, w, _ in self.laps)
        cpu = ", ".join(f"{n} {c:.2f} s" for n, _, c in self.laps)
        return (f"{self.t - self.t0:.2f} s ({stages}); CPU time {self.c - self.c0:.2f} s ({cpu})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="folder with units.csv, accounts.csv, ledger.csv")
    ap.add_argument("--out", required=True, help="folder that receives <period>/")
    ap.add_argument("--period", default="latest", help="YYYY-MM or latest (default)")
    ap.add_argument("--jobs", type=int, default=1,
                    help="processes for the charts (default 1: a plain single-process script)")
    args = ap.parse_args()

    clock = Stopwatch()

    tables = load(args.data)
    clock.lap("load")

    res = compute(tables, args.period)
    clock.lap("compute")

    svgs = render_charts(res, args.jobs)
    clock.lap("charts")

    env = Environment(loader=DictLoader({"report.html": REPORT, "index.html": INDEX}),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    report_t, index_t = env.get_template("report.html"), env.get_template("index.html")
    created = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    pages = {}
    for u, ctx in contexts(res, created):
        pages[file_name(u)] = report_t.render(**ctx, charts=svgs[u])
    tree, tot, M = res["tree"], res["tot"], res["M"]
    rows = []
    for u in tree["order"]:
        i = res["uidx"][u]
        rows.append({"code": u, "name": tree["names"][u], "href": file_name(u), "level": tree["level"][u],
                     "deviation": mkr(tot["deviation"][i]), "dev_cls": cls(tot["deviation"][i]),
                     "change": mkr(tot["deviation_change"][i]), "chg_cls": cls(tot["deviation_change"][i])})
    pages["index.html"] = index_t.render(css=CSS, org=tree["names"][tree["root"]], Y=res["Y"],
                                         month=MONTHS[M - 1], prev_month=MONTHS[M - 2] if M > 1 else "december",
                                         period=f"{res['Y']}-{M:02d}", created=created, rows=rows)
    figures = json.dumps(figures_json(res), ensure_ascii=False, indent=1)
    clock.lap("templates")

    folder = os.path.join(args.out, f"{res['Y']}-{M:02d}")
    os.makedirs(folder, exist_ok=True)
    for name, html in pages.items():
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(html)
    with open(os.path.join(folder, "figures.json"), "w", encoding="utf-8") as f:
        f.write(figures)
    clock.lap("write")

    n_rows = len(tables["ledger"])
    print(f"pandas_report: {len(pages) - 1} reports + index.html for {res['Y']}-{M:02d} "
          f"({n_rows} ledger rows, {len(tree['order'])} units) written to {folder} in {clock.report()}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
