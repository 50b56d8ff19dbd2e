"""Regenerate the Label Studio interop fixtures by sending Claimdesk's export through Label Studio.

    .venv/bin/python scripts/interop/labelstudio.py --ls-venv /tmp/lsvenv [--out FOLDER]

Builds the interop project (tests/core/formats/interop_source.py), exports it with Claimdesk's
own Label Studio exporter, starts Label Studio from ``--ls-venv`` on 127.0.0.1 with a throw-away
data folder, creates a project with the labeling config Claimdesk wrote, imports the tasks and
saves what Label Studio exports (``/api/projects/{id}/export?exportType=JSON``):

- ``untouched.json``: the export right after the import, nothing edited;
- ``edited.json``: the export after edits made in Label Studio's web editor, in headless Chromium
  (Playwright, installed in the Label Studio venv: ``<ls-venv>/bin/pip install playwright``),
  by the Label Studio user: in the first task, in Ana's annotation, a new Claim "border market"
  (selected with the mouse after the family emoji) and Ana's "troop reduction" deleted; in the
  second task, in Ben's annotation, a new Claim "alliance" (after the flags); each saved with
  the editor's Update button. ``--api-edits`` makes the same edits through the REST API instead
  (PATCH of the annotation's result), for when the browser cannot be driven;
- ``labeling-config.xml``: the labeling config as Label Studio returns it;
- ``claimdesk-export.json`` and ``claimdesk-export.labeling-config.xml``: what went in.

Nothing needs the internet; the server is stopped at the end, also on failure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "tests/core/formats/data/interop/labelstudio"
HOST = "127.0.0.1"
USER_EMAIL = "ls-editor@example.org"
USER_PASSWORD = "interop-editor-1"
USER_TOKEN = "claimdesk-interop-token"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The edits made in the editor: (task position, a region that identifies the annotation to edit,
# label for the new span, words to select, region to delete or None).
EDITS = [
    (0, "troop reduction", "Claim", "border market", "troop reduction"),
    (1, "normalisation", "Claim", "alliance", None),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Send Claimdesk's Label Studio export through Label Studio and keep what it"
        " writes back (the interop test fixtures).",
    )
    parser.add_argument(
        "--ls-venv",
        type=Path,
        default=Path("/tmp/lsvenv"),
        help="venv with label-studio (and playwright for the editor step); default /tmp/lsvenv",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the fixtures")
    parser.add_argument("--port", type=int, default=8089, help="port on 127.0.0.1 (default 8089)")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="Chromium executable")
    parser.add_argument(
        "--api-edits",
        action="store_true",
        help="make the edits through the REST API instead of the web editor",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (server log, screenshots)"
    )
    parser.add_argument("--editor-step", help=argparse.SUPPRESS)  # run inside the LS venv
    args = parser.parse_args(argv)
    if args.editor_step:
        return editor_step(json.loads(args.editor_step))
    return regenerate(args)


# --- the REST API -------------------------------------------------------------------------------


class Api:
    def __init__(self, port: int) -> None:
        self.base = f"http://{HOST}:{port}"

    def call(self, method: str, url: str, body: Any = None) -> Any:
        request = urllib.request.Request(
            self.base + url,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Token {USER_TOKEN}", "Content-Type": "application/json"},
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                data = response.read()
        except urllib.error.HTTPError as exc:
            raise SystemExit(f"{method} {url}: {exc.code} {exc.read()[:500]!r}") from None
        return json.loads(data) if data else None


# --- the server ---------------------------------------------------------------------------------


def start_server(venv: Path, port: int, data: Path, log: Path) -> subprocess.Popen[bytes]:
    with socket.socket() as probe:  # Label Studio would quietly move to another port
        if probe.connect_ex((HOST, port)) == 0:
            raise SystemExit(f"port {port} on {HOST} is already in use")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LABEL_STUDIO_", "DJANGO_")) and key not in ("PYTHONPATH",)
    }
    env.update(
        LABEL_STUDIO_BASE_DATA_DIR=str(data),
        LATEST_VERSION_CHECK="false",  # no call to PyPI
        COLLECT_ANALYTICS="false",
        SENTRY_DSN="",
        FRONTEND_SENTRY_DSN="",
    )
    command = [
        str(venv / "bin/label-studio"),
        "start",
        "--no-browser",
        "--internal-host",
        HOST,
        "--host",
        f"http://{HOST}:{port}",
        "--port",
        str(port),
        "--username",
        USER_EMAIL,
        "--password",
        USER_PASSWORD,
        "--user-token",
        USER_TOKEN,
        "--enable-legacy-api-token",  # token auth for the REST calls
    ]
    with log.open("wb") as handle:
        server = subprocess.Popen(
            command, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"Label Studio stopped (exit {server.returncode}); see {log}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/health", timeout=5) as response:
                if response.status == 200:
                    return server
        except OSError:
            pass
        time.sleep(2)
    stop_server(server)
    raise SystemExit(f"Label Studio did not answer on port {port}; see {log}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop the server's own process group (it was started in a new session)."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=20)


# --- the run ------------------------------------------------------------------------------------


def claimdesk_export(work: Path) -> tuple[Path, Path]:
    sys.path.insert(0, str(ROOT))
    from claimdesk.core.formats.export import export_dataset
    from claimdesk.core.formats.labelstudio import config_path
    from claimdesk.core.store.project import Project
    from tests.core.formats.interop_source import build

    project_path = build(work / "interop.claimdesk")
    out = work / "claimdesk-export.json"
    with Project.open(project_path) as project:
        report = export_dataset(project, "labelstudio", out)
    if not report.verified:
        raise SystemExit("Claimdesk's export did not read back")
    return out, config_path(out)


def regenerate(args: argparse.Namespace) -> int:
    venv: Path = args.ls_venv.resolve()
    if not (venv / "bin/label-studio").exists():
        raise SystemExit(f"no label-studio in {venv}")
    work = Path(tempfile.mkdtemp(prefix="claimdesk-ls-"))
    server = None
    try:
        export, config = claimdesk_export(work)
        server = start_server(venv, args.port, work / "ls-data", work / "server.log")
        api = Api(args.port)
        version = api.call("GET", "/api/version").get("release", "?")
        print(f"Label Studio {version} on {HOST}:{args.port}")
        project = api.call(
            "POST",
            "/api/projects",
            {"title": "Claimdesk interop", "label_config": config.read_text(encoding="utf-8")},
        )
        pid = project["id"]
        tasks = json.loads(export.read_text(encoding="utf-8"))
        print("import:", api.call("POST", f"/api/projects/{pid}/import", tasks))
        returned_config = api.call("GET", f"/api/projects/{pid}")["label_config"]
        untouched = api.call("GET", f"/api/projects/{pid}/export?exportType=JSON")
        task_ids = [task["id"] for task in untouched]
        if args.api_edits:
            done = api_edits(api, untouched)
        else:
            step = {
                "port": args.port,
                "project": pid,
                "tasks": task_ids,
                "chromium": args.chromium,
                "shots": str(work),
            }
            result = subprocess.run(
                [str(venv / "bin/python"), __file__, "--editor-step", json.dumps(step)],
                check=False,
                capture_output=True,
                text=True,
            )
            sys.stderr.write(result.stderr[-4000:])
            if result.returncode:
                raise SystemExit("the editor step failed (see above); --api-edits avoids it")
            done = json.loads(result.stdout.strip().splitlines()[-1])
        for line in done:
            print("edited:", line)
        edited = api.call("GET", f"/api/projects/{pid}/export?exportType=JSON")

        out: Path = args.out
        out.mkdir(parents=True, exist_ok=True)
        write_json(out / "untouched.json", untouched)
        write_json(out / "edited.json", edited)
        (out / "labeling-config.xml").write_text(returned_config, encoding="utf-8")
        write_json(out / "claimdesk-export.json", tasks)
        shutil.copyfile(config, out / "claimdesk-export.labeling-config.xml")
        print(f"fixtures written to {out}")
        return 0
    finally:
        if server is not None:
            stop_server(server)
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def api_edits(api: Api, tasks: list[dict[str, Any]]) -> list[str]:
    """The editor's edits made as PATCHes of whole results (what the editor's Update sends)."""
    done = []
    for position, marker, label, words, delete in EDITS:
        task = tasks[position]
        text = task["data"]["text"]
        annotation = next(
            a for a in task["annotations"] if any(r["value"]["text"] == marker for r in a["result"])
        )
        result = [r for r in annotation["result"] if r["value"]["text"] != delete]
        start = text.index(words)
        result.append(
            {
                "id": f"api{position}{len(result)}",
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "origin": "manual",
                "value": {"start": start, "end": start + len(words), "text": words,
                          "labels": [label]},
            }
        )  # fmt: skip
        api.call("PATCH", f"/api/annotations/{annotation['id']}", {"result": result})
        done.append(
            f"annotation {annotation['id']}: +{words!r}" + (f" -{delete!r}" if delete else "")
        )
    return done


# --- the editor (runs with the Label Studio venv's Python, which has playwright) ----------------

# Rectangles of the first and last character of the n-th occurrence of some words in the text
# Label Studio shows, so the mouse can select them as a user would.
CHAR_RECTS_JS = """([words, occurrence]) => {
  const root = document.querySelector('.lsf-richtext__container');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = []; let text = '';
  while (walker.nextNode()) {
    nodes.push([walker.currentNode, text.length]);
    text += walker.currentNode.data;
  }
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = text.indexOf(words, at + 1);
  if (at < 0) return null;
  const rect = (k) => {
    for (const [node, offset] of nodes) {
      if (k >= offset && k < offset + node.data.length) {
        const range = document.createRange();
        range.setStart(node, k - offset); range.setEnd(node, k - offset + 1);
        const box = range.getBoundingClientRect();
        return {x: box.x, y: box.y, w: box.width, h: box.height};
      }
    }
  };
  return {first: rect(at), last: rect(at + words.length - 1)};
}"""
REGIONS_JS = """() => window.Htx.annotationStore.selected.regions.map(
  r => ({id: r.id, start: r.startOffset, end: r.endOffset, text: r.text}))"""


def editor_step(step: dict[str, Any]) -> int:
    from playwright.sync_api import sync_playwright

    base = f"http://{HOST}:{step['port']}"
    shots = Path(step["shots"])
    done = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=step["chromium"], args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/user/login/")
            page.fill("input[name=email]", USER_EMAIL)
            page.fill("input[name=password]", USER_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            for position, marker, label, words, delete in EDITS:
                task = step["tasks"][position]
                page.goto(f"{base}/projects/{step['project']}/data?task={task}")
                page.wait_for_selector(".lsf-richtext__container .htx-highlight")
                pick_annotation(page, marker)
                pk = page.evaluate("() => window.Htx.annotationStore.selected.pk")
                before = {r["id"] for r in page.evaluate(REGIONS_JS)}
                page.locator(".lsf-label", has_text=label).first.click()
                select_words(page, words)
                page.wait_for_timeout(500)
                added = [r for r in page.evaluate(REGIONS_JS) if r["id"] not in before]
                if [r["text"] for r in added] != [words]:
                    raise SystemExit(f"task {task}: selecting {words!r} made {added}")
                if delete:
                    page.locator(
                        ".lsf-richtext__container .htx-highlight", has_text=delete
                    ).first.click()
                    page.wait_for_timeout(300)
                    page.keyboard.press("Backspace")  # the editor's "delete region" key
                    page.wait_for_timeout(300)
                    if any(r["text"] == delete for r in page.evaluate(REGIONS_JS)):
                        raise SystemExit(f"task {task}: {delete!r} was not deleted")
                page.screenshot(path=str(shots / f"task-{task}-edited.png"))
                with page.expect_response(
                    lambda r, pk=pk: (
                        f"/api/annotations/{pk}" in r.url and r.request.method == "PATCH"
                    )
                ) as saved:
                    page.locator(
                        "button", has_text=re.compile(r"^\s*(Update|Submit)\s*$")
                    ).first.click()
                if saved.value.status != 200:
                    raise SystemExit(f"task {task}: Update answered {saved.value.status}")
                done.append(
                    f"task {task}, annotation {pk}: +{label} {words!r} at"
                    f" {added[0]['start']}-{added[0]['end']}" + (f", -{delete!r}" if delete else "")
                )
        finally:
            browser.close()
    print(json.dumps(done))
    return 0


def pick_annotation(page: Any, marker: str) -> None:
    """Open the annotation tab (one per annotation, newest first) that shows ``marker``."""
    tabs = page.locator(".lsf-annotation-button")
    for n in range(tabs.count()):
        tabs.nth(n).click()
        page.wait_for_timeout(500)
        if any(r["text"] == marker for r in page.evaluate(REGIONS_JS)):
            return
    raise SystemExit(f"no annotation shows {marker!r}")


def select_words(page: Any, words: str) -> None:
    """Drag the mouse from the first character of ``words`` to its last one."""
    rects = page.evaluate(CHAR_RECTS_JS, [words, 0])
    if rects is None:
        raise SystemExit(f"{words!r} is not in the text shown")
    first, last = rects["first"], rects["last"]
    page.mouse.move(first["x"] + 1, first["y"] + first["h"] / 2)
    page.mouse.down()
    page.mouse.move(last["x"] + last["w"] / 2, last["y"] + last["h"] / 2, steps=8)
    page.mouse.move(last["x"] + last["w"] - 1, last["y"] + last["h"] / 2, steps=2)
    page.mouse.up()


if __name__ == "__main__":
    sys.exit(main())
