#!/usr/bin/env python3
"""Independent check of what figures.json says explains the month (see README.md here).

Usage: python3 explain.py DATA_DIR CONFIG FIGURES_JSON

Recomputes, from the raw CSV files with decimal.Decimal, every unit's
- forecast_check: months_left, implied_rest_of_year (forecast deviation − accumulated
  deviation), run_rate_rest_of_year (accumulated deviation × months left / months so far,
  to the öre, half to even), seasonal_rest_of_year and the flag;
- bridge: from, to, the change of every category and of every child (and of the unit's own
  entries), and that both kinds of part add up to the change;
- forecast_accuracy: last year's forecasts by the month made, the year's final deviation,
  each error, the mean absolute error (half to even) and the bias;
and compares them to figures.json.  Exit 0: all equal; 1: mismatches; 2: unreadable input.
Reads the CSV files with verify.py's readers; the rules are written from the guide (docs/guide/en/src/).
Calendar years only (fiscal_year_start 1), like verify.py.
"""
import json
import re
import sys
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import verify  # noqa: E402  (the CSV and config readers)

ZERO = Decimal(0)
CENT = Decimal("0.01")


def tolerance(config_path):
    """forecast_check.tolerance in percent (default 0.5)."""
    for line in map(verify.strip_comment, config_path.read_text(encoding="utf-8-sig").splitlines()):
        m = re.match(r"forecast_check:\s*\{\s*tolerance:\s*([0-9.]+)\s*\}", line)
        if m:
            return Decimal(m.group(1))
    return Decimal("0.5")


def main(argv):
    if len(argv) != 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    data_dir, config, fig_path = Path(argv[1]), Path(argv[2]), Path(argv[3])
    try:
        doc = json.loads(fig_path.read_text(encoding="utf-8"))
        Y, P = verify.month(doc.get("period", ""), f"{fig_path}: period")
        cats, names, parent, children, order, agg, own, ancestors = verify.compute(data_dir, config)
        tol = tolerance(config)
    except (verify.InputError, OSError, ValueError) as e:
        print(f"explain: cannot check: {e}", file=sys.stderr)
        return 2
    cat_list = [name for kind, name, _ in cats if kind == "category"]

    def cell(u, y, m, c):
        return agg.get((u, y, m, c), [ZERO, ZERO])

    def dev(u, y, m1, m2, only=None):
        return sum((cell(u, y, m, c)[0] - cell(u, y, m, c)[1]
                    for c in (cat_list if only is None else only) for m in range(m1, m2 + 1)), ZERO)

    def deviation(entry):
        """A forecast entry's deviation: its total row, else the sum of its category rows."""
        return entry["total"] if entry["total"] is not None else sum(entry["rows"].values(), ZERO)

    def forecast(u):
        mine = [k for k in own.get(u, {}) if k[0] == Y and k[1] <= P]
        if mine:
            return deviation(own[u][max(mine)])
        kids = [f for f in (forecast(c) for c in children[u]) if f is not None]
        return sum(kids, ZERO) if kids else None

    def effective(u, y, M):
        """(deviation, (year, month) made) of the unit's forecast at month M of year y."""
        mine = [k for k in own.get(u, {}) if k[0] == y and k[1] <= M]
        if mine:
            return deviation(own[u][max(mine)]), max(mine)
        kids = [e for e in (effective(c, y, M) for c in children[u]) if e]
        if kids:
            return sum((e[0] for e in kids), ZERO), max(e[1] for e in kids)
        return None

    problems, checked = [], 0

    def check(u, what, want, got):
        nonlocal checked
        checked += 1
        if isinstance(want, Decimal):
            ok = isinstance(got, str) and re.fullmatch(r"-?\d+\.\d\d", got) and Decimal(got) == want
        else:
            ok = want == got
        if not ok:
            problems.append(f"MISMATCH unit={u} figure={what} expected={want} found={got}")

    units = doc.get("units") or {}
    left = 12 - P
    for u in order:
        f = units.get(u)
        if f is None:
            problems.append(f"MISMATCH unit={u}: missing from figures.json")
            continue
        acc = dev(u, Y, 1, P)
        # The forecast check.
        fc = forecast(u)
        c = f.get("forecast_check")
        if fc is None:
            check(u, "forecast_check", None, c)
        else:
            c = c or {}
            implied = fc - acc
            run = (acc * left / P).quantize(CENT, rounding=ROUND_HALF_EVEN)
            cost = [sum((min(cell(u, Y - 1, m, k)[0], ZERO) for k in cat_list), ZERO)
                    for m in range(1, 13)]
            seasonal = None
            if all(x != 0 for x in cost):
                seasonal = (acc * sum(cost[P:]) / sum(cost[:P])).quantize(CENT, rounding=ROUND_HALF_EVEN)
            budget_costs = -sum((b for k in cat_list
                                 for b in [sum((cell(u, Y, m, k)[1] for m in range(1, 13)), ZERO)]
                                 if b < 0), ZERO)
            limit = budget_costs * tol / 100

            def side(p):
                if abs(implied - p) <= limit:
                    return None
                return "optimistic" if implied > p else "pessimistic"
            sides = [side(run)] + ([side(seasonal)] if seasonal is not None else [])
            flag = sides[0] if left > 0 and budget_costs > 0 and len(set(sides)) == 1 else None
            check(u, "forecast_check.months_left", left, c.get("months_left"))
            check(u, "forecast_check.implied_rest_of_year", implied, c.get("implied_rest_of_year"))
            check(u, "forecast_check.run_rate_rest_of_year", run, c.get("run_rate_rest_of_year"))
            check(u, "forecast_check.seasonal_rest_of_year", seasonal, c.get("seasonal_rest_of_year"))
            check(u, "forecast_check.flag", flag, c.get("flag"))
        # Last year's forecasts against the year's outcome.
        made = [e for M, e in zip(range(1, 13), (effective(u, Y - 1, M) for M in range(1, 13)))
                if e and e[1] == (Y - 1, M)]
        a = f.get("forecast_accuracy")
        if not made:
            check(u, "forecast_accuracy", None, a)
        else:
            a = a or {}
            outcome = dev(u, Y - 1, 1, 12)
            check(u, "forecast_accuracy.outcome", outcome, a.get("outcome"))
            got = a.get("forecasts") or []
            check(u, "forecast_accuracy.made", [f"{y:04d}-{m:02d}" for _, (y, m) in made],
                  [x.get("made") for x in got])
            for (d, _), x in zip(made, got):
                check(u, f"forecast_accuracy[{x.get('made')}].deviation", d, x.get("deviation"))
                check(u, f"forecast_accuracy[{x.get('made')}].error", d - outcome, x.get("error"))
            errors = [d - outcome for d, _ in made]
            mae = (sum((abs(e) for e in errors), ZERO) / len(errors)).quantize(CENT, rounding=ROUND_HALF_EVEN)
            check(u, "forecast_accuracy.mean_absolute_error", mae, a.get("mean_absolute_error"))
            bias = ("optimistic" if all(e > 0 for e in errors)
                    else "pessimistic" if all(e < 0 for e in errors) else None)
            check(u, "forecast_accuracy.bias", bias, a.get("bias"))
        # The bridge.
        b = f.get("bridge")
        if P == 1:
            check(u, "bridge", None, b)
            continue
        b = b or {}
        before = dev(u, Y, 1, P - 1)
        check(u, "bridge.from", before, b.get("from"))
        check(u, "bridge.to", acc, b.get("to"))
        parts = {p.get("category"): p.get("change") for p in b.get("by_category") or []}
        check(u, "bridge.by_category.order", cat_list, [p.get("category") for p in b.get("by_category") or []])
        for k in cat_list:
            check(u, f"bridge.by_category[{k}]", dev(u, Y, 1, P, [k]) - dev(u, Y, 1, P - 1, [k]), parts.get(k))
        kids = {p.get("unit"): p.get("change") for p in b.get("by_child") or []}
        want = {k: dev(k, Y, 1, P) - dev(k, Y, 1, P - 1) for k in children[u]}
        if children[u]:
            mine = (acc - before) - sum(want.values(), ZERO)
            if mine != 0:
                want[u] = mine
        check(u, "bridge.by_child.units", list(want), list(kids))
        for k, v in want.items():
            check(u, f"bridge.by_child[{k}]", v, kids.get(k))
        total = sum((Decimal(x) for x in parts.values() if x), ZERO)
        check(u, "bridge: the categories add up", acc - before, f"{total:.2f}")
        if children[u]:
            total = sum((Decimal(x) for x in kids.values() if x), ZERO)
            check(u, "bridge: the children add up", acc - before, f"{total:.2f}")
    if problems:
        for p in problems[:50]:
            print(p)
        print(f"{len(problems)} mismatches")
        return 1
    print(f"explain: verified {len(order)} units, {checked} figures, all equal to the öre")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
