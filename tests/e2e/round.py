"""Walks the month's round in headless Chromium against a running `uppfolj serve` on the
sample region (password accounts), driven over the DevTools protocol (the Page class of
axe.py). Two browsers: one for the reporters (anna: unit 2110, bertil: unit 2120), one for
the controller (karin), so the board can be read at every step.

usage: round.py AXE_MIN_JS URL
The accounts anna/anna-pw, bertil/bertil-pw and karin/karin-pw must exist.
Exits 1 on the first failed step, naming it; every round page (login, start, unit page,
board) must have no axe-core violation and no sideways scrolling at 320 px (200 % zoom of
a 640 px window)."""
import http.cookiejar, json, os, shutil, subprocess, sys, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from axe import Page, report, start_chromium, violations  # noqa: E402

AXE, URL = sys.argv[1], sys.argv[2].rstrip("/")
AXE_SOURCE = open(AXE, encoding="utf-8").read()
STEP = [0]


def fail(why):
    print(f"  FAIL: {why}")
    sys.exit(1)


def step(text):
    STEP[0] += 1
    print(f"== {STEP[0]}. {text}")


class Browser:
    """One headless Chromium with one tab."""

    def __init__(self, name):
        self.name = name
        self.proc, self.profile, ws = start_chromium()
        self.page = Page(ws)
        self.page.call("Page.enable")
        self.page.call("Runtime.enable")
        self.width(1024)

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)

    def width(self, w):
        self.page.call("Emulation.setDeviceMetricsOverride", width=w, height=900,
                       deviceScaleFactor=1, mobile=False)

    def js(self, expr, awaits=False):
        return self.page.evaluate(expr, awaits=awaits)

    def loads(self, action):
        """Runs `action` (which makes the tab load a page) and waits for the page's load."""
        self.page.events.clear()
        action()
        self.page.wait_event("Page.loadEventFired")

    def goto(self, path):
        self.loads(lambda: self.page.call("Page.navigate", url=URL + path))

    def click(self, selector):
        found = self.js(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                        " if (!e) return false; e.click(); return true; })()")
        if not found:
            fail(f"{self.name}: no {selector} on {self.js('location.pathname')}")

    def type_into(self, selector, text, replace=True):
        """Focuses a field and types `text` as the keyboard would (input events)."""
        sel = json.dumps(selector)
        ok = self.js(f"(() => {{ const e = document.querySelector({sel}); if (!e) return false;"
                     f" e.focus(); {'e.select();' if replace else 'e.setSelectionRange(e.value.length, e.value.length);'}"
                     " return true; })()")
        if not ok:
            fail(f"{self.name}: no field {selector}")
        self.page.call("Input.insertText", text=text)

    def wait(self, expr, what, timeout=15):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            last = self.js(expr)
            if last:
                return last
            time.sleep(0.1)
        msg = self.js("(document.getElementById('msg') || {}).textContent || ''")
        fail(f"{self.name}: {what} (last {last!r}; message {msg!r})")

    def text(self, selector):
        return self.js(f"(document.querySelector({json.dumps(selector)}) || {{}}).textContent || ''")

    def login(self, user):
        self.goto("/login")
        self.type_into("#user", user)
        self.type_into("#password", f"{user}-pw")
        self.loads(lambda: self.click("form.login button"))
        if self.js("location.pathname") != "/":
            fail(f"{user} did not reach the start page: {self.text('main')[:200]!r}")
        print(f"  {user} logged in")

    def logout(self):
        self.loads(lambda: self.click("form[action='/logout'] button"))
        if self.js("location.pathname") != "/login":
            fail(f"{self.name}: logging out did not lead to the login page")

    def check_a11y(self, label):
        """axe-core on the page as it is, then reflow at 320 px (the page is loaded again)."""
        n = report(f"{label} ({self.js('location.pathname')})", violations(self.page, AXE_SOURCE))
        path = self.js("location.pathname + location.search")
        self.width(320)
        self.goto(path)
        over = self.js("document.documentElement.scrollWidth - window.innerWidth")
        self.width(1024)
        self.goto(path)
        if over and over > 0:
            print(f"{label}: reflow: at 320 px the page is {over} px too wide")
            n += 1
        if n:
            fail(f"{label}: {n} accessibility problems")
        print(f"  axe-core and reflow: {label} has no violations")


def board_state(b, unit):
    b.goto("/board")
    return b.text(f"#board-{unit} .badge")


def expect_board(b, **states):
    for unit, want in states.items():
        got = board_state(b, unit.lstrip("u"))
        if got != want:
            fail(f"the board shows {unit.lstrip('u')} as {got!r}, not {want!r}")
        print(f"  the board shows {unit.lstrip('u')}: {got}")


def save_section(b, key, text, replace=True):
    """Types into a commentary editor, waits for the preview, saves; returns the preview HTML."""
    b.type_into(f"#text-{key}", text, replace)
    return b.js(f"document.getElementById('preview-{key}').innerHTML")


def api_as(user):
    """An API client logged in as `user` (another person editing at the same time)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    req = urllib.request.Request(URL + "/api/login", method="POST",
                                 data=json.dumps({"user": user, "password": f"{user}-pw"}).encode(),
                                 headers={"Content-Type": "application/json", "Origin": URL})
    token = json.load(opener.open(req))["csrf_token"]

    def call(method, path, body):
        r = urllib.request.Request(URL + path, method=method, data=json.dumps(body).encode(),
                                   headers={"Content-Type": "application/json", "Origin": URL,
                                            "X-CSRF-Token": token})
        return json.load(opener.open(r))
    return call


def main():
    rep, con = Browser("reporters"), Browser("controller")
    try:
        walk(rep, con)
    finally:
        rep.close()
        con.close()
    print("round e2e: every step passed")


def walk(rep, con):
    step("the controller logs in; every unit is not started")
    con.goto("/")
    if con.js("location.pathname") != "/login":
        fail("a visitor without a session is not sent to the login page")
    con.check_a11y("login page")
    con.login("karin")
    con.check_a11y("start page (controller)")
    expect_board(con, u2110="Inte påbörjad", u2120="Inte påbörjad")
    con.check_a11y("board")

    step("anna writes commentary for 2110 and sees the preview as she types")
    rep.login("anna")
    rep.check_a11y("start page (reporter)")
    rep.goto("/units/2110")
    rep.check_a11y("unit page")
    save_section(rep, "summary", "Resultatet är **sämre** än budgeten.\n\n- hyrläkare\n- sjukfrånvaro")
    rep.wait("document.getElementById('preview-summary').innerHTML.includes('<strong>sämre</strong>')"
             " && document.getElementById('preview-summary').innerHTML.includes('<li>hyrläkare</li>')",
             "the preview shows the rendered Markdown")
    print("  the preview shows <strong>sämre</strong> and the list")
    save_section(rep, "summary", "<script>alert(1)</script>", replace=False)
    rep.wait("document.getElementById('preview-summary').innerHTML.includes('&lt;script&gt;')",
             "raw HTML in the preview is shown as text")
    if rep.js("document.querySelector('#preview-summary script') !== null"):
        fail("a script reached the preview")
    save_section(rep, "summary", "Resultatet är **sämre** än budgeten på grund av hyrläkare.")
    rep.click("#editor-summary .save")
    rep.wait("document.querySelector('#editor-summary .status').textContent.includes('Sparat')",
             "the commentary is saved")
    expect_board(con, u2110="Utkast")

    step("a stale save shows both texts; nothing is lost")
    other = api_as("karin")
    other("PUT", "/api/units/2110/commentary/summary",
          {"text": "Kontrollantens text om personalen.", "version": 1})
    save_section(rep, "summary", " Rekrytering pågår.", replace=False)
    rep.click("#editor-summary .save")
    rep.wait("!document.querySelector('#editor-summary .conflict').hidden",
             "a 409 shows the saved text beside the user's own")
    theirs = rep.js("document.getElementById('theirs-summary').value")
    mine = rep.js("document.getElementById('text-summary').value")
    if "Kontrollantens text" not in theirs or "Rekrytering pågår." not in mine:
        fail(f"both texts are not shown: theirs {theirs!r}, mine {mine!r}")
    if not rep.text("#msg"):
        fail("the conflict is not announced in the alert")
    print(f"  theirs: {theirs!r}; mine: {mine!r}")
    if report("unit page, conflict shown", violations(rep.page, AXE_SOURCE)):
        fail("the conflict view has accessibility problems")
    rep.click("#editor-summary .keep-mine")
    rep.click("#editor-summary .save")
    rep.wait("document.querySelector('#editor-summary .status').textContent.includes('Sparat')",
             "the user's text is saved on top of the other")
    rep.check_a11y("unit page after a conflict")

    step("anna enters the forecast and a measure and marks 2110 done")
    rep.type_into("#forecast-value", "abc")
    rep.click("#save-forecast")
    rep.wait("document.getElementById('msg').textContent.includes('inte ett belopp i kronor')",
             "a forecast that is not an amount is refused with a message")
    rep.type_into("#forecast-value", "-1 800 000")
    rep.click("#save-forecast")
    rep.wait("document.querySelector('#forecast .status').textContent.includes('Sparat')",
             "the forecast is saved")
    rep.click("#add-measure")
    rep.type_into("#measure-rows tr:last-child [name=name]", "Färre hyrläkare")
    rep.type_into("#measure-rows tr:last-child [name=expected]", "250 000")
    rep.type_into("#measure-rows tr:last-child [name=due]", "2020-12")
    rep.js("document.querySelector('#measure-rows tr:last-child [name=in_forecast]').click()")
    rep.click("#save-measures")
    rep.wait("document.querySelector('#measures .status').textContent.includes('Sparat')",
             "the measure is saved")
    rep.loads(lambda: rep.click("[data-action=done]"))
    if rep.text("#state") != "Klarmarkerad":
        fail(f"2110 is {rep.text('#state')!r} after Mark done")
    if rep.js("document.getElementById('forecast-value').value") != "-1800000,00":
        fail("the saved forecast is not shown again")
    if rep.js("document.querySelector('#measure-rows [name=name]').value") != "Färre hyrläkare":
        fail("the saved measure is not shown again")
    expect_board(con, u2110="Klarmarkerad")

    step("bertil may not open 2110; he writes for 2120 and marks it done")
    rep.logout()
    rep.login("bertil")
    rep.goto("/units/2110")
    if rep.text("h1") != "Åtkomst nekad":
        fail(f"bertil sees {rep.text('h1')!r} on 2110, not the 403 page")
    print("  /units/2110 answers the 403 page")
    rep.goto("/report/2110.html")
    if rep.text("h1") != "Åtkomst nekad":
        fail("bertil sees the report page of 2110")
    rep.goto("/board")
    if rep.text("h1") != "Åtkomst nekad":
        fail("a reporter sees the board")
    rep.goto("/units/2120")
    save_section(rep, "summary", "Besöken har _ökat_ efter sommaren.")
    rep.wait("document.getElementById('preview-summary').innerHTML.includes('<em>ökat</em>')",
             "the preview shows the rendered Markdown")
    rep.click("#editor-summary .save")
    rep.wait("document.querySelector('#editor-summary .status').textContent.includes('Sparat')",
             "bertil's commentary is saved")
    rep.type_into("#forecast-value", "300000")
    rep.click("#save-forecast")
    rep.wait("document.querySelector('#forecast .status').textContent.includes('Sparat')",
             "bertil's forecast is saved")
    rep.loads(lambda: rep.click("[data-action=done]"))
    expect_board(con, u2110="Klarmarkerad", u2120="Klarmarkerad")

    step("the controller sends 2110 back with a comment and approves 2120")
    con.goto("/board?committee=HSN")
    if not con.js("!!document.getElementById('board-2110') && !document.getElementById('board-1010')"):
        fail("the committee filter does not keep to HSN's units")
    progress = con.text("#progress-HSN")
    if "2 klara av" not in progress:
        fail(f"HSN's progress is {progress!r}, not 2 done")
    print(f"  HSN: {' '.join(progress.split())}")
    con.goto("/units/2110")
    con.type_into("#return-comment", "Förklara prognosen för hyrläkarna.")
    con.loads(lambda: con.click("[data-action=return]"))
    if con.text("#state") != "Återsänd":
        fail(f"2110 is {con.text('#state')!r} after Send back")
    con.goto("/units/2120")
    con.loads(lambda: con.click("[data-action=approve]"))
    expect_board(con, u2110="Återsänd", u2120="Godkänd")
    csv = con.js("fetch('/api/board.csv').then(r => r.text())", awaits=True)
    listed = [line.split(",")[0] for line in csv.splitlines()[1:]]
    if "2110" not in listed or "2120" in listed:
        fail(f"board.csv lists {listed}: 2110 (sent back) must be there, 2120 (approved) not")
    if "Förklara prognosen" not in csv:
        fail("board.csv lacks the comment 2110 was sent back with")

    step("anna sees the comment, corrects and marks done; the controller approves")
    rep.logout()
    rep.login("anna")
    rep.goto("/units/2110")
    if "Förklara prognosen för hyrläkarna." not in rep.text("#sent-back"):
        fail(f"anna does not see the comment: {rep.text('#sent-back')!r}")
    print("  anna sees the controller's comment")
    rep.check_a11y("unit page, sent back")
    save_section(rep, "summary", " Prognosen förutsätter två hyrläkare till årets slut.",
                 replace=False)
    rep.click("#editor-summary .save")
    rep.wait("document.querySelector('#editor-summary .status').textContent.includes('Sparat')",
             "the correction is saved")
    rep.loads(lambda: rep.click("[data-action=done]"))
    expect_board(con, u2110="Klarmarkerad", u2120="Godkänd")
    con.goto("/units/2110")
    con.loads(lambda: con.click("[data-action=approve]"))
    expect_board(con, u2110="Godkänd", u2120="Godkänd")
    con.goto("/report/2110.html")
    if "två hyrläkare till årets slut" not in con.text("main"):
        fail("the report page does not show the approved text")
    print("  the report page shows the approved text")

    # The round is approved: round.sh now runs `uppfolj generate` with the round's store and
    # checks the approved text, forecast and measure in the HTML, PDF and workbook
    # (tests/e2e/round_generated.py).

if __name__ == "__main__":
    main()
