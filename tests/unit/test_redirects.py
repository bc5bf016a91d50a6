"""Only paths on this site are followed after an action."""

import pytest

from marketplace.redirects import local_target


@pytest.mark.parametrize("target", ["/events/1/requests", "/search?q=%E8%B4%B7", "/", "/search?q=贷款"])
def test_local_paths_are_kept(target: str) -> None:
    assert local_target(target, "/home") == target


@pytest.mark.parametrize("target", [
    None, "", "https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "events/1",
    # What a browser turns into //evil.example: tabs and line breaks dropped, backslashes as slashes.
    "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\t\\evil.example", "\\\\evil.example",
    " //evil.example", "/ /evil.example", "/x\x00y", "/x\x7f", "/%0a/x\n",
])
def test_anything_else_goes_to_the_default(target: str | None) -> None:
    assert local_target(target, "/home") == "/home"
