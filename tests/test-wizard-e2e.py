#!/usr/bin/python3
# test-wizard-e2e.py: the Certificate Wizard end to end, through accessibility (AT-SPI) on the
# real console: an offline request for an Edge server, the CSR signed with the openssl command
# as an outside CA would, the answer processed, the certificate assigned, and the overview's
# cell for that interface turning OK. Run under dbus-run-session and Xvfb; skipped (77) only
# when there is no session bus.

import os
import shutil
import subprocess
import sys
import tempfile
import time

if not os.environ.get('DBUS_SESSION_BUS_ADDRESS'):
    print('no session bus: skipped')
    sys.exit(77)

from dogtail import config  # noqa: E402

config.checkForA11y = False
import pyatspi  # noqa: E402

CERTCTL = os.environ['CERTCTL']
CERTCONSOLE = os.environ['CERTCONSOLE']
SERVER = 'edge01.contoso.com'
CELL = SERVER + ', Edge internal interface (MTLS): '
TIMEOUT = 60


def fail(message):
    print('FAIL: ' + message, file=sys.stderr)
    raise SystemExit(1)


START = time.time()


def step(message):
    print('# %5.1f s %s' % (time.time() - START, message), flush=True)


def run(*argv):
    result = subprocess.run(argv, capture_output=True, text=True)
    if result.returncode != 0:
        fail('%s failed: %s%s' % (' '.join(argv), result.stdout, result.stderr))
    return result.stdout


def wait(predicate, what, timeout=TIMEOUT):
    end = time.time() + timeout
    while time.time() < end:
        try:
            value = predicate()
            if value:
                return value
        except Exception:
            pass
        time.sleep(0.2)
    fail('still waiting for %s after %d s' % (what() if callable(what) else what, timeout))


def children(acc):
    for i in range(acc.childCount):
        child = acc.getChildAtIndex(i)
        if child is not None:
            yield child


def find(acc, predicate):
    if predicate(acc):
        return acc
    for child in children(acc):
        found = find(child, predicate)
        if found is not None:
            return found
    return None


def find_all(acc, predicate, out=None):
    out = [] if out is None else out
    if predicate(acc):
        out.append(acc)
    for child in children(acc):
        find_all(child, predicate, out)
    return out


def action_names(acc):
    action = acc.queryAction()
    return [action.getName(i) for i in range(action.nActions)]


def do_action(acc, name):
    names = action_names(acc)
    if name not in names:
        fail('no action %s among %s' % (name, names))
    acc.queryAction().doAction(names.index(name))


def sensitive(acc):
    return acc.getState().contains(pyatspi.STATE_SENSITIVE)


def labels(acc):
    return [a.name for a in find_all(acc, lambda a: a.getRoleName() == 'label')]


# ---- the deployment: one Edge server behind a load balancer, trusting an outside CA ----

tmp = tempfile.mkdtemp(prefix='cc-e2e-')
home = os.path.join(tmp, 'home')
deployment = os.path.join(tmp, 'deployment')
os.makedirs(home)
app_process = None

try:
    def certctl(*args):
        return run(CERTCTL, '--deployment', deployment, *args)

    step('a deployment with %s, an outside CA trusted there' % SERVER)
    certctl('init')
    certctl('site', 'add', 'Redmond')
    certctl('pool', 'add', '--site', 'Redmond', '--fqdn', 'edgepool.contoso.com',
            '--load-balancer')
    certctl('server', 'add', '--pool', 'edgepool.contoso.com', '--fqdn', SERVER, '--role', 'edge')
    ca_key = os.path.join(tmp, 'outside-ca.key')
    ca_pem = os.path.join(tmp, 'outside-ca.pem')
    run('openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
        '-nodes', '-keyout', ca_key, '-out', ca_pem, '-subj', '/CN=Outside CA', '-days', '730',
        '-addext', 'basicConstraints=critical,CA:TRUE',
        '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
    certctl('import', 'chain', '--server', SERVER, ca_pem)

    # the administrator's defaults for requests, as Preferences keeps them
    settings_dir = os.path.join(tmp, 'config', 'glib-2.0', 'settings')
    os.makedirs(settings_dir)
    with open(os.path.join(settings_dir, 'keyfile'), 'w') as keyfile:
        keyfile.write('[io/github/certconsole/CertConsole]\n'
                      "default-organization='Contoso, Ltd'\n"
                      "default-country='US'\n"
                      "default-state='Washington'\n"
                      "default-city='Redmond'\n")

    env = dict(os.environ)
    env.pop('GTK_A11Y', None)
    env.pop('NO_AT_BRIDGE', None)
    env.update(HOME=home, XDG_CONFIG_HOME=os.path.join(tmp, 'config'),
               XDG_DATA_HOME=os.path.join(tmp, 'data'), GSETTINGS_BACKEND='keyfile',
               GDK_BACKEND='x11')
    app_process = subprocess.Popen([CERTCONSOLE, '--deployment', deployment], env=env)

    desktop = pyatspi.Registry.getDesktop(0)

    def get_app():
        for acc in children(desktop):
            if acc.name == 'certconsole':
                return acc
        return None

    app = wait(get_app, 'certconsole on the accessibility bus')
    window = wait(lambda: find(app, lambda a: a.getRoleName() == 'frame'
                               and a.name == 'Certificate Console'), 'the console window')
    sidebar = wait(lambda: find(window, lambda a: a.getRoleName() == 'list'
                                and a.name.startswith('Sites')), 'the sidebar')

    def select_row(text):
        def row_index():
            for i, row in enumerate(children(sidebar)):
                if text in labels(row):
                    return i + 1
            return 0
        index = wait(row_index, 'the sidebar row %s' % text) - 1
        if not sidebar.querySelection().selectChild(index):
            fail('cannot select the sidebar row %s' % text)

    def overview_cell():
        cell = find(window, lambda a: a.name.startswith(CELL))
        return cell.name if cell is not None else None

    step('the overview: nothing assigned to the Edge internal interface yet')
    select_row('All Servers')
    cell = wait(overview_cell, 'the overview cell of %s' % SERVER)
    if 'OK' in cell[len(CELL):].split('\n')[0]:
        fail('the cell is OK before anything was assigned: %s' % cell)
    step('  ' + cell.replace('\n', ' / '))

    # ---- the wizard ----

    def wizards():
        return [a for a in children(app) if a.getRoleName() == 'frame'
                and a.name == 'Certificate Wizard']

    def open_wizard():
        wait(lambda: len(wizards()) == 0, 'the last wizard to close')
        select_row(SERVER)
        wait(lambda: 'server.wizard' in action_names(window), 'server.wizard to be enabled')
        do_action(window, 'server.wizard')
        return wait(lambda: wizards()[0] if wizards() else None, 'the wizard')

    def page(wizard):
        title = find(wizard, lambda a: a.name == 'AdwWindowTitle')
        return find(title, lambda a: a.getRoleName() == 'label').name

    def button(wizard, label):
        return find(wizard, lambda a: a.getRoleName() == 'push button'
                    and label in labels(a))

    def press(wizard, label, expect_page):
        before = page(wizard)
        target = wait(lambda: button(wizard, label), 'a %s button' % label)
        # Next is disabled until the page is valid: the reason is on the page
        wait(lambda: sensitive(target), lambda: '%s to be enabled on “%s” (%s)'
             % (label, before, ' | '.join(labels(wizard)[-3:])))
        do_action(target, 'click')
        wait(lambda: page(wizard) == expect_page, lambda: '“%s” after %s on “%s” (%s)'
             % (expect_page, label, before, ' | '.join(labels(wizard)[-3:])))

    def type_into(wizard, name, text):
        entry = wait(lambda: find(wizard, lambda a: a.getRoleName() == 'text'
                                  and a.name == name), 'the entry %s' % name)
        entry.queryEditableText().setTextContents(text)

    def assert_says(wizard, text):
        found = wait(lambda: [t for t in labels(wizard) if text in t], '“%s”' % text, 10)
        step('  ' + found[0])

    def finish(wizard):
        do_action(wait(lambda: button(wizard, 'Finish'), 'Finish'), 'click')

    step('Create a new certificate: delayed, for the Edge internal interface')
    wizard = open_wizard()
    press(wizard, 'Next', 'Available Certificate Tasks')
    press(wizard, 'Next', 'Select the Component for Which the Certificate Is Requested')
    press(wizard, 'Next', 'Delayed or Immediate Request')
    press(wizard, 'Next', 'Name and Security Settings')
    press(wizard, 'Next', 'Organization Information')
    press(wizard, 'Next', "Your Server's Subject Name")
    press(wizard, 'Next', 'Geographical Information')
    press(wizard, 'Next', 'Certificate Request File Name')
    request_file = os.path.join(tmp, 'certrequest_edge01.txt')
    type_into(wizard, 'Path and file name', request_file)
    press(wizard, 'Next', 'Request Summary')
    if os.path.exists(request_file):
        fail('the request file was written before the summary')
    press(wizard, 'Create', 'Completed')
    assert_says(wizard, SERVER + ': Pending Requests: added the request for')
    finish(wizard)
    if not os.path.isfile(request_file):
        fail('no request file %s' % request_file)

    step('the CSR signed with the openssl command, as an outside CA')
    answer = os.path.join(tmp, 'answer.cer')
    run('openssl', 'x509', '-req', '-in', request_file, '-CA', ca_pem, '-CAkey', ca_key,
        '-CAcreateserial', '-out', answer, '-days', '365', '-copy_extensions', 'copy')

    step('Process the pending request')
    wizard = open_wizard()
    press(wizard, 'Next', 'Available Certificate Tasks')
    press(wizard, 'Next', 'Process a Pending Request')
    type_into(wizard, 'Path and file name', answer)
    press(wizard, 'Import', 'Completed')
    assert_says(wizard, SERVER + ': Personal: added')
    finish(wizard)

    step('Assign an existing certificate')
    wizard = open_wizard()
    press(wizard, 'Next', 'Available Certificate Tasks')
    press(wizard, 'Next', 'Available Certificates')
    press(wizard, 'Next', 'Available Certificate Assignments')
    press(wizard, 'Next', 'Configure the Certificate Settings')
    assert_says(wizard, 'The certificate meets every requirement of this interface.')
    press(wizard, 'Assign', 'Completed')
    assert_says(wizard, SERVER + ': edge-internal: assigned')
    finish(wizard)

    step('the overview: the cell turns OK')
    select_row('All Servers')
    check = wait(lambda: find(window, lambda a: a.getRoleName() == 'push button'
                              and 'Check Deployment' in a.name), 'Check Deployment')
    wait(lambda: sensitive(check), 'Check Deployment to be enabled')
    do_action(check, 'click')
    cell = wait(lambda: overview_cell() if overview_cell().startswith(CELL + 'OK') else None,
                lambda: 'the cell of %s to turn OK (%s)' % (SERVER, overview_cell()))
    step('  ' + cell.replace('\n', ' / '))
    print('ok: the wizard requested, processed and assigned; the overview says OK')
finally:
    if app_process is not None:
        app_process.terminate()
        try:
            app_process.wait(10)
        except subprocess.TimeoutExpired:
            app_process.kill()
    shutil.rmtree(tmp, ignore_errors=True)
