"""In Chromium: enrol an authenticator, keep the recovery codes, log in with a code."""

import base64
import hashlib
import hmac
import struct
import time

import time_machine

from conftest import browser_login


def _code(key: bytes, at: float) -> str:
    """RFC 6238, written out here so the test does not trust the code under test."""
    counter = struct.pack(">Q", int(at) // 30)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def test_enrol_then_log_in_with_a_code(page, people):
    browser_login(page, "office")
    page.goto(page.base + "/accounts/2fa/")
    assert page.locator("img.sy-qr").is_visible()
    secret = page.locator("[data-testid=totp-secret]").inner_text()
    page.fill("input[name=token]", _code(base64.b32decode(_padded(secret)), time.time()))
    page.click("main button[type=submit]")
    codes = page.locator("[data-testid=recovery-codes] li").all_inner_texts()
    assert len(codes) == 10 and all(len(c) == 8 for c in codes)

    page.click("[data-testid=user-menu]")
    page.click("text=退出登录")
    browser_login(page, "office")
    assert "/accounts/2fa/verify/" in page.url
    assert "两步验证" in page.content()
    # The enrolment code was used; the next 30-second window gives a fresh one.
    with time_machine.travel(time.time() + 31):
        page.fill("input[name=token]", _code(base64.b32decode(_padded(secret)), time.time()))
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        assert page.url == page.base + "/"
        assert "林办，您好" in page.content()


def test_a_recovery_code_logs_in_when_the_phone_is_lost(page, people):
    browser_login(page, "office")
    page.goto(page.base + "/accounts/2fa/")
    secret = page.locator("[data-testid=totp-secret]").inner_text()
    page.fill("input[name=token]", _code(base64.b32decode(_padded(secret)), time.time()))
    page.click("main button[type=submit]")
    first_code = page.locator("[data-testid=recovery-codes] li").first.inner_text()
    page.click("[data-testid=user-menu]")
    page.click("text=退出登录")
    browser_login(page, "office")
    page.fill("input[name=token]", first_code)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.url == page.base + "/" and "9" in page.locator(".alert").inner_text()


def _padded(secret: str) -> str:
    compact = secret.replace(" ", "")
    return compact + "=" * (-len(compact) % 8)
