"""Password strength by zxcvbn (Dropbox's estimator): common, patterned and personal passwords are weak."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

from zxcvbn import zxcvbn

# zxcvbn's own limit: past it the estimate costs seconds and adds nothing (72 random characters are
# far beyond any guessing), so only the first 72 characters are judged.
JUDGED_LENGTH = 72
# zxcvbn keeps the user inputs of the check in progress in a module-level dictionary: one at a time.
_ONE_AT_A_TIME = threading.Lock()


class ZxcvbnPasswordPolicy:
    def __init__(self, min_score: int = 2) -> None:
        self._min_score = min_score  # 2: "somewhat guessable", over a million guesses

    async def weakness(self, password: str, user_inputs: Sequence[str]) -> str | None:
        return await asyncio.to_thread(self._weakness, password[:JUDGED_LENGTH], [i for i in user_inputs if i])

    def _weakness(self, password: str, user_inputs: list[str]) -> str | None:
        with _ONE_AT_A_TIME:
            result = zxcvbn(password, user_inputs=user_inputs, max_length=JUDGED_LENGTH)
        return None if result["score"] >= self._min_score else _explain(result)


def _explain(result: dict[str, Any]) -> str:
    feedback = result["feedback"]
    reasons = [feedback["warning"]] if feedback["warning"] else []
    if any(match.get("dictionary_name") == "user_inputs" for match in result["sequence"]):
        reasons.append("It is made of your own name or email address.")
    reasons += feedback["suggestions"] or ["Add another word or two. Uncommon words are better."]
    return "is too easy to guess. " + " ".join(reasons)
