"""Web debris clean-up: whole lines such as paywall counters and share buttons, dropped."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class CleanupRule:
    """A kind of web debris: a line whose stripped text fully matches `pattern` is dropped."""

    name: str
    pattern: str
    example: str

    def __post_init__(self) -> None:
        # A broken pattern should fail where the rule is defined, not in the middle of an import.
        try:
            re.compile(self.pattern, re.IGNORECASE)
        except re.error as error:
            raise ValueError(f"cleanup rule {self.name!r} has a bad pattern: {error}") from error


@dataclass(frozen=True)
class RemovedLine:
    """A line dropped by clean-up, numbered (1-based) in the normalised text."""

    line_number: int
    text: str
    rule: str


# Each pattern must match a whole line (re.fullmatch, case-insensitive, line stripped first) and be
# narrow enough that a real paragraph of an article cannot match it: the user never sees text that
# silently disappeared, only the list of removed lines.
DEFAULT_CLEANUP_RULES: tuple[CleanupRule, ...] = (
    CleanupRule(
        name="Excerpt label",
        pattern=r"(?:article|story) (?:excerpt|preview)[.:]?",
        example="Article excerpt",
    ),
    CleanupRule(
        name="Paywall counter",
        pattern=(
            r"you(?:'|’)ve read\s*(?:\d+\s*)?(?:of|out of)\s*(?:\d+\s*)?(?:your\s+)?"
            r"(?:free\s+)?(?:articles?|stories)(?:\s+this month)?[.!]?"
            r"(?:\s+subscribe(?:\s+now)?\s+to\s+(?:continue|keep reading)[.!]?)?"
            r"|you have (?:\d+|one|no) (?:more )?free (?:articles?|stories) "
            r"(?:left|remaining)(?: this month)?[.!]?"
        ),
        example="You've read\u00a0\u00a0of\u00a0\u00a0free articles. Subscribe to continue.",
    ),
    CleanupRule(
        name="Subscription prompt",
        pattern=(
            r"(?:start your subscription|subscribe now|subscribe today|become a subscriber"
            r"|become a member)(?: today)?[.!]?"
            r"|subscribe (?:now )?(?:to continue reading|to keep reading|to read more"
            r"|for (?:full|unlimited) access(?: to .{1,60})?)[.!]?"
            r"|already a subscriber\?\s*(?:log|sign) in[.!]?"
            r"|(?:log|sign) in to (?:continue|keep) reading[.!]?"
        ),
        example="Start your subscription today",
    ),
    CleanupRule(
        # Links such as "QR Code to <truncated headline>..." or "QR Code to Subscription page".
        # A real sentence ends with a full stop, so a line ending in one (not an ellipsis) is kept.
        name="QR code link",
        pattern=r"qr code (?:to|for) .{0,300}?(?:\.\.\.|…|[^\s.!?:;,\"'”’])",
        example=(
            "QR Code to Warming Up to the `Big Polar Bear'. Beijing is confident of Gorbachev's"
            " power to redirect Soviet foreign and military policies. SINO-SOVIET RAPPROCH..."
        ),
    ),
    CleanupRule(
        name="Translation link",
        pattern=r"read (?:this|the) (?:article|story) in(?: [^\W\d_]{2,20})?[.:]?",
        example="Read this article in",
    ),
    CleanupRule(
        name="Page error",
        pattern=(
            r"an (?:unknown |unexpected )?error (?:has )?occurred\.?"
            r"(?:\s+please (?:click|tap) the button below to reload the page\.?)?"
            r"(?:\s+if the problem persists,? please try again in a little while\.?)?"
            r"|(?:something went wrong|an error occurred)\.\s*please (?:try again|reload the page)"
            r"(?: later)?\.?"
        ),
        example=(
            "An unknown error has occurred. Please click the button below to reload the page."
            " If the problem persists, please try again in a little while."
        ),
    ),
    CleanupRule(
        name="Advertisement",
        pattern=(
            r"\(?(?:advertisement|advertising|sponsored content)\)?"
            r"(?:\s*[-–—:]\s*(?:scroll|continue reading) (?:down )?(?:to continue|below))?"
            r"|(?:the )?(?:story|article) continues (?:below|after)(?: (?:this|the))? "
            r"(?:advertisement|advert|ad)"
        ),
        example="Advertisement",
    ),
    CleanupRule(
        name="Skip link",
        pattern=r"skip to (?:main content|content|navigation|the article|article)",
        example="Skip to main content",
    ),
    CleanupRule(
        name="Newsletter sign-up",
        pattern=(
            r"(?:sign up|subscribe|register) (?:for|to) (?:our|the) (?:free )?"
            r"(?:daily |weekly |morning |evening |email )?newsletters?"
            r"(?:\s*(?:here|now|today))?[.!:]?"
        ),
        example="Sign up for our newsletter",
    ),
    CleanupRule(
        name="Share buttons",
        pattern=(
            r"share (?:this|the) (?:article|story|page)"
            r"(?: (?:on|via) (?:facebook|twitter|x|linkedin|whatsapp|email))?[.:]?"
            r"|share (?:on|via) (?:facebook|twitter|x|linkedin|whatsapp|email)"
        ),
        example="Share this article",
    ),
    CleanupRule(
        name="Read-more link",
        pattern=(
            r"(?:continue reading|read more|read the full (?:story|article))"
            r"(?: (?:the )?(?:main |full )?(?:story|article))?\s*(?:\.\.\.|…|→|»|>)?"
        ),
        example="Continue reading",
    ),
    CleanupRule(
        # Only the banner wording: "we use cookies" followed by what they are for on the site.
        name="Cookie notice",
        pattern=(
            r"(?:we use cookies|this (?:web)?site uses cookies)"
            r"(?: and (?:similar|other) (?:tracking )?technologies)?"
            r" (?:to|so that|for|in order to) "
            r"(?=.*\b(?:site|website|experience|browsing|personali[sz]e|analy[sz]e|traffic|ads"
            r"|advertising|content|cookie policy|privacy)\b).{1,300}"
            r"|(?:accept|reject|allow) (?:all )?cookies"
            r"|(?:manage )?cookie (?:settings|preferences|policy)"
        ),
        example=(
            "We use cookies to improve your experience on our website. By continuing to browse,"
            " you agree to our use of cookies."
        ),
    ),
)


def clean_text(
    text: str, rules: Sequence[CleanupRule] = DEFAULT_CLEANUP_RULES
) -> tuple[str, tuple[RemovedLine, ...]]:
    """Drop lines of web debris; return the text left and the lines removed.

    Kept lines are never changed. Blank lines left around a removed line shrink to a single
    paragraph break, and blank lines at either end of the result are dropped.
    """
    compiled = [(rule.name, re.compile(rule.pattern, re.IGNORECASE)) for rule in rules]
    removed: list[RemovedLine] = []
    kept: list[str] = []
    # Blank lines waiting for the next kept line; `gap` says a removal happened among them.
    pending_blank: list[str] = []
    gap = False
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            pending_blank.append(line)
            continue
        rule_name = next((name for name, rx in compiled if rx.fullmatch(stripped)), None)
        if rule_name is not None:
            removed.append(RemovedLine(line_number=number, text=line, rule=rule_name))
            gap = True
            continue
        if kept:
            kept.extend(pending_blank[:1] if gap else pending_blank)
        kept.append(line)
        pending_blank = []
        gap = False
    return "\n".join(kept), tuple(removed)
