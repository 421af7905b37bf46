#!/usr/bin/env python3
"""Independent checker for uppfolj's figures.json (see README.md in this folder).

Usage: python3 verify.py DATA_DIR CONFIG FIGURES_JSON

Recomputes every unit's money figures from the raw CSV files with decimal.Decimal
and compares them to figures.json to the öre.  Exit 0: all equal.  Exit 1: at
least one mismatch (at most 50 are printed).  Exit 2: the inputs cannot be read.
Standard library only; written from the data contract, not from the Rust code.
"""
import csv
import json
import re
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

ZERO = Decimal(0)
MAX_SHOWN = 50


class InputError(Exception):
    pass


# ---------------------------------------------------------------- CSV reading
def read_table(path):
    """Return (rows as dicts with lower-case trimmed keys, delimiter)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    text = text.lstrip("\ufeff")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise InputError(f"{path}: empty file")
    header = lines[0]
    delim = max([";", "\t", ","], key=header.count)  # ties: ; before TAB before ,
    reader = csv.reader(lines, delimiter=delim)
    names = [h.strip().lower() for h in next(reader)]
    rows = [dict(zip(names, (c.strip() for c in rec))) for rec in reader]
    return rows, delim


def need(rows, path, *cols):
    if rows and any(c not in rows[0] for c in cols):
        raise InputError(f"{path}: needs columns {cols}, has {sorted(rows[0])}")


def money(text, delim, where):
    s = (text or "").replace(" ", "").replace("\u00a0", "")
    if s == "":
        return ZERO
    if delim in (";", "\t"):
        s = s.replace(",", ".")
    try:
        return Decimal(s)
    except InvalidOperation:
        raise InputError(f"{where}: not a money value: {text!r}") from None


def month(text, where):
    m = re.fullmatch(r"(\d{4})-?(\d{2})", (text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InputError(f"{where}: not a period (YYYY-MM or YYYYMM): {text!r}")
    return int(m.group(1)), int(m.group(2))


# ---------------------------------------------------------------- config
def unquote(s):
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "\"'":
        return s[1:-1]
    return s


def strip_comment(line):
    """Drop a YAML comment: '#' at line start or after whitespace."""
    return re.sub(r"(^|\s)#.*$", "", line).rstrip()


def read_config(path):
    """Return (categories [(kind, name, [ranges])], sign, root code)."""
    cats, sign, root, section = [], "result", None, None
    for line in map(strip_comment, path.read_text(encoding="utf-8-sig").splitlines()):
        if not line.strip():
            continue
        if not line[0].isspace():
            key, _, val = line.partition(":")
            section = key.strip()
            if section == "sign":
                sign = unquote(val)
            continue
        body = line.strip()
        if section == "organisation" and body.startswith("code:"):
            root = unquote(body[5:])
        elif section == "categories":
            m = re.match(r"-\s*(category|subtotal)\s*:\s*(.*)$", body)
            if m:
                cats.append((m.group(1), unquote(m.group(2)), []))
            elif body.startswith("accounts:") and cats:
                val = body[len("accounts:"):].strip().strip("[]")
                cats[-1][2].extend(unquote(x) for x in val.split(",") if x.strip())
            elif body.startswith("- ") and cats:  # block-style list of ranges
                cats[-1][2].append(unquote(body[2:]))
    if not cats:
        raise InputError(f"{path}: no categories: list found")
    return cats, sign, root


def range_match(rng, account):
    """Length n of the matched prefix, or 0 if rng does not match account."""
    a, _, b = rng.partition("-")
    a, b = a.strip(), (b.strip() or a.strip())
    n = len(a)
    prefix = account[:n]
    if len(prefix) < n or not prefix.isdigit():
        return 0
    return n if int(a) <= int(prefix) <= int(b) else 0


# ---------------------------------------------------------------- recompute
def compute(data_dir, config_path):
    cats, sign, root_code = read_config(config_path)
    cat_names = [name for kind, name, _ in cats if kind == "category"]
    by_lower = {n.lower(): n for n in cat_names}
    flip = Decimal(-1) if sign == "debit-positive" else Decimal(1)

    # organisation tree
    units_path = data_dir / "units.csv"
    names, parent, order = {}, {}, []
    if units_path.exists():
        rows, _ = read_table(units_path)
        need(rows, units_path, "unit", "name", "parent")
        for r in rows:
            if r["unit"] in names:
                raise InputError(f"{units_path}: unit {r['unit']} listed twice")
            names[r["unit"]], parent[r["unit"]] = r["name"], r["parent"] or None
            order.append(r["unit"])

    # ledger
    ledger_path = data_dir / "ledger.csv"
    rows, delim = read_table(ledger_path)
    need(rows, ledger_path, "period", "unit", "account", "actual", "budget")
    if not units_path.exists():  # every unit directly under one root
        root_code = root_code or "ROOT"
        names[root_code], parent[root_code], order = root_code, None, [root_code]
        for r in rows:
            if r["unit"] not in names:
                names[r["unit"]], parent[r["unit"]] = r["unit"], root_code
                order.append(r["unit"])
    for u, p in parent.items():
        if p is not None and p not in names:
            raise InputError(f"unit {u}: parent {p} does not exist")

    def ancestors(u):  # u itself, its parent, ... up to the root
        seen = []
        while u is not None:
            if u in seen:
                raise InputError(f"cycle in the unit tree: {' -> '.join(seen + [u])}")
            seen.append(u)
            u = parent[u]
        return seen

    acct_cat = {}
    accounts_path = data_dir / "accounts.csv"
    if accounts_path.exists():
        arows, _ = read_table(accounts_path)
        need(arows, accounts_path, "account", "category")
        for r in arows:
            if r["category"]:
                if r["category"].lower() not in by_lower:
                    raise InputError(f"accounts.csv: account {r['account']}: "
                                     f"category {r['category']!r} is not in the config")
                acct_cat[r["account"]] = by_lower[r["category"].lower()]

    def category_of(account):
        if account in acct_cat:
            return acct_cat[account]
        best, best_n = None, 0
        for kind, name, ranges in cats:
            for rng in ranges:
                n = range_match(rng, account)
                if n > best_n:
                    best, best_n = name, n
        return best

    # agg[(unit, year, month, category)] = [actual, budget], for every ancestor
    agg, unmapped = {}, set()
    for i, r in enumerate(rows, start=2):
        where = f"{ledger_path}:{i}"
        if r["unit"] not in names:
            raise InputError(f"{where}: unit {r['unit']} is not in the unit tree")
        y, m = month(r["period"], where)
        cat = category_of(r["account"])
        if cat is None:
            unmapped.add(r["account"])
        act = flip * money(r["actual"], delim, where)
        bud = flip * money(r["budget"], delim, where)
        for u in ancestors(r["unit"]):
            cell = agg.setdefault((u, y, m, cat), [ZERO, ZERO])
            cell[0] += act
            cell[1] += bud
    if unmapped:
        print(f"note: accounts in no category (still in unit totals): {sorted(unmapped)}",
              file=sys.stderr)

    # forecast: own[unit][(y, m)] = {"total": deviation or None, "rows": {category: deviation}}
    # (the optional `category` column: a row per income statement row; without it, or with it
    # empty, the unit's total)
    own = {}
    fc_path = data_dir / "forecast.csv"
    if fc_path.exists():
        frows, fdelim = read_table(fc_path)
        need(frows, fc_path, "period", "unit", "deviation")
        for i, r in enumerate(frows, start=2):
            where = f"{fc_path}:{i}"
            if r["unit"] not in names:
                raise InputError(f"{where}: unit {r['unit']} is not in the unit tree")
            key = month(r["period"], where)
            entry = own.setdefault(r["unit"], {}).setdefault(key, {"total": None, "rows": {}})
            amount = money(r["deviation"], fdelim, where)
            cat = (r.get("category") or "").strip()
            if not cat:
                if entry["total"] is not None:
                    print(f"note: {where}: second forecast for {r['unit']} {r['period']}; summed",
                          file=sys.stderr)
                entry["total"] = (entry["total"] or ZERO) + amount
            else:
                if cat.lower() not in by_lower:
                    raise InputError(f"{where}: category {cat!r} is not in the config")
                name = by_lower[cat.lower()]
                entry["rows"][name] = entry["rows"].get(name, ZERO) + amount
    children = {u: [c for c in order if parent[c] == u] for u in order}
    return cats, names, parent, children, order, agg, own, ancestors


def expected_figures(period, model):
    cats, names, parent, children, order, agg, own, ancestors = model
    Y, P = period
    cat_list = [name for kind, name, _ in cats if kind == "category"]

    def total(u, y, m1, m2, only=None):
        a = b = ZERO
        for c in (cat_list + [None] if only is None else only):
            for m in range(m1, m2 + 1):
                cell = agg.get((u, y, m, c))
                if cell:
                    a, b = a + cell[0], b + cell[1]
        return a, b

    def effective(u, M):
        """(deviation, made, per category or None) of the unit's forecast at month M."""
        mine = [k for k in own.get(u, {}) if k[0] == Y and k[1] <= M]
        if mine:
            k = max(mine)
            e = own[u][k]
            rows = e["rows"] or None
            dev = e["total"] if e["total"] is not None else sum(e["rows"].values(), ZERO)
            return dev, k, rows
        kids = [e for e in (effective(c, M) for c in children[u]) if e]
        if kids:
            rows = None
            if all(e[2] is not None for e in kids):
                rows = {}
                for e in kids:
                    for c, d in e[2].items():
                        rows[c] = rows.get(c, ZERO) + d
            return sum((e[0] for e in kids), ZERO), max(e[1] for e in kids), rows
        return None

    def fc(u, M):
        e = effective(u, M) if M >= 1 else None
        return (e[0], f"{e[1][0]:04d}-{e[1][1]:02d}") if e else (None, None)

    def row_forecast(u, M, names_in_row):
        """A row's forecast deviation at month M: the sum of its categories' rows (a category
        without a row forecasts its budget: 0); with a total-only forecast, the total for a
        row of every category, else None."""
        e = effective(u, M) if M >= 1 else None
        if e is None:
            return None
        if e[2] is not None:
            return sum((e[2].get(c, ZERO) for c in names_in_row), ZERO)
        return e[0] if len(names_in_row) == len(cat_list) else None

    out = {}
    for u in order:
        f = {"name": names[u], "parent": parent[u], "children": children[u],
             "level": len(ancestors(u)) - 1}
        a, b = total(u, Y, 1, P)
        f.update(actual=a, budget=b, deviation=a - b, budget_full_year=total(u, Y, 1, 12)[1])
        pa, pb = total(u, Y - 1, 1, P)
        f.update({"previous_year.actual": pa, "previous_year.budget": pb,
                  "previous_year.deviation": pa - pb})
        if P > 1:
            ma, mb = total(u, Y, 1, P - 1)
            f.update({"previous_month.actual": ma, "previous_month.budget": mb,
                      "previous_month.deviation": ma - mb, "deviation_change": (a - b) - (ma - mb)})
        else:
            f.update({"previous_month.actual": None, "previous_month.budget": None,
                      "previous_month.deviation": None, "deviation_change": None})
        (fd, fm), (pd, pm) = fc(u, P), fc(u, P - 1)
        f["forecast_result"] = None if fd is None else f["budget_full_year"] + fd
        f.update({"forecast.deviation": fd, "forecast.made": fm,
                  "forecast_previous.deviation": pd, "forecast_previous.made": pm,
                  "forecast_change": fd - pd if fd is not None and pd is not None else None})
        above = []
        for kind, name, _ in cats:
            only = [name] if kind == "category" else list(above)
            if kind == "category":
                above.append(name)
            ca, cb = total(u, Y, 1, P, only)
            cpa = total(u, Y - 1, 1, P, only)[0]
            k = f"categories[{name}]."
            f.update({k + "kind": kind, k + "actual": ca, k + "budget": cb, k + "deviation": ca - cb,
                      k + "budget_full_year": total(u, Y, 1, 12, only)[1],
                      k + "actual_previous_year": cpa, k + "change_previous_year": ca - cpa})
            # the report month alone, last year's full year, the row's forecasts
            ma, mb = total(u, Y, P, P, only)
            f.update({k + "month.actual": ma, k + "month.budget": mb, k + "month.deviation": ma - mb,
                      k + "actual_previous_full_year": total(u, Y - 1, 1, 12, only)[0]})
            rf, rp = row_forecast(u, P, only), row_forecast(u, P - 1, only)
            f.update({k + "forecast_deviation": rf,
                      k + "forecast_result": None if rf is None else f[k + "budget_full_year"] + rf,
                      k + "forecast_previous_deviation": rp})
        for m in range(1, 13):
            ma, mb = total(u, Y, m, m)
            k = f"months[{Y:04d}-{m:02d}]."
            f.update({k + "actual": ma if m <= P else None, k + "budget": mb,
                      k + "deviation": ma - mb if m <= P else None,
                      k + "actual_previous_year": total(u, Y - 1, m, m)[0]})
        out[u] = f
    return out


# ---------------------------------------------------------------- balance requirement, approved results, measures
CLOSED = {"genomförd", "genomförda", "klar", "avslutad", "avbruten", "done", "completed",
          "cancelled", "canceled"}


def read_exclusions(path):
    """balance_requirement.exclude from the config: [(name, [ranges])]."""
    items, inside = [], False
    for line in map(strip_comment, path.read_text(encoding="utf-8-sig").splitlines()):
        if not line.strip():
            continue
        if not line[0].isspace():
            inside = line.split(":")[0].strip() == "balance_requirement"
            continue
        body = line.strip()
        if not inside or body.startswith("exclude"):
            continue
        m = re.match(r"-\s*name\s*:\s*(.*)$", body)
        if m:
            items.append((unquote(m.group(1)), []))
        elif body.startswith("accounts:") and items:
            val = body[len("accounts:"):].strip().strip("[]")
            items[-1][1].extend(unquote(x) for x in val.split(",") if x.strip())
    return items


def section_figures(data_dir, config_path, period, model, expected):
    """{unit: {path: value}} for the balance requirement, the approved result and the measures."""
    cats, names, parent, children, order, agg, own, ancestors = model
    Y, P = period
    flip = Decimal(-1) if read_config(config_path)[1] == "debit-positive" else Decimal(1)
    root = next(u for u in order if parent[u] is None)
    out = {u: {} for u in order}

    def forecast_result(u):
        d = expected[u]["forecast.deviation"]
        return None if d is None else expected[u]["budget_full_year"] + d

    # Balance requirement: each account counts for the first item whose ranges hold it.
    items = read_exclusions(config_path)
    if items:
        sums = {u: [ZERO] * len(items) for u in order}
        booked = set()
        rows, delim = read_table(data_dir / "ledger.csv")
        for i, r in enumerate(rows, start=2):
            y, m = month(r["period"], f"ledger.csv:{i}")
            if y != Y or m > P:
                continue
            hit = next((k for k, (_, rngs) in enumerate(items)
                        if any(range_match(x, r["account"]) for x in rngs)), None)
            if hit is None:
                continue
            for u in ancestors(r["unit"]):
                sums[u][hit] += flip * money(r["actual"], delim, f"ledger.csv:{i}")
                booked.add(u)
        for u in order:
            if u != root and u not in booked:
                out[u]["balance_requirement"] = None
                continue
            excluded = sum(sums[u], ZERO)
            fr = forecast_result(u)
            f = out[u]
            f["balance_requirement.result"] = expected[u]["actual"]
            for k, (name, _) in enumerate(items):
                f[f"balance_requirement.exclusions[{k}].name"] = name
                f[f"balance_requirement.exclusions[{k}].actual"] = sums[u][k]
            f["balance_requirement.balance_result"] = expected[u]["actual"] - excluded
            f["balance_requirement.forecast_result"] = fr
            f["balance_requirement.forecast_balance_result"] = None if fr is None else fr - excluded

    # Approved result and equity: the unit's own row for the year (not rolled up).
    path = data_dir / "approved.csv"
    if path.exists():
        rows, delim = read_table(path)
        for i, r in enumerate(rows, start=2):
            if int(r["year"]) != Y:
                continue
            u, where = r["unit"], f"approved.csv:{i}"
            result, fr = money(r["result"], delim, where), forecast_result(u)
            equity = money(r["equity"], delim, where) if r.get("equity") else None
            out[u].update({
                "approved.year": Y, "approved.result": result, "approved.forecast_result": fr,
                "approved.difference": None if fr is None else fr - result,
                "approved.opening_equity": equity,
                "approved.closing_equity": None if equity is None or fr is None else equity + fr,
            })

    # Measures: accumulated, the full-year expected effect, and the latest row's details; above
    # a unit, the measures of the units below stay apart when the table has the detail columns.
    path = data_dir / "measures.csv"
    if path.exists():
        rows, delim = read_table(path)
        detail_cols = ("decided", "due", "status", "in_forecast")
        by_unit = bool(rows) and any(c in rows[0] for c in detail_cols)
        acc = {u: {} for u in order}
        for i, r in enumerate(rows, start=2):
            where = f"measures.csv:{i}"
            y, m = month(r["period"], where)
            if y != Y:
                continue
            for u in ancestors(r["unit"]):
                key = (r["measure"], r["unit"] if by_unit and u != r["unit"] else None)
                e = acc[u].setdefault(key, {"expected": ZERO, "realized": ZERO, "year": ZERO,
                                            "latest": None})
                e["year"] += money(r["expected"], delim, where)
                if m > P:
                    continue
                e["expected"] += money(r["expected"], delim, where)
                e["realized"] += money(r["realized"], delim, where)
                if e["latest"] is None or m >= e["latest"]:
                    e["latest"], e["row"] = m, r
        for u in order:
            for k, (key, e) in enumerate(sorted(acc[u].items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))):
                f, r = out[u], e.get("row", {})
                p = f"measures[{k}]."
                f[p + "measure"], f[p + "unit"] = key
                f[p + "expected"], f[p + "realized"] = e["expected"], e["realized"]
                f[p + "expected_full_year"] = e["year"]
                due = r.get("due") or None
                f[p + "decided"] = r.get("decided") or None
                f[p + "due"] = due
                f[p + "status"] = r.get("status") or None
                f[p + "in_forecast"] = {"ja": True, "nej": False}.get((r.get("in_forecast") or "").lower())
                f[p + "overdue"] = bool(due) and month(due, "due") < (Y, P) \
                    and (r.get("status") or "").lower() not in CLOSED
            if acc[u]:
                out[u]["measures.count"] = len(acc[u])
    return out


def flatten_sections(unit):
    """figures.json unit object -> the paths of section_figures."""
    flat = {}
    b = unit.get("balance_requirement")
    if b is None:
        flat["balance_requirement"] = None
    else:
        for k, v in b.items():
            if k == "exclusions":
                for i, x in enumerate(v):
                    for kk, vv in x.items():
                        flat[f"balance_requirement.exclusions[{i}].{kk}"] = vv
            else:
                flat[f"balance_requirement.{k}"] = v
    for k, v in (unit.get("approved") or {}).items():
        flat[f"approved.{k}"] = v
    ms = unit.get("measures") or []
    if ms:
        flat["measures.count"] = len(ms)
    for i, x in enumerate(ms):
        for k in ("measure", "unit", "expected", "realized", "expected_full_year", "decided", "due",
                  "status", "in_forecast", "overdue"):
            flat[f"measures[{i}].{k}"] = x.get(k)
    return flat

# ---------------------------------------------------------------- investments
def read_investment_config(path):
    """Return (lapse month or None, first month of the fiscal year) from the config."""
    lapse, start = None, 1
    for line in map(strip_comment, path.read_text(encoding="utf-8-sig").splitlines()):
        m = re.search(r"lapse_month\s*:\s*(\d+)", line)
        if m:
            lapse = int(m.group(1))
        m = re.match(r"fiscal_year_start\s*:\s*(\d+)", line)
        if m:
            start = int(m.group(1))
    return lapse, start


def expected_investments(data_dir, config_path, period):
    """Per unit: the investment figures recomputed from projects.csv, investments.csv and
    investment_forecast.csv (each optional), or {} when neither of the first two is given."""
    d = Path(data_dir)
    tables = {}
    for name in ("projects", "investments", "investment_forecast"):
        path = d / f"{name}.csv"
        if path.exists():
            tables[name] = read_table(path) + (path,)
    if "projects" not in tables and "investments" not in tables:
        return {}
    lapse, ys = read_investment_config(config_path)
    rows, _ = read_table(d / "units.csv")
    parent = {r["unit"]: (r.get("parent") or None) for r in rows}

    def chain(u):
        while u:
            yield u
            u = parent.get(u)

    root = next(u for u, p in parent.items() if not p)
    py, pm_ = period
    first = (py if pm_ >= ys else py - 1, ys)
    idx = lambda ym: ym[0] * 12 + ym[1] - 1
    lo, hi = idx(first), idx(period)
    units = {}  # unit -> project -> dict

    def proj(u, code):
        return units.setdefault(u, {}).setdefault(
            code, {"budget": ZERO, "actual": ZERO, "forecast": None})

    info = {}
    if "projects" in tables:
        prow, delim, path = tables["projects"]
        for i, r in enumerate(prow):
            start = (r.get("start") or "").strip()
            info[r["project"]] = (r.get("category") or None,
                                  month(start, f"{path} row {i + 2}") if start else None)
            for u in chain(r["unit"]):
                proj(u, r["project"])["budget"] += money(r["budget"], delim, f"{path} row {i + 2}")
    if "investments" in tables:
        irow, delim, path = tables["investments"]
        use_budget = "projects" not in tables
        for i, r in enumerate(irow):
            k = idx(month(r["period"], f"{path} row {i + 2}"))
            if not lo <= k < lo + 12:
                continue
            a = money(r["actual"], delim, path) if k <= hi else ZERO
            b = money(r.get("budget"), delim, path) if use_budget else ZERO
            for u in chain(r["unit"]):
                x = proj(u, r["project"])
                x["actual"] += a
                x["budget"] += b
    forecast_units = set()
    if "investment_forecast" in tables:
        frow, delim, path = tables["investment_forecast"]
        latest = {}
        for i, r in enumerate(frow):
            k = idx(month(r["period"], f"{path} row {i + 2}"))
            if lo <= k <= hi and k >= latest.get((r["unit"], r["project"]), (-1, None))[0]:
                latest[(r["unit"], r["project"])] = (k, money(r["forecast"], delim, path))
        for (unit, code), (_, amount) in latest.items():
            for u in chain(unit):
                x = proj(u, code)
                x["forecast"] = (x["forecast"] or ZERO) + amount
                forecast_units.add(u)
    units.setdefault(root, {})
    lapsed = lapse is not None and (pm_ - ys) % 12 >= (lapse - ys) % 12
    out = {}
    for u, projects in units.items():
        fc = u in forecast_units

        def sums(group):
            b = sum((p["budget"] for p in group), ZERO)
            a = sum((p["actual"] for p in group), ZERO)
            f = sum((p["forecast"] if p["forecast"] is not None else p["budget"] for p in group), ZERO)
            return {"budget": b, "actual": a, "forecast": f if fc else None,
                    "budget_less_forecast": b - f if fc else None,
                    "share": (a * 100 / b).quantize(Decimal("0.1")) if b else None}

        cats = {}
        for code, p in projects.items():
            cats.setdefault(info.get(code, (None, None))[0], []).append(p)
        e = sums(projects.values())
        e["lapsed"] = lapsed
        e["not_started"] = sorted(
            c for c, p in projects.items()
            if p["actual"] == 0 and (info.get(c, (None, None))[1] or (0, 0)) <= period)
        e["over_budget"] = sorted(c for c, p in projects.items() if p["actual"] > p["budget"])
        e["categories"] = {c: sums(g) for c, g in cats.items()}
        e["projects"] = {c: {"budget": p["budget"], "actual": p["actual"], "forecast": p["forecast"],
                             "budget_less_forecast": None if p["forecast"] is None
                             else p["budget"] - p["forecast"]}
                         for c, p in projects.items()}
        out[u] = e
    return out


def check_investments(data_dir, config_path, period, found_units):
    """Compare every unit's `investments` in figures.json with the recomputation; return
    (problems, figures compared)."""
    expected = expected_investments(data_dir, config_path, period)
    problems, compared = [], 0

    def cmp(u, path, want, got):
        nonlocal compared
        compared += 1
        if path.endswith("share"):
            ok = (want is None and got is None) or (
                want is not None and isinstance(got, (int, float)) and abs(Decimal(str(got)) - want) <= Decimal("0.05"))
        else:
            ok = same(want, got)
        if not ok:
            problems.append((u, path, str(want) if want is not None else "null",
                             got if got is not None else "null"))

    for u in sorted(set(found_units) | set(expected)):
        got = (found_units.get(u) or {}).get("investments")
        want = expected.get(u)
        if (got is None) != (want is None):
            problems.append((u, "investments", "present" if want else "absent",
                             "present" if got else "absent"))
            continue
        if want is None:
            continue
        for k in ("budget", "actual", "forecast", "budget_less_forecast", "share",
                  "lapsed", "not_started", "over_budget"):
            g = got.get(k)
            cmp(u, f"investments.{k}", want[k], sorted(g) if isinstance(g, list) else g)
        got_cats = {c.get("category"): c for c in got.get("categories", [])}
        if set(got_cats) != set(want["categories"]):
            problems.append((u, "investments.categories", sorted(map(str, want["categories"])),
                             sorted(map(str, got_cats))))
        for c, w in want["categories"].items():
            for k, v in w.items():
                cmp(u, f"investments.categories[{c}].{k}", v, got_cats.get(c, {}).get(k))
        got_projects = {p.get("project"): p for p in got.get("projects", [])}
        if set(got_projects) != set(want["projects"]):
            problems.append((u, "investments.projects", sorted(want["projects"]),
                             sorted(got_projects)))
        for c, w in want["projects"].items():
            for k, v in w.items():
                cmp(u, f"investments.projects[{c}].{k}", v, got_projects.get(c, {}).get(k))
    return problems, compared


# ---------------------------------------------------------------- compare
def flatten(unit):
    """figures.json unit object -> {path: value} with the same paths as expected_figures."""
    flat = {}
    for key, val in unit.items():
        if key == "categories":
            names = [c.get("category") for c in val]
            flat["categories.order"] = names
            for c in val:
                for k, v in c.items():
                    if isinstance(v, dict):
                        for k2, v2 in v.items():
                            flat[f"categories[{c.get('category')}].{k}.{k2}"] = v2
                    else:
                        flat[f"categories[{c.get('category')}].{k}"] = v
        elif key == "months":
            for mo in val:
                for k, v in mo.items():
                    flat[f"months[{mo.get('period')}].{k}"] = v
        elif key in ("previous_year", "previous_month", "forecast", "forecast_previous"):
            for k in ("actual", "budget", "deviation", "made"):
                flat[f"{key}.{k}"] = (val or {}).get(k)
        else:
            flat[key] = val
    return flat


def same(exp, found):
    if isinstance(exp, Decimal):
        if not isinstance(found, str) or not re.fullmatch(r"-?\d+\.\d\d", found):
            return False  # amounts must be exact decimal strings with 2 decimals
        return Decimal(found) == exp
    return exp == found


def main(argv):
    if len(argv) != 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    data_dir, config, fig_path = Path(argv[1]), Path(argv[2]), Path(argv[3])
    try:
        doc = json.loads(fig_path.read_text(encoding="utf-8"))
        period = month(doc.get("period", ""), f"{fig_path}: period")
        model = compute(data_dir, config)
    except (InputError, OSError, ValueError) as e:
        print(f"verify: cannot check: {e}", file=sys.stderr)
        return 2
    expected = expected_figures(period, model)
    found_units = doc.get("units") or {}
    if isinstance(found_units, list):
        found_units = {x.get("unit") or x.get("code"): x for x in found_units}
    cats = model[0]
    problems, compared = [], 0
    for u in sorted(set(found_units) - set(expected)):
        problems.append((u, "(unit)", "not in units.csv", "present in figures.json"))
    for u, exp in expected.items():
        if u not in found_units:
            problems.append((u, "(unit)", "present in units.csv", "missing from figures.json"))
            continue
        flat = flatten(found_units[u])
        want_order = [name for _, name, _ in cats]
        if flat.get("categories.order") != want_order:
            problems.append((u, "categories.order", want_order, flat.get("categories.order")))
        months = [k for k in flat if k.startswith("months[") and k.endswith(".budget")]
        if len(months) != 12:
            problems.append((u, "months", "12 entries", f"{len(months)} entries"))
        for path, want in exp.items():
            if path not in ("name", "parent", "children", "level") and not path.endswith(".kind"):
                compared += 1
            got = flat.get(path, "<missing>")
            if not same(want, got):
                problems.append((u, path, str(want) if want is not None else "null",
                                 got if got is not None else "null"))
    sections = section_figures(data_dir, config, period, model, expected)
    compared_sections = 0
    for u, exp in sections.items():
        if u not in found_units:
            continue
        flat = flatten_sections(found_units[u])
        for path, want in exp.items():
            compared_sections += 1
            got = flat.get(path, "<missing>")
            if not same(want, got):
                problems.append((u, path, str(want) if want is not None else "null",
                                 got if got is not None else "null"))
        for path in sorted(set(flat) - set(exp)):
            if flat[path] is not None:
                problems.append((u, path, "<absent>", flat[path]))
    try:
        inv_problems, inv_compared = check_investments(data_dir, config, period, found_units)
    except (InputError, OSError, ValueError) as e:
        print(f"verify: cannot check the investments: {e}", file=sys.stderr)
        return 2
    problems += inv_problems
    if problems:
        for u, path, want, got in problems[:MAX_SHOWN]:
            print(f"MISMATCH unit={u} figure={path} expected={want} found={got}")
        more = len(problems) - MAX_SHOWN
        print(f"{len(problems)} mismatches" + (f" ({more} not shown)" if more > 0 else ""))
        return 1
    per_unit = compared // max(len(expected), 1)
    print(f"verified {len(expected)} units × {per_unit} figures, all equal to the öre; "
          f"{compared_sections} figures of the balance requirement, approved results and measures")
    if inv_compared:
        print(f"verified {inv_compared} investment figures, all equal to the öre")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
