"""Regular expressions that say in the schema what the domain checks deeper in (msgspec enforces them).

Each accepts everything the domain accepts, so a request the domain takes is never refused here; what
they take out is only what the domain would refuse anyway (a 422 either way, now an earlier one).
They are written without nested ambiguity, so matching stays linear on long input, and without
lookarounds or `\\s`: JSON Schema reads patterns as ECMA-262, whose `\\s` is not Python's, so the
whitespace `str.strip()` strips is spelled out.
"""

from __future__ import annotations

# str.isspace(): what str.strip() strips (tests/unit/test_request_patterns.py checks every code point).
WS = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Whitespace that is no control character.
SPACE = r"\t\n\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# The control characters the domain refuses in text: Unicode Cc but tab and line breaks.
CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# What text fields have always refused anywhere, edges included: C0 controls (but tab, line breaks) and DEL.
C0 = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"

UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
NOT_BLANK = rf"[^{WS}]"


def stripped_text(min_core: int, *, c0_free_edges: bool = True) -> str:
    """Text the domain strips of surrounding space and then checks (`clean_text`): the rest has no
    control character and at least `min_core` characters (0, 1 or 2 here: a longer minimum is left to
    minLength). `c0_free_edges` keeps the older rule that C0 controls are refused in the edges too."""
    edge = rf"[{SPACE}\x85]" if c0_free_edges else rf"[{WS}]"
    char, space = rf"[^{WS}{CONTROL}]", rf"[{SPACE}]"
    if min_core <= 0:
        return rf"^{edge}*(?:{char}(?:{space}*{char})*{edge}*)?$"
    repeat = "*" if min_core == 1 else "+"
    return rf"^{edge}*{char}(?:{space}*{char}){repeat}{edge}*$"


# Markdown is kept as written: not blank, no C0 control but tab and line breaks (C1 is allowed there).
MARKDOWN = rf"^[{SPACE}\x85]*[^{WS}{C0}][^{C0}]*$"
# A link the domain takes (`check_link`): a path on this site ("/", or "/x" but never "//"), or an http(s) URL
# with something after "//"; no space, backslash or control character inside.
_LINK_CHAR = rf"[^{WS}\\{CONTROL}]"
LINK = rf"^[{WS}]*(?:/|/[^/{WS}\\{CONTROL}]{_LINK_CHAR}*|[hH][tT][tT][pP][sS]?://{_LINK_CHAR}+)[{WS}]*$"
# A chat client id: printable once stripped (inner spaces are plain spaces).
CLIENT_ID = rf"^[{WS}]*[^{WS}{CONTROL}](?: *[^{WS}{CONTROL}])*[{WS}]*$"
# A referral code: letters, digits, - and _ (blank means none).
REFERRAL_CODE = rf"^[{WS}]*[A-Za-z0-9_-]*[{WS}]*$"
# A bank account number: 4 to 34 digits once stripped.
ACCOUNT_NUMBER = rf"^[{WS}]*[0-9]{{4,34}}[{WS}]*$"
# A bank channel code: letters, digits and _ once stripped and upper-cased (ß, ı, ſ and the Latin ligatures
# ﬀ-ﬆ upper-case to ASCII letters, so the domain takes them too).
CHANNEL_CODE = rf"^[{WS}]*[A-Za-z0-9_\xdf\u0131\u017f\ufb00-\ufb06]+[{WS}]*$"
# An Idempotency-Key: printable ASCII, not blank; HTTP drops the spaces around a header value.
IDEMPOTENCY_KEY = r"^[!-~](?:[ -~]*[!-~])?$"
# A new account's email, as `normalise_email` checks it: no label starts or ends with a hyphen.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
NEW_EMAIL = rf"^[^@{WS}\x00-\x1f\x7f]{{1,64}}@{_LABEL}(?:\.{_LABEL})+$"
PLACEMENT = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
COMMISSION_STATUS = r"^(?:pending|approved|paid|void)?$"

# What a value that does not match says, in the domain's words (problems.py shows it).
MESSAGES = {
    UUID: "is not an id",
    **{stripped_text(0, c0_free_edges=edges): "must not contain control characters" for edges in (True, False)},
    **{
        stripped_text(1, c0_free_edges=edges): "must not be blank or contain control characters"
        for edges in (True, False)
    },
    stripped_text(2): "needs at least 2 characters besides the space around them, and no control characters",
    MARKDOWN: "must not be blank or contain control characters",
    LINK: "must be an http(s) URL or a path on this site starting with a single /, with no spaces, backslashes "
    "or control characters",
    CLIENT_ID: "must be 1 to 64 printable characters",
    REFERRAL_CODE: "up to 64 letters, digits, - and _",
    ACCOUNT_NUMBER: "must be 4 to 34 digits",
    CHANNEL_CODE: "must be a channel code such as ID_BCA",
    NEW_EMAIL: "is not a valid email address",
    PLACEMENT: "must be lower-case letters and digits joined by - or _, at most 40",
    COMMISSION_STATUS: "must be pending, approved, paid or void",
}


def explain(error: str) -> str | None:
    """The message for msgspec's "Expected `str` matching regex '...'" about one of these patterns."""
    return next((message for pattern, message in MESSAGES.items() if f"matching regex {pattern!r}" in error), None)
