"""The demo report's figures as its readers meet them: every image has an alternative text in
words (not nbconvert's placeholder) that names what it draws, and the PDF shows every image."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from evaluation.config.plan import load_plan
from evaluation.reporting.sentences import label

#: What nbconvert's HTML exporter writes as the alt of an image output without one.
PLACEHOLDER = "No description has been provided for this image"


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "img":
            self.images.append(dict(attrs))


def _images(page: Path) -> list[dict[str, str | None]]:
    parser = _Images()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.images


@pytest.mark.slow
def test_every_image_of_the_report_has_an_alt_text_naming_what_it_draws(demo_run: Path, demo_plan: Path) -> None:
    images = _images(demo_run / "shared" / "report.html")
    assert len(images) >= 4  # the forest plot, the means before and after, the timeline, the indicators
    alts = [image.get("alt") or "" for image in images]
    assert all(alt.strip() and PLACEHOLDER not in alt for alt in alts), alts
    assert all(image["src"].startswith("data:image/png;base64,") for image in images)
    outcomes = [label(outcome.id, "en") for outcome in load_plan(demo_plan).outcomes]
    forest = [alt for alt in alts if "Hedges' g" in alt]
    means = [alt for alt in alts if "before and" in alt and "full range" in alt]
    assert len(forest) == 1 and len(means) == 1
    for outcome in outcomes:
        assert f"{outcome} " in forest[0] and f"{outcome} (from " in means[0], outcome
    # each survey outcome on its instrument's 1-5 scale, each exam on 0-100
    assert means[0].count("(from 1 to 5)") == 3 and means[0].count("(from 0 to 100)") == 4
    assert "±0.25" in forest[0]


@pytest.mark.slow
def test_the_pdf_shows_every_image_of_the_page(demo_run: Path) -> None:
    if shutil.which("pdfimages") is None:
        pytest.fail("pdfimages is needed to list the images of report.pdf: apt-get install poppler-utils")
    listing = subprocess.run(
        ["pdfimages", "-list", str(demo_run / "shared" / "report.pdf")], capture_output=True, text=True, check=True
    ).stdout
    kinds = [re.split(r"\s+", line.strip())[2] for line in listing.splitlines()[2:] if line.strip()]
    assert kinds.count("image") == len(_images(demo_run / "shared" / "report.html"))
