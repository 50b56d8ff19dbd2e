"""Send Claimdesk's Label Studio export of attributes, relations and document labels through Label
Studio and keep what it writes back (tests/core/formats/data/interop/labelstudio-richer/).

    .venv/bin/python scripts/interop/labelstudio_richer.py --ls-venv /tmp/lsvenv [--port 8089]

Exports the source of tests/core/formats/richer_source.py, checks every annotation with Label
Studio's own validator (``label_studio_sdk.label_interface.LabelInterface``, run in the Label
Studio venv), starts Label Studio on 127.0.0.1 with a throw-away data folder, creates a project
with the labeling config Claimdesk wrote, imports the tasks and saves the project's JSON export
and its config as Label Studio returns them. Nothing needs the internet; the server is stopped
at the end, also on failure.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from labelstudio import HOST, Api, start_server, stop_server, write_json  # noqa: E402

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ls-venv", type=Path, default=Path("/tmp/lsvenv"))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--port", type=int, default=8089)
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
        out: Path = args.out
        out.mkdir(parents=True, exist_ok=True)
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
