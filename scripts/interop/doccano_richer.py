"""Send Claimdesk's JSONL export of relations and document labels through a real doccano 1.8.4
and keep what it writes back (tests/core/formats/data/interop/doccano-richer/).

    .venv/bin/python scripts/interop/doccano_richer.py --venv /tmp/dcvenv [--port 8091]

Exports the source of tests/core/formats/richer_source.py with Claimdesk's JSONL exporter, then,
in doccano on 127.0.0.1 with a temporary database (see doccano.py for the venv):

1. ``relations-untouched.jsonl``: a sequence labeling project with relations and overlapping
   spans allowed ("Sequence labeling" + "Use relation labeling"), the file imported as its
   relation format and exported again;
2. ``cats-untouched.jsonl``: an "Intent detection and slot filling" project (spans and
   categories), the same file imported and exported again.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from doccano import Client, Doccano, members_file  # noqa: E402

OUT = ROOT / "tests" / "core" / "formats" / "data" / "interop" / "doccano-richer"


class RicherClient(Client):
    def create(self, name: str, kind: str, **settings: Any) -> int:
        project = self.json(
            "POST",
            "/v1/projects",
            {
                "name": name,
                "description": "Claimdesk interop fixture",
                "project_type": kind,
                "resourcetype": f"{kind}Project",
                "guideline": "",
                "random_order": False,
                "collaborative_annotation": False,
                "tags": [],
                **settings,
            },
        )
        return int(project["id"])

    def upload_as(self, project: int, path: Path, task: str) -> None:
        """As Client.upload, with the import format (task) doccano's upload page offers."""
        original = self.json

        def json_with_task(method: str, url: str, body: Any = None) -> Any:
            if isinstance(body, dict) and body.get("task") == "SequenceLabeling":
                body = {**body, "task": task}
            return original(method, url, body)

        self.json = json_with_task  # type: ignore[method-assign]
        try:
            self.upload(project, path)
        finally:
            self.json = original  # type: ignore[method-assign]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--port", type=int, default=8091)
    args = parser.parse_args()
    from claimdesk.core.formats import jsonl
    from tests.core.formats.richer_source import source

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix="claimdesk-doccano-richer-"))
    try:
        export = temp / "claimdesk.jsonl"
        report = jsonl.export(source(), export)
        if not report.verified:
            raise SystemExit("Claimdesk's export did not read back")
        shutil.copyfile(export, out / "claimdesk-export.jsonl")
        shutil.copyfile(jsonl.scheme_path(export), out / "claimdesk-export.scheme.json")
        with Doccano(args.venv.resolve(), temp / "doccano", args.port) as server:
            client = RicherClient(server.url)
            client.login()
            made: dict[str, bytes] = {}
            relations = client.create(
                "Claimdesk relations",
                "SequenceLabeling",
                allow_overlapping=True,
                grapheme_mode=False,
                use_relation=True,
            )
            client.upload_as(relations, export, "RelationExtraction")
            made["relations-untouched.jsonl"] = members_file(client.export(relations))
            cats = client.create(
                "Claimdesk categories", "IntentDetectionAndSlotFilling", allow_overlapping=True
            )
            client.upload_as(cats, export, "IntentDetectionAndSlotFilling")
            made["cats-untouched.jsonl"] = members_file(client.export(cats))
        for name, data in made.items():
            (out / name).write_bytes(data)
            print(f"wrote {out / name} ({len(data)} bytes)")
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
