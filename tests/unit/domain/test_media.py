"""Media rules: what each purpose accepts, sniffing by bytes, safe names, the upload lifecycle."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.media.kinds import RULES, Purpose, check_declared, clean_filename, purpose_of, sniff
from marketplace.domain.media.media import MediaObject, MediaStatus, is_staging_key, staged_media_id
from marketplace.domain.shared.errors import IllegalTransition, InvalidValue

NOW = datetime(2026, 11, 25, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 12
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 "
SHELL = b"#!/bin/sh\nrm -rf /\n"


def _png(size: int = 100, purpose: Purpose = Purpose.PRODUCT_IMAGE) -> MediaObject:
    return MediaObject.request(
        id="m1", owner_id="u1", purpose=purpose, filename="shirt.png", content_type="image/png", size=size, now=NOW
    )


@pytest.mark.parametrize(
    ("head", "kind"), [(PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp"), (SHELL, None), (b"", None)]
)
def test_the_first_bytes_tell_the_real_type(head: bytes, kind: str | None) -> None:
    assert sniff(head) == kind


@given(st.binary(max_size=64))
def test_bytes_without_an_image_signature_are_never_taken_for_an_image(data: bytes) -> None:
    kind = sniff(data)
    assert (
        kind is None
        or data[:3] == b"\xff\xd8\xff"
        or data[:8] == PNG[:8]
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
    )


@given(st.text(max_size=300))
def test_a_cleaned_file_name_never_holds_a_path(name: str) -> None:
    try:
        cleaned = clean_filename(name)
    except InvalidValue:
        return
    assert cleaned and "/" not in cleaned and "\\" not in cleaned and ".." != cleaned and len(cleaned) <= 120


def test_path_tricks_keep_only_the_last_name() -> None:
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("C:\\Users\\a\\photo 1.png") == "photo 1.png"
    with pytest.raises(InvalidValue):
        clean_filename("../")


def test_unknown_purposes_types_and_sizes_are_refused() -> None:
    with pytest.raises(InvalidValue):
        purpose_of("avatar")
    with pytest.raises(InvalidValue):
        check_declared(Purpose.PRODUCT_IMAGE, "image/gif", 10)
    for size in (0, -1, RULES[Purpose.STORE_LOGO].max_bytes + 1):
        with pytest.raises(InvalidValue):
            check_declared(Purpose.STORE_LOGO, "image/png", size)


def test_an_upload_completes_when_its_bytes_are_what_was_announced_and_moves_to_its_final_key() -> None:
    media = _png(size=100)
    assert media.key == "uploads/u1/m1/original.png" and media.status is MediaStatus.PENDING
    assert (media.final_key, media.thumbnail_target) == ("media/u1/m1/original.png", "media/u1/m1/thumbnail.webp")
    media.check_stored(100, PNG, "image/png")
    media.complete(NOW, media.thumbnail_target)
    assert media.is_ready and (media.key, media.thumbnail_key) == (
        "media/u1/m1/original.png",
        "media/u1/m1/thumbnail.webp",
    )
    assert media.stored_keys == ["uploads/u1/m1/original.png", "media/u1/m1/original.png", "media/u1/m1/thumbnail.webp"]
    with pytest.raises(IllegalTransition):
        media.complete(NOW, None)


def test_a_media_of_the_old_layout_is_already_at_its_final_key() -> None:
    media = _png(size=100)
    media.key = "media/u1/m1/original.png"
    assert (media.final_key, media.staging_key) == ("media/u1/m1/original.png", "uploads/u1/m1/original.png")
    media.complete(NOW, None)
    assert media.key == "media/u1/m1/original.png"


def test_a_staging_key_names_its_media() -> None:
    assert is_staging_key("uploads/u1/m1/original.png") and not is_staging_key("media/u1/m1/original.png")
    assert staged_media_id("uploads/u1/m1/original.png") == "m1"
    assert staged_media_id("media/u1/m1/original.png") is None and staged_media_id("uploads/u1/m1") is None


@pytest.mark.parametrize(
    ("size", "head", "stored_type"),
    [
        (100, SHELL, "image/png"),
        (100, JPEG, "image/png"),
        (0, PNG, "image/png"),
        (99, PNG, "image/png"),
        (RULES[Purpose.PRODUCT_IMAGE].max_bytes + 1, PNG, "image/png"),
        (100, PNG, "image/svg+xml"),
    ],
)
def test_a_stored_object_that_differs_from_the_announcement_is_refused(
    size: int, head: bytes, stored_type: str
) -> None:
    with pytest.raises(InvalidValue):
        _png(size=100).check_stored(size, head, stored_type)


def test_one_attach_rule_for_every_context_unfinished_refused_same_target_a_no_op_elsewhere_refused() -> None:
    media = _png()
    with pytest.raises(InvalidValue, match="not uploaded yet"):
        media.attach("product:p1")
    media.complete(NOW, None)
    assert media.attach("product:p1") is True and media.attached_to == "product:p1"
    assert media.attach("product:p1") is False, "again to the same product: nothing changes"
    for elsewhere in ("product:p2", "review:r1", "conversation:c1"):
        with pytest.raises(InvalidValue, match="attached elsewhere") as refused:
            media.attach(elsewhere, field="logo_media_id")
        assert refused.value.field == "logo_media_id"
    assert media.attached_to == "product:p1"
