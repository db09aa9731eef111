"""Helpers the browser tests share: screenshots, the layout check and sign-in."""
from playwright.sync_api import expect

from conftest import OUT


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
