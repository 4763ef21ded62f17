"""Every user-visible string is marked for translation, and the French catalogue covers all of them."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "policies" / "templates").rglob("*.html"))
CATALOGUE = ROOT / "policies" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
# Text that is not prose: symbols, numbers, the product's punctuation.
NOT_WORDS = re.compile(r"&[a-z]+;|&#\d+;|[^A-Za-zÀ-ÿ]+")


def visible_text_outside_translation(source: str) -> list[str]:
    """Literal text a reader would see that sits outside {% translate %} / {% blocktranslate %}."""
    text = re.sub(r"\{% *blocktrans(late)?\b.*?\{% *endblocktrans(late)? *%\}", " ", source, flags=re.S)
    # A block named *_class holds CSS class names (base.html's main_class), not prose.
    text = re.sub(r"\{% *block \w+_class *%\}.*?\{% *endblock *%\}", " ", text, flags=re.S)
    text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)  # tags, variables, comments
    text = re.sub(r"<(style|script|code)\b.*?</\1>|<!--.*?-->", " ", text, flags=re.S)  # code is not prose
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)  # markup and attribute values (checked separately)
    return [word for word in NOT_WORDS.split(text) if len(word) > 1]


@pytest.mark.parametrize(
    "template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "policies" / "templates"))
)
def test_templates_mark_all_visible_text(template: Path) -> None:
    assert visible_text_outside_translation(template.read_text()) == []


def test_attribute_texts_are_marked_too() -> None:
    """aria-label, title, placeholder and alt are read aloud or shown: they must be translated as well."""
    unmarked = []
    for template in TEMPLATES:
        for match in re.finditer(r'\b(aria-label|title|placeholder|alt)="([^"]*)"', template.read_text()):
            value = re.sub(r"\{[{%].*?[%}]\}", "", match.group(2))
            if re.search(r"[A-Za-z]{2,}", value):
                unmarked.append(f"{template.name}: {match.group(0)}")
    assert unmarked == []


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="gettext tools are not installed")
def test_french_catalogue_is_complete(tmp_path: Path) -> None:
    """Regenerate the catalogue from the code in a copy and check every message has a French translation."""
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT / "policies", copy / "policies", ignore=shutil.ignore_patterns("__pycache__", "vendor")
    )
    shutil.copytree(ROOT / "workbench", copy / "workbench", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    subprocess.run(
        [sys.executable, "../manage.py", "makemessages", "-l", "fr", "--no-obsolete", "--ignore=analysis"],
        cwd=copy / "policies",
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "workbench.settings",
            "DATA_DIR": str(tmp_path / "data"),
            "PATH": "/usr/bin:/bin",
        },
    )
    regenerated = copy / "policies" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", str(regenerated)], capture_output=True, text=True
    )
    fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", str(regenerated)], capture_output=True, text=True)
    missing = re.findall(r'^msgid "(.+)"$', untranslated.stdout + fuzzy.stdout, flags=re.M)
    assert missing == [], f"{len(missing)} messages lack a French translation, e.g. {missing[:10]}"
    assert CATALOGUE.read_text() != ""
