"""What a scanned text names (assets.scanned): TagTrail tags as `resolve` reads them, key
forms, and the assets registered under tags of other formats (an import's)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assets.scanned import REGISTERED_HINT, name_scanned
from assets.tags import TagConfig, make_tag, resolve

A1, A2 = make_tag("asset", 1), make_tag("asset", 2)
PALLET = make_tag("pallet", 5)
PLACE_TAG = make_tag("location", 9)


class Known:
    """The assets a device knows, and every tag it was asked about."""

    def __init__(self, *tags: str) -> None:
        self.tags = set(tags)
        self.asked: list[str] = []

    def __call__(self, tag: str) -> bool:
        self.asked.append(tag)
        return tag in self.tags


def test_a_registered_tag_of_another_format_names_its_asset() -> None:
    known = Known("WEB-0001", "ACME-0000001")
    for text in (
        "WEB-0001",
        " web-0001\r\n",
        "asset:WEB-0001",
        "https://snipe.example/ht/WEB-0001",
    ):
        found = name_scanned(text, known)
        assert (found.kind, found.key, found.fields["tag"]) == (
            "asset_tag",
            "asset:WEB-0001",
            "WEB-0001",
        ), text
        assert found.fields["source"] == "registered" and found.hints == (REGISTERED_HINT,)
        assert found.ok and found.label == "TagTrail asset tag"  # opens as an asset tag does
    assert name_scanned("ACME-0000001", known).key == "asset:ACME-0000001"


def test_a_tagtrail_tag_reads_as_itself_without_a_lookup() -> None:
    known = Known(A1)
    for text, kind in ((A1, "asset_tag"), (A2, "asset_tag"), (PALLET, "pallet_tag"),
                       (PLACE_TAG, "location_tag")):  # fmt: skip
        assert name_scanned(text, known) == resolve(text)
        assert name_scanned(text, known).kind == kind
    assert known.asked == []  # a TagTrail tag never waits on the database


def test_what_nobody_registered_reads_as_it_did() -> None:
    """An unknown serial is still a manufacturer serial to claim; a damaged tag, a link or an
    unreadable text are what `resolve` says, so the screens refuse them as before."""
    known = Known()
    for text in ("5CG1234XYZ", "TA-12-X", "https://example.com/x", "hello world", "\x00x", ""):
        assert name_scanned(text, known) == resolve(text), text
    assert name_scanned("5CG1234XYZ", known).kind == "serial"
    # only texts a tag can be are looked up (no spaces, no links); a NUL pad is cleaned off
    assert set(known.asked) == {"5CG1234XYZ", "TA-12-X", "x", "X"}


def test_key_forms_name_what_they_name() -> None:
    known = Known("WEB-0001")
    assert name_scanned(f"asset:{A1}", known).key == f"asset:{A1}"
    assert name_scanned(f"Pallet:{PALLET}", known).key == f"pallet:{PALLET}"
    assert name_scanned(f"asset:{PALLET}", known).key is None  # a pallet is no asset
    assert name_scanned("pallet:WEB-0001", known).key is None  # an asset is no pallet
    assert name_scanned("asset:", known).kind == "unknown"
    assert name_scanned(f"  pallet:{PALLET} ", known).payload == f"pallet:{PALLET}"


def test_the_store_s_tag_config_reads_its_links() -> None:
    config = TagConfig(url_bases=("https://assets.example/t/", "https://tagtrail.local/t/"))
    found = name_scanned(f"https://assets.example/t/{PALLET}", Known(), config=config)
    assert found.key == f"pallet:{PALLET}"
    assert name_scanned(f"https://assets.example/t/{PALLET}", Known()).key is None


@given(text=st.text(max_size=200), registered=st.booleans())
def test_naming_never_raises_and_names_only_what_was_asked(text: str, registered: bool) -> None:
    asked: list[str] = []

    def lookup(tag: str) -> bool:
        asked.append(tag)
        return registered

    found = name_scanned(text, lookup)
    if found.fields.get("source") == "registered":
        assert found.fields["tag"] in asked and found.key == f"asset:{found.fields['tag']}"
