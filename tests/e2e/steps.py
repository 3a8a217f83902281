"""Steps several browser journeys take the same way."""

from __future__ import annotations

from typing import Any

from tests.conftest import PASSWORD


def sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """Sign in on the login page with the persona's password and wait for the home page."""
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/")


def choose_language(page: Any, language: str) -> None:
    """Choose a language in the header's switcher and wait for the page in it."""
    page.locator("#language-select").select_option(language)
    page.wait_for_selector(f"html[lang={language}]")
