"""The Store settings tool over a real store on loopback: an admin reads and changes the
organisation name, the label web address and the weight tolerance; the store's refusal of a
bad value (a bad URL, a tolerance out of range, a NUL or 10 kB pasted) shows under the field
in people's words and changes nothing; this device's copy of the settings follows a save;
only admins get the tool, and the store refuses anyone else."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.ui.desks.store_settings import NAMES, SettingsDesk, refusal
from app.ui.session import DeviceSession
from app.ui.toolbox import tools_for
from assets.roles import ROLES
from sync.device import store_settings
from sync.device.store_desk import StoreSaid
from sync.protocol import StoreSettingsView
from tests.app.ui.test_supervisor_desks import App
from tests.sync.device.harness import PIN, LoopbackStore, StoreHarness

ANY_TEXT = st.text(max_size=300) | st.sampled_from(
    ["\x00", "\ud800", "A" * 10_000, "1e999", "NaN", " ", "https://x y/", "-0", "50.0000001"]
)
# What a person must never read: a field's wire name, a status, a repr.
RAW = re.compile(r"_pct|_url|_name|body\.|\(\d{3}\)|\w+Error\(|\{|Traceback")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StoreHarness, str]]:
    harness = StoreHarness(tmp_path_factory.mktemp("settings") / "store")
    served = LoopbackStore(harness)
    try:
        yield harness, served.url
    finally:
        served.stop()
        harness.close()


def _app(store: tuple[StoreHarness, str], folder: Path, person: str) -> App:
    harness, url = store
    session = DeviceSession(folder / f"{person}.db", url, start=False)
    session.engine.enrol(harness.code(), f"{person}'s phone")
    session.sign_in(person, PIN)
    return App(session)


@pytest.fixture
def admin(store: tuple[StoreHarness, str], tmp_path: Path) -> Iterator[App]:
    app = _app(store, tmp_path, "admin")
    yield app
    app.session.close()


def _desk(app: App) -> SettingsDesk:
    desk = app.open("settings")
    assert isinstance(desk, SettingsDesk)
    assert desk.problem is None and desk.current is not None, desk.problem
    return desk


def _held(app: App) -> StoreSettingsView:
    return app.session.store_desk().settings()


def _save(app: App, desk: SettingsDesk, **values: str) -> None:
    assert desk.current is not None
    desk.save({**desk.current.model_dump(), **values})  # as the form sends every field
    app.settle()


def test_an_admin_sees_the_store_s_values_and_changes_them(admin: App) -> None:
    desk = _desk(admin)
    assert desk.current == _held(admin)
    version = desk.version
    _save(admin, desk, organisation_name="  Acme\tRecycling\n Corp ")
    assert _held(admin).organisation_name == "Acme Recycling Corp"  # one line, as printed
    assert desk.current is not None and desk.current.organisation_name == "Acme Recycling Corp"
    assert desk.version == version + 1  # the form starts again from what the store kept
    assert desk.saved and "Organisation name" in desk.saved and not desk.problems
    assert admin.said.startswith("Saved at the central store")

    _save(admin, desk, label_base_url="https://assets.example/t", weight_tolerance_pct="3.5")
    held = _held(admin)
    assert (held.label_base_url, held.weight_tolerance_pct) == ("https://assets.example/t/", "3.5")
    cached = store_settings.read(admin.session.service.db)  # this device follows at once
    assert cached.weight_tolerance_pct == Decimal("3.5")
    assert cached.label_base_url == "https://assets.example/t/" and cached.pulled_ms
    assert admin.session.service.tag_config().url_bases[0] == "https://assets.example/t/"

    _save(admin, desk)  # nothing typed differs
    assert "Nothing changed" in admin.said and _held(admin) == held


@pytest.mark.parametrize(
    ("name", "typed", "words"),
    [
        ("weight_tolerance_pct", "51", "Weight tolerance (%) must be from 0 to 50"),
        ("weight_tolerance_pct", "two", "Weight tolerance (%) must be a number of percent"),
        ("weight_tolerance_pct", "1" * 40, "Weight tolerance (%) is too long: at most 12"),
        ("label_base_url", "ftp://files.example/", "Label web address must be an http(s) URL"),
        ("label_base_url", "https://x/\ud800", "Label web address holds characters that are not"),
        ("organisation_name", "Acme\x00Corp", "Organisation name contains a NUL character"),
        ("organisation_name", "A" * 10_000, "Organisation name is too long: at most 120"),
        ("organisation_name", "   ", "Organisation name must be 1 to 120 characters"),
    ],
)
def test_a_refused_value_shows_the_store_s_reason_under_its_field(
    admin: App, name: str, typed: str, words: str
) -> None:
    desk = _desk(admin)
    before, cached = _held(admin), store_settings.read(admin.session.service.db)
    typed_others = {"organisation_name": "Changed Too Ltd"} if name != "organisation_name" else {}
    _save(admin, desk, **{name: typed}, **typed_others)
    assert list(desk.problems) == [name] and desk.problems[name].startswith(words), desk.problems
    assert not RAW.search(desk.problems[name]) and desk.problem is None
    assert admin.said.startswith(words[:20]) and desk.saved is None
    assert _held(admin) == before == desk.current  # all or nothing: the other value too
    assert store_settings.read(admin.session.service.db) == cached


def test_any_text_typed_is_saved_or_refused_in_words(admin: App) -> None:
    desk = _desk(admin)

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(NAMES), ANY_TEXT)
    def typed(name: str, text: str) -> None:
        before = _held(admin)
        _save(admin, desk, **{name: text})
        after = _held(admin)
        assert desk.current == after
        if desk.problems:
            assert list(desk.problems) == [name] and after == before
            assert not RAW.search(desk.problems[name]), desk.problems
        else:
            assert desk.problem is None, desk.problem
            cached = store_settings.read(admin.session.service.db)
            assert str(cached.weight_tolerance_pct) == after.weight_tolerance_pct
            assert cached.label_base_url == after.label_base_url

    typed()


def test_the_refusal_words_name_the_setting_in_people_s_words() -> None:
    assert refusal("body.label_base_url: Value error, contains a NUL character") == (
        "label_base_url",
        "Label web address contains a NUL character",
    )
    assert refusal("colour: Extra inputs are not permitted") == (
        None,
        "Colour: Extra inputs are not permitted",
    )


def test_only_admins_get_the_tool_and_the_store_refuses_anyone_else(
    store: tuple[StoreHarness, str], tmp_path: Path
) -> None:
    for role in ROLES:
        keys = {tool.key for tool in tools_for(role)}
        assert ("settings" in keys) == (role == "admin"), role
    for person in ("sue", "tech"):
        app = _app(store, tmp_path, person)
        try:
            assert app.open("settings") is None  # not theirs: the controller makes no desk
            before = app.session.store_desk().settings()  # every signed-in person reads them
            with pytest.raises(StoreSaid) as refused:
                app.session.store_desk().change_settings({"organisation_name": "Mine Now"})
            assert refused.value.status == 403
            # the desk itself, reached around the More screen: the store still says no
            desk = SettingsDesk(app.controller._kit())
            desk.refresh()
            app.settle()
            desk.save({"organisation_name": "Mine Now"})
            app.settle()
            assert desk.problem and not RAW.search(desk.problem), desk.problem
            assert "may not" in desk.problem or "not allowed" in desk.problem
            assert app.session.store_desk().settings() == before
        finally:
            app.session.close()
