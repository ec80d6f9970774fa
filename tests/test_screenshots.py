"""tools/screenshots.py (make screenshots): its DevTools client drives a real
headless Chromium, and the user guide, the README and the captured screens agree
with its list of screens. The captures themselves take minutes: not run here."""

import importlib.util
import io
import pathlib
import re
import urllib.parse

import pytest
from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHOTS_DIR = ROOT / "docs" / "screenshots"
GUIDE_DIR = ROOT / "docs" / "guide"
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+\.png)\)")
MD_LINK = re.compile(r"\]\(([^)\s#]+\.md)(?:#[^)]*)?\)")

_spec = importlib.util.spec_from_file_location(
    "screenshots", ROOT / "tools" / "screenshots.py"
)
shots = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(shots)


def images_in(page):
    return [
        (page.parent / target).resolve() for target in IMAGE.findall(page.read_text())
    ]


def test_screens_have_one_name_each_and_log_in_as_demo_users():
    names = shots.screen_names()
    assert len(names) == len(set(names))
    assert {screen.login for screen in shots.SCREENS} <= set(shots.LOGINS)
    for screen in shots.SCREENS:
        assert re.fullmatch(r"[a-z0-9_]+", screen.name), screen.name


@pytest.mark.parametrize("lang", sorted(shots.LANGS))
def test_each_language_has_every_screen_and_its_guide_shows_them(lang):
    names = set(shots.screen_names())
    captured = {path.stem for path in (SHOTS_DIR / lang).glob("*.png")}
    assert captured == names, "run `make screenshots`: missing or stale captures"
    shown = set()
    for page in (GUIDE_DIR / lang).glob("*.md"):
        for image in images_in(page):
            assert image.exists(), f"{page.name}: {image} is missing"
            # each language's guide shows that language's screens
            assert image.parent == (SHOTS_DIR / lang).resolve(), (page, image)
            shown.add(image.stem)
    assert shown == names, f"screens not shown in the {lang} guide"


def test_captures_are_viewport_sized_palette_pngs():
    for path in SHOTS_DIR.glob("*/*.png"):
        with Image.open(path) as image:
            assert image.format == "PNG", path
            assert image.width <= shots.VIEWPORT[0], path
            assert image.height <= shots.VIEWPORT[1], path
            assert image.mode == "P", f"{path}: not optimized (make screenshots)"
        assert path.stat().st_size < 200 * 1024, path


def test_guide_links_and_readme_images_resolve():
    pages = [ROOT / "README.md", *GUIDE_DIR.glob("*/*.md")]
    for page in pages:
        for target in MD_LINK.findall(page.read_text()):
            if "://" not in target:
                assert (page.parent / target).exists(), f"{page}: {target}"
        for image in images_in(page):
            assert image.exists(), f"{page}: {image}"
    readme = (ROOT / "README.md").read_text()
    assert "docs/guide/en/index.md" in readme and "docs/guide/fr/index.md" in readme
    assert images_in(ROOT / "README.md"), "the README shows screens of the guide"


class FakeOdoo:
    base_url = "http://127.0.0.1:1234"

    def ref(self, xml_id):
        return {"helpdesk_tiers.demo_ticket": 42}[xml_id]

    def portal_url(self, xml_id):
        return {"helpdesk_tiers.kb_fr": "/helpdesk/kb/imprimante-7"}[xml_id]


def test_urls_take_record_ids_portal_urls_and_the_language():
    odoo = FakeOdoo()
    url = "/odoo/action-x/{ref:helpdesk_tiers.demo_ticket}"
    assert shots.resolve_url(odoo, url, "en") == odoo.base_url + "/odoo/action-x/42"
    url = "{portal_url:helpdesk_tiers.kb_%s}"
    assert (
        shots.resolve_url(odoo, url, "fr")
        == odoo.base_url + "/helpdesk/kb/imprimante-7"
    )
    url = {"en": "/helpdesk/kb?q=printer", "fr": "/helpdesk/kb?q=imprimante"}
    assert shots.resolve_url(odoo, url, "fr").endswith("?q=imprimante")


def test_clip_box_stays_inside_the_viewport():
    box = {"x": -3.5, "y": 10.2, "width": 2000, "height": 100.6}
    assert shots.clip_box(box, (1366, 800)) == {
        "x": 0,
        "y": 10,
        "width": 1366,
        "height": 100,
        "scale": 1,
    }
    with pytest.raises(shots.ScreenError):
        shots.clip_box({"x": 0, "y": 900, "width": 10, "height": 10}, (1366, 800))


def test_optimized_png_keeps_the_picture():
    image = Image.new("RGB", (40, 20), "white")
    image.paste((113, 75, 135), (0, 0, 20, 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    optimized = Image.open(io.BytesIO(shots.optimize_png(out.getvalue())))
    assert optimized.size == (40, 20) and optimized.mode == "P"
    assert optimized.convert("RGB").getpixel((5, 5)) == (113, 75, 135)
    assert optimized.convert("RGB").getpixel((30, 5)) == (255, 255, 255)


PAGE = """<html><body style="margin:0">
<input id="q" onkeydown="if (event.key === 'Enter')
document.getElementById('out').textContent = 'enter: ' + this.value">
<button id="go" onclick="document.getElementById('out').textContent =
document.getElementById('q').value">Go</button>
<div id="out" style="width:300px; background:#eee"></div></body></html>"""


@pytest.fixture
def browser():
    browser = shots.Browser()  # fails, saying what to install, without Chromium
    yield browser
    browser.close()


def test_browser_types_clicks_waits_and_captures(browser):
    browser.goto("data:text/html," + urllib.parse.quote(PAGE))
    out = "document.getElementById('out').innerText"
    browser.run(shots.Type("#q", {"en": "hello", "fr": "bonjour"}), "fr")
    browser.run(shots.Press("Enter"), "fr")
    browser.run(shots.Wait("#out"), "fr")
    assert browser.devtools.evaluate(out) == "enter: bonjour"
    browser.run(shots.Click("button", {"en": "Go", "fr": "Go"}), "fr")
    assert browser.devtools.evaluate(out) == "bonjour"
    with Image.open(io.BytesIO(browser.capture())) as image:
        assert image.size == shots.VIEWPORT
    with Image.open(io.BytesIO(browser.capture("#out"))) as image:
        assert image.width == 300 and 10 < image.height < 40


def test_browser_says_which_element_never_showed(browser, monkeypatch):
    monkeypatch.setattr(shots, "TIMEOUT", 1)
    browser.goto("data:text/html," + urllib.parse.quote(PAGE))
    with pytest.raises(shots.ScreenError, match="#missing: still not there"):
        browser.run(shots.Click("#missing"), "en")


def test_port_8069_is_refused(capsys):
    assert shots.main(["--port", "8069"]) == 2
    assert "8069" in capsys.readouterr().err
