"""Send Claimdesk's Label Studio export of attributes, relations and document labels through Label
Studio and keep what it writes back (tests/core/formats/data/interop/labelstudio-richer/).

    .venv/bin/python scripts/interop/labelstudio_richer.py --ls-venv /tmp/lsvenv [--port 8089]

Exports the source of tests/core/formats/richer_source.py, checks every annotation with Label
Studio's own validator (``label_studio_sdk.label_interface.LabelInterface``, run in the Label
Studio venv), starts Label Studio on 127.0.0.1 with a throw-away data folder, creates a project
with the labeling config Claimdesk wrote, imports the tasks and saves the project's JSON export
and its config as Label Studio returns them (``untouched.json``); then, in Label Studio's web
editor (headless Chromium driven by Playwright, installed in the Label Studio venv), in Ana's
annotation, selects the claim "Moscow and Peking are warming" in the region list, sets its
Stance to "negative", unticks the document label "Military" and saves with Update; the export
after that is ``edited.json``. Nothing needs the internet; the server is stopped at the end,
also on failure.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from labelstudio import (  # noqa: E402
    CHROMIUM_ARGS,
    HOST,
    USER_EMAIL,
    USER_PASSWORD,
    Api,
    start_server,
    stop_server,
    write_json,
)

DEFAULT_OUT = ROOT / "tests/core/formats/data/interop/labelstudio-richer"
VALIDATE = """
import json, sys
from label_studio_sdk.label_interface import LabelInterface
config, tasks = sys.argv[1], sys.argv[2]
interface = LabelInterface(open(config, encoding="utf-8").read())
errors = [
    error
    for task in json.load(open(tasks, encoding="utf-8"))
    for annotation in task["annotations"]
    for error in interface._validate_object_logic(annotation)
]
print(json.dumps(errors))
"""

# Run with the Label Studio venv's Python: argv = base URL, project id, task id, email, password,
# Chromium, its arguments (JSON), screenshot folder.
EDIT = """
import json, re, sys
from playwright.sync_api import sync_playwright
base, project, task, email, password, chromium, args, shots = sys.argv[1:]
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(
        executable_path=chromium, args=json.loads(args), headless=True
    )
    page = browser.new_page(viewport={"width": 1500, "height": 1300})
    page.goto(f"{base}/user/login/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/projects/{project}/data?task={task}")
    page.wait_for_selector(".lsf-annotation-button", timeout=60000)
    page.wait_for_timeout(1500)
    tabs = page.locator(".lsf-annotation-button")
    serialized = "() => window.Htx.annotationStore.selected.serializeAnnotation()"
    for n in range(tabs.count()):  # Ana's annotation: the one with the most results
        tabs.nth(n).click()
        page.wait_for_timeout(1000)
        if len(page.evaluate(serialized)) > 20:
            break
    loaded = page.evaluate(serialized)
    pk = page.evaluate("() => window.Htx.annotationStore.selected.pk")
    regions = page.locator(".lsf-outliner-item")
    regions.filter(has_text="Moscow and Peking are warming").first.click()
    page.wait_for_timeout(800)
    choice = page.locator("label", has_text=re.compile(r"^\\s*negative"))
    choice.first.click()
    page.locator("label", has_text=re.compile(r"^\\s*Military")).first.click()
    page.wait_for_timeout(500)
    page.screenshot(path=f"{shots}/edited.png")
    with page.expect_response(
        lambda r: f"/api/annotations/{pk}" in r.url and r.request.method == "PATCH"
    ) as saved:
        page.locator("button", has_text=re.compile(r"^\\s*(Update|Submit)\\s*$")).first.click()
    if saved.value.status != 200:
        raise SystemExit(f"Update answered {saved.value.status}")
    browser.close()
print(json.dumps(loaded))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ls-venv", type=Path, default=Path("/tmp/lsvenv"))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from claimdesk.core.formats import labelstudio
    from claimdesk.core.formats.labelstudio_config import config_path
    from tests.core.formats.richer_source import source

    venv: Path = args.ls_venv.resolve()
    work = Path(tempfile.mkdtemp(prefix="claimdesk-ls-richer-"))
    server = None
    try:
        export = work / "claimdesk-export.json"
        report = labelstudio.export(source(), export)
        if not report.verified:
            raise SystemExit("Claimdesk's export did not read back")
        config = config_path(export)
        checked = subprocess.run(
            [str(venv / "bin/python"), "-c", VALIDATE, str(config), str(export)],
            check=True,
            capture_output=True,
            text=True,
        )
        errors = json.loads(checked.stdout.strip().splitlines()[-1])
        if errors:
            raise SystemExit(f"Label Studio's validator refused the export: {errors}")
        print("label_studio_sdk LabelInterface: every annotation valid")
        server = start_server(venv, args.port, work / "ls-data", work / "server.log")
        api = Api(args.port)
        print(f"Label Studio {api.call('GET', '/api/version').get('release', '?')} on {HOST}")
        project = api.call(
            "POST",
            "/api/projects",
            {"title": "Claimdesk richer", "label_config": config.read_text(encoding="utf-8")},
        )
        pid = project["id"]
        tasks = json.loads(export.read_text(encoding="utf-8"))
        print("import:", api.call("POST", f"/api/projects/{pid}/import", tasks))
        returned_config = api.call("GET", f"/api/projects/{pid}")["label_config"]
        untouched = api.call("GET", f"/api/projects/{pid}/export?exportType=JSON")
        edited = subprocess.run(
            [
                str(venv / "bin/python"),
                "-c",
                EDIT,
                f"http://{HOST}:{args.port}",
                str(pid),
                str(untouched[0]["id"]),
                USER_EMAIL,
                USER_PASSWORD,
                args.chromium,
                json.dumps(CHROMIUM_ARGS),
                str(work),
            ],
            check=False,
            capture_output=True,
            text=True,
        )
        if edited.returncode:
            raise SystemExit(f"the editor step failed: {edited.stderr[-3000:]}")
        # What the editor made of the imported annotation, serialized by the editor itself.
        loaded = json.loads(edited.stdout.strip().splitlines()[-1])

        # The editor adds "origin": "manual" to each result and lists relations last; nothing
        # else may differ.
        def shown(results: list[dict[str, Any]]) -> list[str]:
            plain = [{k: v for k, v in r.items() if k != "origin"} for r in results]
            return sorted(json.dumps(r, sort_keys=True) for r in plain)

        ana = next(a for a in tasks[0]["annotations"] if a["created_username"] == "Ana")
        if shown(loaded) != shown(ana["result"]):
            raise SystemExit("the editor did not load Ana's results as they were sent")
        print("the web editor loaded and serialized Ana's 25 results unchanged")
        after = api.call("GET", f"/api/projects/{pid}/export?exportType=JSON")
        out: Path = args.out
        out.mkdir(parents=True, exist_ok=True)
        write_json(out / "edited.json", after)
        write_json(out / "untouched.json", untouched)
        (out / "labeling-config.xml").write_text(returned_config, encoding="utf-8")
        write_json(out / "claimdesk-export.json", tasks)
        shutil.copyfile(config, out / "claimdesk-export.labeling-config.xml")
        print(f"fixtures written to {out}")
        return 0
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
