"""README keeps what it promises in step with the code."""

from __future__ import annotations

from pathlib import Path

from mentoring.access import matrix_markdown

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_opens_with_the_two_commands() -> None:
    start = README.split("```sh", 1)[1].split("```", 1)[0]
    assert "make run" in start and "make test" in start


def test_roles_matrix_in_readme_matches_the_policy() -> None:
    documented = README.split("<!-- roles-matrix:start -->")[1].split("<!-- roles-matrix:end -->")[0]
    assert documented.strip() == matrix_markdown().strip()
