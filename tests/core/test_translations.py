"""Every interface string is translated into Spanish, French and Portuguese."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE = Path(__file__).resolve().parents[2] / "src" / "arusha" / "locale"


def _entries(po: Path) -> list[str]:
    text = po.read_text(encoding="utf-8")
    return [
        block for block in text.split("\n\n") if "msgid" in block and not block.startswith("#~")
    ]


def _untranslated(block: str) -> bool:
    strings = re.findall(r'^msgstr(?:\[\d\])? ((?:"[^\n]*"\n?)+)', block, re.MULTILINE)
    return any("".join(re.findall(r'"(.*)"', s)) == "" for s in strings)


@pytest.mark.parametrize("language", ["es", "fr", "pt"])
def test_every_message_is_translated(language: str) -> None:
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    entries = [b for b in _entries(po) if 'msgid ""\nmsgstr ""\n"' not in b]  # skip the header
    assert len(entries) > 100
    missing = [b.split("msgid ", 1)[1].split("\n")[0] for b in entries if _untranslated(b)]
    assert missing == [], f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"
    fuzzy = [b for b in _entries(po) if "#, fuzzy" in b or ", fuzzy" in b]
    assert fuzzy == [], f"{language}: fuzzy entries left"


@pytest.mark.parametrize("language", ["es", "fr", "pt"])
def test_the_compiled_catalogue_is_not_older_than_the_source(language: str) -> None:
    folder = LOCALE / language / "LC_MESSAGES"
    assert (folder / "django.mo").stat().st_size > 1000
    assert (folder / "django.mo").stat().st_mtime >= (folder / "django.po").stat().st_mtime - 1


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", "Iniciar sesión en Arusha"), ("fr", "Se connecter"), ("pt", "Entrar")],
)
def test_the_sign_in_page_speaks_the_chosen_language(
    client: Any, language: str, expected: str
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("login")).text
    assert expected in page
    assert f'lang="{language}"' in page


def test_country_names_follow_the_language(client: Any, alice: Any, peru: Any) -> None:
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt"
    assert "Peru" in client.get(reverse("organisation_list")).text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "Pérou" in client.get(reverse("organisation_list")).text
