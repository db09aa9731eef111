"""Helpers the browser tests share: an API client for setup, screenshots, the layout check and sign-in."""
import json
import urllib.request

from playwright.sync_api import expect

from conftest import OUT


class Api:
    """A tiny JSON client for test setup (urllib, bearer token)."""

    def __init__(self, base, username, password):
        self.base = base
        self.token = self.call("POST", "/api/v1/auth/login", {"username": username, "password": password})["token"]

    def call(self, method, path, body=None):
        req = urllib.request.Request(self.base + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
        if getattr(self, "token", None):
            req.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(req, timeout=10) as res:
            text = res.read().decode()
            return json.loads(text) if text else None


def screenshot(page, file_name, keep_toasts=False):
    """Saves test-output/FILE_NAME.png once toasts are gone and animations settled."""
    if not keep_toasts:  # earlier confirmations would cover the page
        page.evaluate("document.querySelectorAll('.toast').forEach((t) => t.remove())")
    page.wait_for_timeout(250)  # let animations settle
    page.screenshot(path=str(OUT / f"{file_name}.png"))


def assert_no_sideways_scroll(page, where):
    overflow = page.evaluate(
        """() => {
            const d = document.documentElement;
            const main = document.querySelector('[data-testid=main-col]');
            const tables = [...document.querySelectorAll('.table-wrap')].map((w) => w.scrollWidth - w.clientWidth);
            return {
                doc: d.scrollWidth - d.clientWidth,
                main: main ? main.scrollWidth - main.clientWidth : 0,
                table: Math.max(0, ...tables),
            };
        }"""
    )
    assert max(overflow.values()) <= 0, f"horizontal scroll on {where}: {overflow}"


def login(page, username, password):
    expect(page.get_by_test_id("login-page")).to_be_visible()
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-password").press("Enter")
