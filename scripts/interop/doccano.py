"""Regenerate the doccano fixtures: Claimdesk's JSONL export sent through a real doccano.

Builds the interop project (tests/core/formats/interop_source.py), exports it with Claimdesk's
own JSONL exporter, and pushes that file through doccano 1.8.4 running on 127.0.0.1 with a
temporary database and media folder:

1. ``default-untouched.jsonl``: a sequence-labelling project with doccano's default settings
   (overlapping spans not allowed), imported and exported again;
2. ``overlap-untouched.jsonl``: the same with "allow overlapping spans" on;
3. ``overlap-edited.jsonl``: the overlapping project after spans were added and deleted in
   doccano's own web editor, driven in headless Chromium (``doccano_editor.py``, run with the
   doccano venv's Python, where Playwright is installed); ``--no-browser`` makes the same edits
   through the REST API as the editor would.

doccano exports a zip with one JSONL file per project member; the admin is the only member, so
the fixture is that file (``admin.jsonl``), byte for byte.

The doccano venv needs ``pip install doccano==1.8.4 "marshmallow<4" "numpy<2" playwright``
(doccano 1.8.4's own pins let pip pick versions it cannot start with). Run with Claimdesk's
Python::

    python scripts/interop/doccano.py --venv /tmp/dcvenv
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from claimdesk.core.formats.export import export_dataset  # noqa: E402
from claimdesk.core.store.project import Project  # noqa: E402
from tests.core.formats.interop_source import TEXTS, build  # noqa: E402

HOST = "127.0.0.1"
USER = "admin"
PASSWORD = "claimdesk-interop"  # a throw-away user in a throw-away database
OUT = ROOT / "tests" / "core" / "formats" / "data" / "interop" / "doccano"
EDITOR = Path(__file__).with_name("doccano_editor.py")

# The edits made in the overlapping project's web editor, on the line of one text (an index of
# interop_source.TEXTS) and annotator: words to select and the label to give them; words of a
# span to delete.
ADD = [
    (0, "Ben", "Heihe", "Source"),  # right after the family emoji (a ZWJ sequence)
    (1, "Ben", "alliance", "Claim"),  # after the flags 🇨🇳🇷🇺
    (0, "Ana", "200,000 men", "Evidence"),  # after the pistol and the CJK ideograph 𠀋
]
DELETE = [
    (0, "Ana", "troop reduction"),
    (1, "Ben", "normalisation"),
]


class Doccano:
    """doccano's web server and task worker on 127.0.0.1, with a database in ``home``."""

    def __init__(self, venv: Path, home: Path, port: int) -> None:
        self.venv = venv
        self.home = home
        self.port = port
        self.processes: list[subprocess.Popen[bytes]] = []
        backends = list(venv.glob("lib/python3*/site-packages/backend"))
        if not backends:
            raise SystemExit(f"{venv} holds no doccano (lib/python3*/site-packages/backend)")
        self.backend = backends[0]
        self.env = {
            **os.environ,
            "DOCCANO_HOME": str(home),
            "DATABASE_URL": f"sqlite:///{home / 'db.sqlite3'}",
            "MEDIA_ROOT": str(home / "media"),
            "STANDALONE": "True",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DEBUG": "False",
        }

    def __enter__(self) -> Doccano:
        self.home.mkdir(parents=True, exist_ok=True)
        doccano = str(self.venv / "bin" / "doccano")
        self._run([doccano, "init"], "init")
        self._run([doccano, "createuser", "--username", USER, "--password", PASSWORD], "user")
        try:
            # `doccano webserver` binds 0.0.0.0: start its gunicorn app on 127.0.0.1 instead.
            self._start(
                [
                    str(self.venv / "bin" / "gunicorn"),
                    f"--bind={HOST}:{self.port}",
                    "--workers=1",
                    "--threads=4",
                    f"--chdir={self.backend}",
                    "config.wsgi",
                ],
                "web",
            )
            # `doccano task`: the celery worker that runs imports and exports.
            self._start(
                [
                    str(self.venv / "bin" / "celery"),
                    "--app=config",
                    f"--workdir={self.backend}",
                    "worker",
                    "--loglevel=info",
                    "--concurrency=1",
                    "--pool=solo",
                ],
                "task",
            )
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def _run(self, argv: list[str], name: str) -> None:
        with (self.home / f"{name}.log").open("wb") as log:
            done = subprocess.run(argv, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        if done.returncode:
            raise SystemExit(f"doccano {name} failed; see {self.home / f'{name}.log'}")

    def _start(self, argv: list[str], name: str) -> None:
        log = (self.home / f"{name}.log").open("wb")
        self.processes.append(
            subprocess.Popen(
                argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        )

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise SystemExit(f"doccano stopped at start; see the logs in {self.home}")
            try:
                with urllib.request.urlopen(f"{self.url}/v1/health/?format=json", timeout=5) as r:
                    health = json.load(r)
                if all(value == "OK" for value in health.values()):
                    return
            except (OSError, ValueError):
                pass
            time.sleep(1)
        raise SystemExit(f"doccano did not answer on {self.url}; see the logs in {self.home}")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()


class Client:
    """doccano's REST API with a session, as its web client uses it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _csrf(self) -> str:
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "") or ""

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        data: bytes | None = None,
        content_type: str = "application/json",
    ) -> bytes:
        if body is not None:
            data = json.dumps(body).encode()
        headers = {"X-CSRFToken": self._csrf(), "Referer": self.url + "/"}
        if data is not None:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.url + path, data, headers, method=method)
        try:
            with self.opener.open(request, timeout=60) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            raise SystemExit(f"{method} {path}: {exc.code} {exc.read()[:500]!r}") from None

    def json(self, method: str, path: str, body: Any = None) -> Any:
        answer = self.request(method, path, body)
        return json.loads(answer) if answer else None

    def login(self) -> None:
        self.request("GET", "/auth")  # sets the CSRF cookie
        self.json("POST", "/v1/auth/login/", {"username": USER, "password": PASSWORD})

    def create_project(self, name: str, allow_overlapping: bool) -> int:
        project = self.json(
            "POST",
            "/v1/projects",
            {
                "name": name,
                "description": "Claimdesk interop fixture",
                "project_type": "SequenceLabeling",
                "resourcetype": "SequenceLabelingProject",
                "guideline": "",
                "random_order": False,
                "collaborative_annotation": False,
                "allow_overlapping": allow_overlapping,
                "grapheme_mode": False,
                "use_relation": False,
                "tags": [],
            },
        )
        return int(project["id"])

    def wait(self, task_id: str) -> Any:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            status = self.json("GET", f"/v1/tasks/status/{task_id}")
            if status["ready"]:
                if status["error"]:
                    raise SystemExit(f"doccano task failed: {status['error']}")
                return status["result"]
            time.sleep(1)
        raise SystemExit(f"doccano task {task_id} did not finish")

    def upload(self, project: int, path: Path) -> None:
        """The upload page's steps: filepond sends the file, then the import is started."""
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="filepond"\r\n\r\n'
            "{}\r\n".encode()
        )
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="filepond";'
            f' filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        )
        body.write(path.read_bytes())
        body.write(f"\r\n--{boundary}--\r\n".encode())
        upload_id = self.request(
            "POST",
            "/v1/fp/process/",
            data=body.getvalue(),
            content_type=f"multipart/form-data; boundary={boundary}",
        ).decode()
        task = self.json(
            "POST",
            f"/v1/projects/{project}/upload",
            {
                "format": "JSONL",
                "task": "SequenceLabeling",
                "uploadIds": [upload_id],
                "column_data": "text",
                "column_label": "label",
                "delimiter": "",
                "encoding": "utf_8",
            },
        )
        result = self.wait(task["task_id"])
        if result and result.get("error"):
            raise SystemExit(f"doccano refused {path.name}: {result['error']}")

    def export(self, project: int) -> dict[str, bytes]:
        """The files of doccano's JSONL export (a zip of one file per member)."""
        task = self.json(
            "POST", f"/v1/projects/{project}/download", {"format": "JSONL", "exportApproved": False}
        )
        self.wait(task["task_id"])
        archive = self.request("GET", f"/v1/projects/{project}/download?taskId={task['task_id']}")
        with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
            return {name: zipped.read(name) for name in zipped.namelist()}

    def examples(self, project: int) -> list[dict[str, Any]]:
        answer = self.json("GET", f"/v1/projects/{project}/examples?limit=100&offset=0")
        return list(answer["results"])

    def spans(self, project: int, example: int) -> list[dict[str, Any]]:
        return list(self.json("GET", f"/v1/projects/{project}/examples/{example}/spans"))

    def span_types(self, project: int) -> dict[str, int]:
        types = self.json("GET", f"/v1/projects/{project}/span-types")
        return {t["text"]: t["id"] for t in types}


def members_file(files: dict[str, bytes]) -> bytes:
    if list(files) != [f"{USER}.jsonl"]:
        raise SystemExit(f"doccano's export held {sorted(files)}, not only {USER}.jsonl")
    return files[f"{USER}.jsonl"]


def plan_edits(client: Client, project: int, lines: list[dict[str, Any]]) -> dict[str, Any]:
    """What to do in the editor: doccano example ids and the words to select or delete."""
    examples = client.examples(project)
    # Examples keep the order of the file's lines (doccano numbers them as it reads).
    examples.sort(key=lambda e: e["id"])
    if [e["text"] for e in examples] != [line["text"] for line in lines]:
        raise SystemExit("doccano's examples do not follow the lines of the file")

    def line_of(document: int, annotator: str) -> int:
        for index, line in enumerate(lines):
            if line["text"] == TEXTS[document] and line["annotator"] == annotator:
                return index
        raise SystemExit(f"the export has no line of {annotator} on text {document + 1}")

    add = []
    for document, annotator, words, label in ADD:
        line = line_of(document, annotator)
        text = lines[line]["text"]
        add.append(
            {
                "example": examples[line]["id"],
                "position": line + 1,  # the editor's page number
                "words": words,
                "label": label,
                "text": text,
                "start": text.index(words),
            }
        )
    delete = []
    for document, annotator, words in DELETE:
        line = line_of(document, annotator)
        text = lines[line]["text"]
        start = text.index(words)
        found = [
            s
            for s in client.spans(project, examples[line]["id"])
            if s["start_offset"] == start and s["end_offset"] == start + len(words)
        ]
        if len(found) != 1:
            raise SystemExit(f"no single span on {words!r} in doccano's example {line + 1}")
        delete.append(
            {
                "example": examples[line]["id"],
                "position": line + 1,
                "words": words,
                "text": text,
                "start": start,
                "span": found[0]["id"],
            }
        )
    name = client.json("GET", f"/v1/projects/{project}")["name"]
    return {"project": project, "name": name, "add": add, "delete": delete}


def edit_in_browser(venv: Path, url: str, plan: dict[str, Any], shots: Path) -> dict[str, Any]:
    """Make the planned edits in doccano's web editor (headless Chromium, Playwright)."""
    job = {"url": url, "username": USER, "password": PASSWORD, "shots": str(shots), **plan}
    done = subprocess.run(
        [str(venv / "bin" / "python"), str(EDITOR)],
        input=json.dumps(job).encode(),
        capture_output=True,
        timeout=900,
    )
    sys.stderr.write(done.stderr.decode(errors="replace"))
    if done.returncode:
        raise SystemExit("the web editor could not be driven (see above); try --no-browser")
    return dict(json.loads(done.stdout))


def edit_through_api(client: Client, plan: dict[str, Any]) -> dict[str, Any]:
    """The same edits through the REST calls the editor makes.

    The editor sends JavaScript string indices (UTF-16 code units) of the selection, so that is
    what is sent here too.
    """
    types = client.span_types(plan["project"])
    project = plan["project"]
    added = []
    for item in plan["add"]:
        text, start = item["text"], item["start"]
        end = start + len(item["words"])
        units = list(_utf16(text, start, end))
        stored = client.json(
            "POST",
            f"/v1/projects/{project}/examples/{item['example']}/spans",
            {"start_offset": units[0], "end_offset": units[1], "label": types[item["label"]]},
        )
        added.append(
            {
                "words": item["words"],
                "label": item["label"],
                "position": item["position"],
                "code_points": [start, end],
                "utf16_units": units,
                "stored": [stored["start_offset"], stored["end_offset"]],
                "id": stored["id"],
            }
        )
    for item in plan["delete"]:
        client.request(
            "DELETE", f"/v1/projects/{project}/examples/{item['example']}/spans/{item['span']}"
        )
    return {"how": "REST API, as the editor would", "added": added, "deleted": plan["delete"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, required=True, help="the venv doccano 1.8.4 is in")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default {OUT})")
    parser.add_argument("--port", type=int, default=8091, help="doccano's port (default 8091)")
    parser.add_argument(
        "--no-browser",
        action="store_true",
        help="make the edits through the REST API instead of the web editor",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the temporary folder (doccano's database and logs, the editor's screenshots)",
    )
    args = parser.parse_args(argv)
    venv = args.venv.resolve()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix="claimdesk-doccano-"))
    try:
        # Built from inside the folder, so the documents' source is the seed file's bare name
        # and the fixtures come out the same on every run.
        with contextlib.chdir(temp):
            project_path = temp / build(Path("interop.claimdesk"))
        export = temp / "claimdesk.jsonl"
        with Project.open(project_path) as project:
            export_dataset(project, "jsonl", export)
        lines = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
        with Doccano(venv, temp / "doccano", args.port) as server:
            client = Client(server.url)
            client.login()
            made: dict[str, bytes] = {}
            default = client.create_project("Claimdesk default", allow_overlapping=False)
            client.upload(default, export)
            made["default-untouched.jsonl"] = members_file(client.export(default))

            overlap = client.create_project("Claimdesk overlapping", allow_overlapping=True)
            client.upload(overlap, export)
            made["overlap-untouched.jsonl"] = members_file(client.export(overlap))

            plan = plan_edits(client, overlap, lines)
            if args.no_browser:
                done = edit_through_api(client, plan)
            else:
                done = edit_in_browser(venv, server.url, plan, temp / "shots")
            made["overlap-edited.jsonl"] = members_file(client.export(overlap))
        for name, data in made.items():
            (out / name).write_bytes(data)
            print(f"wrote {out / name} ({len(data)} bytes)")
        for item in done.get("added", []):
            print(
                f"made {item['words']!r} ({done['how']}; example {item['position']}): code points"
                f" {item['code_points']}, UTF-16 units {item['utf16_units']};"
                f" doccano stored {item['stored']}"
            )
        print(json.dumps(done, ensure_ascii=False))
    finally:
        if args.keep:
            print(f"kept {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)
    return 0


def _utf16(text: str, start: int, end: int) -> tuple[int, int]:
    def units(index: int) -> int:
        return len(text[:index].encode("utf-16-le")) // 2

    return units(start), units(end)


if __name__ == "__main__":
    raise SystemExit(main())
