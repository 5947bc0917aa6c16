#!/usr/bin/python3
# test-a11y.py: the console driven end to end through accessibility (AT-SPI, with pyatspi,
# which dogtail is built on), as a screen reader or an automation tool sees it: open the demo
# deployment, select a server's Personal store, open a certificate, read its thumbprint from
# the viewer's Details tab, and compare it with what `certctl show --json` says. On the way,
# every button of the window must have a name a screen reader can say.
#
# Run by meson (suite gui) under xvfb-run and dbus-run-session; TAP output. Skips (77) only
# when there is no session bus. Environment: CERTCTL, CERTCONSOLE (the programs),
# GSETTINGS_SCHEMA_DIR and GSETTINGS_BACKEND as for the other GUI tests.
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT = 60
steps = []


def say(text):
    print("# " + text, flush=True)


def fail(text):
    print("not ok %d %s" % (len(steps) + 1, text), flush=True)
    print("1..%d" % (len(steps) + 1), flush=True)
    sys.exit(1)


def ok(text):
    steps.append(text)
    print("ok %d %s" % (len(steps), text), flush=True)


def wait_for(what, func, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = func()
        except Exception:  # the tree changes under us while the window fills
            value = None
        if value:
            return value
        time.sleep(0.2)
    fail("timed out waiting for " + what)


if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
    print("1..0 # SKIP no session bus: run under dbus-run-session")
    sys.exit(77)

try:
    import pyatspi
    import dogtail.config  # installed by build-aux/deps: this test must not skip without it
except ImportError as error:
    print("1..1\nnot ok 1 %s (build-aux/deps installs python3-dogtail)" % error)
    sys.exit(1)

dogtail.config.config.checkForA11y = False

certctl = os.environ["CERTCTL"]
certconsole = os.environ["CERTCONSOLE"]


def walk(node):
    yield node
    for i in range(node.childCount):
        child = node.getChildAtIndex(i)
        if child is not None:
            yield from walk(child)


def find(node, role, name=None, prefix=None):
    for x in walk(node):
        if x.getRoleName() != role:
            continue
        if name is not None and x.name != name:
            continue
        if prefix is not None and not (x.name or "").startswith(prefix):
            continue
        return x
    return None


def labels(node):
    return [x.name for x in walk(node) if x.getRoleName() == "label"]


def find_app():
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        if app is not None and app.name == "certconsole":
            return app
    return None


def find_frame(app, title):
    for i in range(app.childCount):
        frame = app.getChildAtIndex(i)
        if frame is not None and frame.name == title:
            return frame
    return None


def check_button_names(top, where):
    """Every button says what it does, icon-only ones included: no empty name, no type name
    ("GtkButton"), no mnemonic underscore."""
    unnamed = []
    for x in walk(top):
        if x.getRoleName() in ("push button", "toggle button", "menu button"):
            name = x.name or ""
            if not name.strip() or name.startswith(("Gtk", "Adw")) or "_" in name:
                unnamed.append("%s %r" % (x.getRoleName(), name))
    if unnamed:
        fail("buttons of %s without a proper accessible name: %s" % (where, ", ".join(unnamed)))
    ok("every button of %s has an accessible name" % where)


tmpdir = tempfile.mkdtemp(prefix="cc-a11y-")
process = None
try:
    deployment = os.path.join(tmpdir, "deployment")
    subprocess.run([certctl, "--deployment", deployment, "init", "--demo"], check=True,
                   stdout=subprocess.DEVNULL)
    ok("certctl made the demo deployment")

    env = dict(os.environ)
    env.pop("GTK_A11Y", None)       # the other GUI tests turn accessibility off
    env["HOME"] = tmpdir
    env["XDG_DATA_HOME"] = os.path.join(tmpdir, "data")
    process = subprocess.Popen([certconsole, "--deployment", deployment], env=env)

    app = wait_for("certconsole on the accessibility bus", find_app)
    window = wait_for("the window", lambda: find_frame(app, "Certificate Console"))
    sidebar = wait_for("the tree",
                       lambda: find(window, "list", "Sites, pools, servers and stores"))
    wait_for("the tree's rows", lambda: sidebar.childCount > 8)
    ok("the console shows the deployment's tree")

    check_button_names(window, "the window")

    # the header's check button says its name once, not "Check Deployment Check Deployment"
    check = [x for x in walk(window)
             if x.getRoleName() == "push button" and "Check Deployment" in (x.name or "")]
    if len(check) != 1 or check[0].name != "Check Deployment":
        fail("the Check Deployment button's name: %r" % [x.name for x in check])
    ok("the Check Deployment button is named once")

    # the Personal store of edge01: the row after the server's own
    def personal_row():
        server_seen = False
        for i in range(sidebar.childCount):
            texts = labels(sidebar.getChildAtIndex(i))
            if texts and texts[0] == "edge01.contoso.com":
                server_seen = True
            elif server_seen and texts and texts[0] == "Personal":
                return i + 1    # 0 is not a "found"
        return None
    row = wait_for("edge01's Personal row", personal_row) - 1
    if not sidebar.querySelection().selectChild(row):
        fail("could not select edge01's Personal store")

    table = wait_for("the certificate list", lambda: find(window, "tree table", "Certificates"))

    def certificate_rows():
        lst = find(table, "list")
        if lst is None or lst.childCount == 0:
            return None
        first = lst.getChildAtIndex(0)
        return lst if first is not None and find(first, "table cell") is not None else None
    rows = wait_for("the store's certificates", certificate_rows)
    ok("edge01's Personal store shows %d certificate(s)" % rows.childCount)

    if not rows.querySelection().selectChild(0):
        fail("could not select the first certificate")
    view = find(window, "push button", "View Certificate")
    if view is None:
        fail("no View Certificate button")
    wait_for("View Certificate to be enabled",
             lambda: view.getState().contains(pyatspi.STATE_SENSITIVE))
    action = view.queryAction()
    names = [action.getName(i) for i in range(action.nActions)]
    action.doAction(names.index("click"))

    viewer = wait_for("the certificate viewer", lambda: find_frame(app, "Certificate"))
    tabs = wait_for("the viewer's tabs", lambda: find(viewer, "page tab list"))
    tab_names = [tabs.getChildAtIndex(i).name for i in range(tabs.childCount)]
    if tab_names != ["General", "Details", "Certification Path"]:
        fail("the viewer's tabs are %r" % tab_names)
    general = labels(viewer)
    issued_to = general[general.index("Issued to") + 1] if "Issued to" in general else None
    if issued_to is None:
        fail("the General tab shows no Issued to")
    ok("the viewer opened with General, Details and Certification Path; issued to " + issued_to)

    # the Details tab, as a click on it does
    details = tabs.getChildAtIndex(tab_names.index("Details"))
    clicked = False
    for x in walk(details):
        try:
            action = x.queryAction()
        except NotImplementedError:
            continue
        names = [action.getName(i) for i in range(action.nActions)]
        if "click" in names:
            clicked = action.doAction(names.index("click"))
            break
    if not clicked:
        fail("the Details tab cannot be clicked")
    wait_for("the Details tab to be shown",
             lambda: details.getState().contains(pyatspi.STATE_SELECTED)
             or any(x.getState().contains(pyatspi.STATE_CHECKED) for x in walk(details)))

    # its Fingerprints section's SHA-256 field, selected: the value pane shows it
    fields = wait_for("the Details tab's fields", lambda: find(viewer, "list", "Certificate fields"))

    def sha256_index():
        for i in range(fields.childCount):
            item = fields.getChildAtIndex(i)
            if item is not None and item.name == "SHA-256":
                return i + 1
        return None
    index = wait_for("the SHA-256 field", sha256_index) - 1
    if not fields.querySelection().selectChild(index):
        fail("could not select the SHA-256 field")
    pane = find(viewer, "text", "Value of the selected field")
    if pane is None:
        fail("the Details tab has no value pane")

    def pane_text():
        text = pane.queryText()
        value = text.getText(0, text.characterCount).strip()
        return value if len(value.replace(":", "").replace(" ", "")) == 64 else None
    value = wait_for("the value pane to show the SHA-256 thumbprint", pane_text)
    row_value = [t for t in labels(fields.getChildAtIndex(index)) if t != "SHA-256"]
    thumbprint = value.replace(":", "").replace(" ", "").lower()
    if row_value and row_value[0].replace(":", "").replace(" ", "").lower() != thumbprint:
        fail("the SHA-256 row says %s, the value pane %s" % (row_value[0], value))
    ok("the Details tab's value pane says SHA-256 %s" % value)
    check_button_names(viewer, "the certificate viewer")

    shown = subprocess.run([certctl, "--deployment", deployment, "--json", "show",
                            "--server", "edge01.contoso.com", thumbprint],
                           capture_output=True, text=True)
    if shown.returncode != 0:
        fail("certctl show %s failed: %s" % (thumbprint, shown.stderr.strip()))
    certificate = json.loads(shown.stdout)
    if certificate["thumbprint"] != thumbprint:
        fail("certctl says thumbprint %s, the viewer %s" % (certificate["thumbprint"],
                                                             thumbprint))
    if certificate["issued_to"] != issued_to:
        fail("certctl says issued to %s, the viewer %s" % (certificate["issued_to"], issued_to))
    if certificate["store"] != "personal":
        fail("certctl found it in %s" % certificate["store"])
    ok("certctl show --json names the same certificate: %s" % thumbprint)

    print("1..%d" % len(steps), flush=True)
finally:
    if process is not None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    shutil.rmtree(tmpdir, ignore_errors=True)
