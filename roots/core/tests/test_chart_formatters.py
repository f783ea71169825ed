"""Static guards of the front end (security review X1 and the CSP's style-src):

- every chart tooltip is built by the shared helper `RootsCharts.tooltip` of
  roots/static/roots/charts.js, which escapes every piece of text before ECharts sets it as
  innerHTML, and every other chart `formatter` goes through `RootsCharts.text`/`unit`;
- no project JavaScript writes markup (innerHTML, outerHTML, insertAdjacentHTML,
  document.write);
- no served template has an inline style (style="…" or <style>), since the CSP's style-src
  has no 'unsafe-inline'; the CSP says so.

Cheap grep-based checks, so that the class of defect cannot come back unnoticed. The
browser proof is tests/e2e/test_chart_escaping.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOTS = Path(__file__).resolve().parents[2]
CHARTS = ROOTS / "static" / "roots" / "charts.js"
# Rendered to PDF by WeasyPrint, never served to a browser.
NOT_SERVED = {ROOTS / "finance" / "templates" / "finance" / "statement_pdf.html"}

HELPER_FORMATTER = re.compile(r"\bformatter\s*:\s*[A-Za-z_$][\w$]*\.(text|unit)\(")
HELPER_TOOLTIP = re.compile(r"\btooltip\s*:\s*[A-Za-z_$][\w$]*\.tooltip\(")
# Inside charts.js the helper is called by its own name (and exported as RootsCharts.tooltip).
OWN_TOOLTIP = re.compile(r"\btooltip\s*:\s*tooltip\b")
MARKUP_SINKS = re.compile(r"\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write)\b")


def project_js() -> list[Path]:
    return sorted(p for p in ROOTS.rglob("*.js") if "vendor" not in p.relative_to(ROOTS).parts)


def templates() -> list[Path]:
    return sorted(p for p in ROOTS.rglob("templates/**/*.html") if p not in NOT_SERVED)


def blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def code_of(source: str) -> str:
    """The source with its comments blanked out (block comments, and line comments that
    start a line or follow a space; offsets and lines kept), so that documentation may name
    what the code may not use."""
    source = re.sub(r"/\*.*?\*/", blank, source, flags=re.S)
    return re.sub(r"(?<=\s)//[^\n]*|^//[^\n]*", blank, source, flags=re.M)


def formatting_block(source: str) -> tuple[int, int]:
    start = source.index("// --- BEGIN formatting path")
    return start, source.index("// --- END formatting path", start)


def offences(path: Path, pattern: re.Pattern[str], allowed: re.Pattern[str]) -> list[str]:
    source = path.read_text(encoding="utf-8")
    code = code_of(source)
    block = formatting_block(source) if path == CHARTS else (0, 0)
    found = []
    for match in pattern.finditer(code):
        if block[0] <= match.start() < block[1]:
            continue
        if not allowed.match(code, match.start()):
            line = code.count("\n", 0, match.start()) + 1
            text = code.splitlines()[line - 1].strip()
            found.append(f"{path.relative_to(ROOTS.parent)}:{line}: {text}")
    return found


def test_the_guards_see_the_project_scripts() -> None:
    names = {p.name for p in project_js()}
    assert {"charts.js", "kpis.js", "pipeline.js", "inventory_charts.js", "finance.js"} <= names
    assert "echarts.min.js" not in names


def test_every_chart_formatter_goes_through_the_helper() -> None:
    found = [
        offence
        for path in project_js()
        for offence in offences(path, re.compile(r"\bformatter\b"), HELPER_FORMATTER)
    ]
    assert not found, "formatters outside RootsCharts (charts.js):\n" + "\n".join(found)


def test_every_tooltip_is_built_by_the_helper() -> None:
    found = [
        offence
        for path in project_js()
        for offence in offences(
            path, re.compile(r"\btooltip\s*:"), OWN_TOOLTIP if path == CHARTS else HELPER_TOOLTIP
        )
    ]
    assert not found, "tooltips not built by RootsCharts.tooltip:\n" + "\n".join(found)


def test_the_helper_escapes_its_text() -> None:
    source = CHARTS.read_text(encoding="utf-8")
    start, end = formatting_block(source)
    block = code_of(source)[start:end]
    assert "echarts.format" in block and "encodeHTML" in block
    # Every text of a tooltip row goes through escape(); nothing else is concatenated in.
    assert "escape(content.title)" in block and "escape(row.label)" in block
    assert "escape(plain(row.value))" in block
    assert "style=" not in block  # classes only: the CSP has no 'unsafe-inline' for styles


@pytest.mark.parametrize("path", project_js(), ids=lambda p: p.name)
def test_no_script_writes_markup(path: Path) -> None:
    code = code_of(path.read_text(encoding="utf-8"))
    assert not MARKUP_SINKS.search(code), f"{path}: build DOM nodes and set textContent instead"


def test_no_inline_script_draws_a_chart() -> None:
    script = re.compile(r"<script(?![^>]*application/json)[^>]*>(.*?)</script>", re.S)
    found = [
        str(path.relative_to(ROOTS.parent))
        for path in templates()
        for body in script.findall(path.read_text(encoding="utf-8"))
        if re.search(r"\b(formatter|tooltip|echarts)\b", body)
    ]
    assert not found, found


def test_chart_scripts_load_the_helper_first() -> None:
    users = {
        f"{path.parent.name}/{path.name}"
        for path in project_js()
        if path != CHARTS and "RootsCharts" in path.read_text(encoding="utf-8")
    }
    assert users
    tag = re.compile(r"""\{%\s*static\s+['"]([^'"]+\.js)['"]\s*%\}""")
    missing = []
    for path in templates():
        loaded = tag.findall(path.read_text(encoding="utf-8"))
        if "vendor/echarts/echarts.min.js" not in loaded:
            continue  # no chart drawn (e.g. pipeline.js for the worksheet's live score)
        for name in loaded:
            if name in users and (
                "roots/charts.js" not in loaded
                or loaded.index("roots/charts.js") > loaded.index(name)
            ):
                missing.append(f"{path.relative_to(ROOTS.parent)}: {name}")
    assert not missing, "load roots/charts.js before: " + ", ".join(missing)


def markup_of(template: str) -> str:
    """The template without its comments ({# #}, {% comment %}, <!-- -->); lines kept."""
    template = re.sub(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", blank, template, flags=re.S)
    return re.sub(r"\{#.*?#\}|<!--.*?-->", blank, template, flags=re.S)


def test_no_served_template_has_an_inline_style() -> None:
    found = []
    for path in templates():
        for number, line in enumerate(markup_of(path.read_text(encoding="utf-8")).splitlines(), 1):
            if re.search(r"""\sstyle\s*=\s*["']|<style[\s>]""", line):
                found.append(f"{path.relative_to(ROOTS.parent)}:{number}: {line.strip()}")
    assert not found, "use a class of roots.css (or data-roots-width):\n" + "\n".join(found)


def test_csp_style_src_has_no_unsafe_inline(client, db) -> None:
    response = client.get("/account/login/")
    policy = response.headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["style-src"] == ["'self'"], policy
    assert "'unsafe-inline'" not in policy
