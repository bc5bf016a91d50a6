"""No page of the main navigation scrolls sideways, on a phone (390 px) or a desktop (1024, 1280,
1440 px), for any role, in either language.

For each role (anonymous and the four demo logins) and language, the pages are the links of the
main navigation bar and of its dropdown menus as that role sees them (same-origin GET pages; not
the language switch, not logout). Each page is loaded once and measured at every width:
``document.documentElement.scrollWidth <= window.innerWidth``. One assertion lists every
offender (role, language, width, URL and the elements that stick out the furthest).
"""

from __future__ import annotations

from typing import Any

from tests.browser.support import LANGUAGES, LOGINS, LiveServer, log_in, navigation_pages

WIDTHS = (390, 1024, 1280, 1440)
ROLES = ("anonymous", *LOGINS)

# The page's width, and the elements whose right edge is past the viewport (the outermost few).
MEASURE = """() => {
  const width = window.innerWidth;
  const root = document.documentElement;
  const out = [];
  if (root.scrollWidth > width) {
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.right <= width + 0.5) continue;
      if (out.some(o => o.node.contains(el))) continue;
      let name = el.tagName.toLowerCase();
      if (el.id) name += '#' + el.id;
      else if (el.classList.length) name += '.' + [...el.classList].slice(0, 3).join('.');
      out.push({node: el, name: name + ` (right ${Math.round(box.right)}px)`});
      if (out.length >= 3) break;
    }
  }
  return {scrollWidth: root.scrollWidth, innerWidth: width, culprits: out.map(o => o.name)};
}"""


def test_no_page_of_the_main_navigation_scrolls_sideways(new_page: Any, live_server: LiveServer) -> None:
    offenders: list[str] = []
    measured = 0
    for role in ROLES:
        page = new_page(width=WIDTHS[-1])
        if role != "anonymous":
            log_in(page, live_server, LOGINS[role], "zh")
        for lang in LANGUAGES:
            page.goto(f"/lang/{lang}?next=/")
            paths = navigation_pages(page, live_server, lang)
            assert len(paths) >= 5, f"{role}/{lang}: the main navigation has only {paths}"
            for path in paths:
                page.set_viewport_size({"width": WIDTHS[-1], "height": 900})
                page.goto(path)
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    found = page.evaluate(MEASURE)
                    measured += 1
                    if found["scrollWidth"] > found["innerWidth"]:
                        offenders.append(
                            f"{role:<9} {lang} {width:>4}px {path}: scrollWidth {found['scrollWidth']}"
                            f" > {found['innerWidth']}; sticking out: {', '.join(found['culprits']) or '?'}"
                        )
    assert not offenders, (
        f"{len(offenders)} of {measured} page views scroll sideways (role, language, width, URL):\n"
        + "\n".join(offenders)
    )
