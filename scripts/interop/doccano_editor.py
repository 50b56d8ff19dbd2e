"""Make spans and delete spans in doccano's web editor as a person would, in headless Chromium.

Run by ``doccano.py`` with the doccano venv's Python (Playwright is installed there, not in
Claimdesk's environment). Reads a job as JSON on stdin (the server, the user, the project, the
spans to add and delete) and prints what it did as JSON on stdout.

Adding: drag the mouse across the words in the editor's SVG text, then click the label in the
menu doccano opens. Deleting: right-click the span's label under the text (doccano's editor
deletes a span on its context menu). doccano's editor lays its text out by JavaScript string
indices (UTF-16 code units), so the words are found on screen by those indices.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The on-screen box of UTF-16 units [start, end) of the document, from the editor's SVG lines
# (each <text> has the id "start:end" of the units it shows).
BOX = """([start, end]) => {
  for (const text of document.querySelectorAll('#container svg text[id]')) {
    const [from, to] = text.id.split(':').map(Number);
    if (start >= from && end <= to) {
      const node = text.firstChild;
      const range = document.createRange();
      range.setStart(node, start - from);
      range.setEnd(node, end - from);
      const box = range.getBoundingClientRect();
      return {x: box.x, y: box.y, width: box.width, height: box.height, line: text.id};
    }
  }
  return null;
}"""

# The label marks under the text: where each is, and the x range of its underline.
MARKS = """() => Array.from(document.querySelectorAll('#container g[style*="cursor"]')).map(g => {
  const box = g.getBoundingClientRect();
  const line = g.parentElement.querySelector('line');
  const lineBox = line ? line.getBoundingClientRect() : null;
  return {x: box.x, y: box.y, width: box.width, height: box.height,
          label: g.textContent.trim(),
          lineX1: lineBox ? lineBox.x : null, lineX2: lineBox ? lineBox.x + lineBox.width : null,
          lineY: lineBox ? lineBox.y : null};
})"""


def units(text: str, index: int) -> int:
    """UTF-16 code units before code point ``index``."""
    return len(text[:index].encode("utf-16-le")) // 2


NEXT = "button:visible:has(svg path[d^='M8.59,16.58'])"  # the pager's chevrons
PREVIOUS = "button:visible:has(svg path[d^='M15.41,16.58'])"


def open_example(page: Page, url: str, job: dict[str, Any], item: dict[str, Any]) -> None:
    """Open the annotation page of the item's example, as a person would: Start Annotation on
    the project's page (doccano reopens the page last seen), then the pager's chevrons until
    that example's spans are loaded."""
    page.goto(f"{url}/projects/{job['project']}", wait_until="networkidle")
    page.locator("header").get_by_text(job["name"]).wait_for()  # the project is loaded
    wanted = f"/examples/{item['example']}/spans"
    with page.expect_response(lambda r: "/spans" in r.url) as answer:
        page.get_by_text("Start Annotation").click()
    for _ in range(10):
        if wanted in answer.value.url:
            break
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        pager = page.get_by_text(re.compile(r"^\s*\d+ of \d+\s*$")).first.text_content() or ""
        shown = int(pager.split()[0])
        with page.expect_response(lambda r: "/spans" in r.url) as answer:
            page.locator(NEXT if shown < item["position"] else PREVIOUS).first.click()
    if wanted not in answer.value.url:
        raise SystemExit(f"the pager did not reach example {item['example']}")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)


def add_span(page: Page, item: dict[str, Any], shots: Path) -> dict[str, Any]:
    text = item["text"]
    start, end = item["start"], item["start"] + len(item["words"])
    box = page.evaluate(BOX, [units(text, start), units(text, end)])
    if box is None:
        raise SystemExit(f"{item['words']!r} is not on one line of the editor")
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 1, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, y, steps=5)
    page.mouse.move(box["x"] + box["width"] - 1, y, steps=5)
    page.mouse.up()
    menu = page.locator(".v-menu__content.menuable__content__active")
    menu.wait_for()
    page.screenshot(path=str(shots / f"add-{item['position']}-menu.png"))
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/spans")
    ) as answer:
        menu.get_by_text(item["label"], exact=True).first.click()
    stored = answer.value.json()
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / f"add-{item['position']}-done.png"))
    return {
        "words": item["words"],
        "label": item["label"],
        "position": item["position"],
        "code_points": [start, end],
        "utf16_units": [units(text, start), units(text, end)],
        "stored": [stored["start_offset"], stored["end_offset"]],
        "id": stored["id"],
    }


def delete_span(page: Page, item: dict[str, Any], shots: Path) -> dict[str, Any]:
    """Right-click the label of the span doccano holds at code points [start, end).

    The editor draws a stored offset as a UTF-16 index, so a span imported from a file in code
    points is drawn where those numbers fall as UTF-16 units; that is where its mark is.
    """
    text = item["text"]
    start, end = item["start"], item["start"] + len(item["words"])
    drawn = page.evaluate(BOX, [start, end])
    if drawn is None:
        raise SystemExit(f"the span on {item['words']!r} is not drawn on one line")
    marks = [
        m
        for m in page.evaluate(MARKS)
        if m["lineX1"] is not None
        and abs(m["lineX1"] - drawn["x"]) < 4
        and abs(m["lineX2"] - (drawn["x"] + drawn["width"])) < 4
        and abs(m["lineY"] - (drawn["y"] + drawn["height"])) < 30
    ]
    if len(marks) != 1:
        page.screenshot(path=str(shots / f"delete-{item['position']}-lost.png"))
        raise SystemExit(f"found {len(marks)} marks for {item['words']!r}: {marks}")
    mark = marks[0]
    with page.expect_response(lambda r: r.request.method == "DELETE") as answer:
        page.mouse.click(
            mark["x"] + mark["width"] / 2, mark["y"] + mark["height"] / 2, button="right"
        )
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / f"delete-{item['position']}-done.png"))
    return {
        "words": item["words"],
        "position": item["position"],
        "status": answer.value.status,
        "drawn_at": text[_points(text, start) : _points(text, end)],
    }


def _points(text: str, unit: int) -> int:
    """The code point index at UTF-16 unit ``unit`` (or just before it)."""
    count = 0
    for index, char in enumerate(text):
        if count >= unit:
            return index
        count += 2 if ord(char) > 0xFFFF else 1
    return len(text)


def main() -> int:
    job = json.load(sys.stdin)
    shots = Path(job["shots"])
    shots.mkdir(parents=True, exist_ok=True)
    done: dict[str, Any] = {"how": "web editor (headless Chromium)", "added": [], "deleted": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            # Everything stays on this machine (the page asks for YouTube's API, unused here).
            page.route(lambda u: not u.startswith(job["url"]), lambda route: route.abort())
            page.goto(f"{job['url']}/auth")
            page.get_by_label("Username").fill(job["username"])
            page.get_by_label("Password").fill(job["password"])
            page.get_by_label("Password").press("Enter")
            page.wait_for_url("**/projects")
            for item in job["delete"]:
                open_example(page, job["url"], job, item)
                done["deleted"].append(delete_span(page, item, shots))
            for item in job["add"]:
                open_example(page, job["url"], job, item)
                done["added"].append(add_span(page, item, shots))
        except BaseException:
            page.screenshot(path=str(shots / "failed.png"))
            sys.stderr.write(f"failed at {page.url}\n")
            raise
        finally:
            browser.close()
    json.dump(done, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
