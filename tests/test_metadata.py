"""book.toml -> Metadata: every problem is a BookError with a stable code and the right line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from quire.errors import BookError
from quire.metadata import read_book_toml

UUID = "urn:uuid:12345678-1234-5678-1234-567812345678"

# One key per line, so that line numbers in the tests can be read off this text.
VALID = f'''title = "A Book"
language = "en-GB"
identifier = "{UUID}"
publisher = "Test Press"
date = 2025-01-02
rights = "© 2025 Test Press"
description = "A short   description."
subjects = ["Testing", "Books"]

[[creators]]
name = "A. Tester"
file_as = "Tester, A."
'''


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "book.toml").write_text(text, encoding="utf-8")
    return tmp_path


def error_for(tmp_path: Path, text: str) -> BookError:
    with pytest.raises(BookError) as caught:
        read_book_toml(write(tmp_path, text))
    return caught.value


def test_valid_book_toml_gives_typed_metadata(tmp_path):
    metadata, _, table = read_book_toml(write(tmp_path, VALID))
    assert metadata.title == "A Book"
    assert metadata.language == "en-GB"
    assert metadata.identifier == UUID
    assert metadata.date == dt.date(2025, 1, 2)
    assert metadata.description == "A short description."
    assert metadata.subjects == ("Testing", "Books")
    assert metadata.creators[0].name == "A. Tester"
    assert metadata.creators[0].role == "aut"
    assert metadata.creators[0].file_as == "Tester, A."
    assert metadata.slug == "a-book"
    assert table["title"] == "A Book"


def test_missing_book_toml_is_m001(tmp_path):
    with pytest.raises(BookError) as caught:
        read_book_toml(tmp_path)
    assert caught.value.code == "M001"
    assert caught.value.path == tmp_path / "book.toml"


def test_unknown_key_is_m003_on_its_line_with_did_you_mean(tmp_path):
    text = VALID.replace('language = "en-GB"\n', 'language = "en-GB"\ntitel = "Typo"\n')
    error = error_for(tmp_path, text)
    assert error.code == "M003"
    assert "titel" in error.message
    assert error.path == tmp_path / "book.toml"
    assert error.line == 3
    assert error.hint == "did you mean 'title'?"


def test_unknown_key_far_from_any_known_key_lists_the_known_keys(tmp_path):
    error = error_for(tmp_path, VALID.replace('subjects = ["Testing", "Books"]\n',
                                              'subjects = ["Testing", "Books"]\ncolour = "red"\n'))
    assert error.code == "M003"
    assert error.line == 9
    assert error.hint.startswith("known keys: ")
    assert "title" in error.hint


def test_key_after_a_blank_line_is_reported_on_its_own_line(tmp_path):
    # Line 9 is blank; the unknown key is on line 10.
    error = error_for(tmp_path, VALID.replace("[[creators]]", 'colour = "red"\n\n[[creators]]'))
    assert VALID.replace("[[creators]]", 'colour = "red"').splitlines()[9] == 'colour = "red"'
    assert error.code == "M003"
    assert error.line == 10


def test_unknown_table_key_is_m003_on_the_line_of_its_header(tmp_path):
    # '[[creator]]' for '[[creators]]' is a likely typo; the header is on line 10.
    error = error_for(tmp_path, VALID.replace("[[creators]]", "[[creator]]"))
    assert error.code == "M003"
    assert error.hint == "did you mean 'creators'?"
    assert error.line == 10


def test_str_for_an_error_is_path_line_message_code(tmp_path):
    text = VALID.replace('language = "en-GB"\n', 'language = "en-GB"\ntitel = "Typo"\n')
    error = error_for(tmp_path, text)
    assert str(error) == f"{tmp_path / 'book.toml'}:3: unknown key 'titel' [M003]"


def test_malformed_toml_is_m002_on_the_broken_line(tmp_path):
    error = error_for(tmp_path, VALID.replace('publisher = "Test Press"', 'publisher = "Test Press'))
    assert error.code == "M002"
    assert error.line == 4
    assert error.hint


@pytest.mark.parametrize("key, line", [("title", 1), ("publisher", 4), ("rights", 6),
                                       ("subjects", 8)])
def test_missing_required_key_is_m005(tmp_path, key, line):
    lines = VALID.splitlines(keepends=True)
    assert lines[line - 1].startswith(key + " =")
    error = error_for(tmp_path, "".join(lines[:line - 1] + lines[line:]))
    assert error.code == "M005"
    assert f"'{key}'" in error.message
    assert error.hint


def test_missing_creators_is_m005(tmp_path):
    error = error_for(tmp_path, VALID.split("[[creators]]")[0])
    assert error.code == "M005"
    assert "'creators'" in error.message


def test_empty_required_string_is_m005_on_its_line(tmp_path):
    error = error_for(tmp_path, VALID.replace('publisher = "Test Press"', 'publisher = "  "'))
    assert error.code == "M005"
    assert error.line == 4


def test_missing_identifier_and_isbn_is_m005_with_an_example_uuid(tmp_path):
    error = error_for(tmp_path, VALID.replace(f'identifier = "{UUID}"\n', ""))
    assert error.code == "M005"
    assert "urn:uuid:" in error.hint


def test_quoted_date_is_m004_on_its_line(tmp_path):
    error = error_for(tmp_path, VALID.replace("date = 2025-01-02", 'date = "2025-01-02"'))
    assert error.code == "M004"
    assert error.line == 5
    assert "date" in error.message


def test_date_with_a_time_is_m004(tmp_path):
    error = error_for(tmp_path, VALID.replace("date = 2025-01-02", "date = 2025-01-02T10:00:00"))
    assert error.code == "M004"
    assert error.line == 5


def test_subjects_as_a_string_is_m004(tmp_path):
    error = error_for(tmp_path, VALID.replace('subjects = ["Testing", "Books"]',
                                              'subjects = "Testing"'))
    assert error.code == "M004"
    assert error.line == 8


def test_empty_subjects_list_is_m004(tmp_path):
    error = error_for(tmp_path, VALID.replace('subjects = ["Testing", "Books"]', "subjects = []"))
    assert error.code == "M004"
    assert error.line == 8


def test_valid_isbn13_becomes_a_urn_isbn_identifier(tmp_path):
    text = VALID.replace(f'identifier = "{UUID}"', 'isbn = "978-0-306-40615-7"')
    metadata, _, _ = read_book_toml(write(tmp_path, text))
    assert metadata.identifier == "urn:isbn:9780306406157"
    assert metadata.isbn == "9780306406157"


def test_isbn_wins_over_identifier(tmp_path):
    text = VALID.replace(f'identifier = "{UUID}"',
                         f'identifier = "{UUID}"\nisbn = "9780306406157"')
    metadata, _, _ = read_book_toml(write(tmp_path, text))
    assert metadata.identifier == "urn:isbn:9780306406157"


def test_isbn_with_a_bad_check_digit_is_m006_on_its_line(tmp_path):
    error = error_for(tmp_path, VALID.replace(f'identifier = "{UUID}"',
                                              'isbn = "978-0-306-40615-8"'))
    assert error.code == "M006"
    assert error.line == 3
    assert "978-0-306-40615-8" in error.message


def test_isbn10_is_m006(tmp_path):
    error = error_for(tmp_path, VALID.replace(f'identifier = "{UUID}"', 'isbn = "0306406152"'))
    assert error.code == "M006"


@pytest.mark.parametrize("identifier", ["urn:isbn:9780306406157", "urn:uuid:not-a-uuid",
                                        "12345678-1234-5678-1234-567812345678"])
def test_identifier_that_is_not_a_urn_uuid_is_m006(tmp_path, identifier):
    error = error_for(tmp_path, VALID.replace(UUID, identifier))
    assert error.code == "M006"
    assert error.line == 3
    assert "urn:uuid:" in error.hint


def test_creator_with_unknown_key_is_m003_on_its_line(tmp_path):
    error = error_for(tmp_path, VALID + 'nmae = "Typo"\n')
    assert error.code == "M003"
    assert "nmae" in error.message
    assert error.line == 13
    assert error.hint


def test_creator_without_name_is_m004(tmp_path):
    error = error_for(tmp_path, VALID.replace('name = "A. Tester"\n', ""))
    assert error.code == "M004"
    assert error.line == 10


def test_creator_role_that_is_not_a_relator_code_is_m004(tmp_path):
    error = error_for(tmp_path, VALID + 'role = "author"\n')
    assert error.code == "M004"
    assert error.line == 13


def test_bad_role_of_the_second_creator_is_reported_on_its_own_line(tmp_path):
    text = VALID + 'role = "aut"\n\n[[creators]]\nname = "B. Editor"\nrole = "editor"\n'
    assert text.splitlines()[16] == 'role = "editor"'
    error = error_for(tmp_path, text)
    assert error.code == "M004"
    assert "'editor'" in error.message
    assert error.line == 17


def test_book_toml_that_is_not_utf8_is_m007_on_the_bad_line(tmp_path):
    (tmp_path / "book.toml").write_bytes(VALID.encode("utf-8").replace(
        "© 2025".encode("utf-8"), b"\xa9 2025"))
    with pytest.raises(BookError) as caught:
        read_book_toml(tmp_path)
    assert caught.value.code == "M007"
    assert caught.value.line == 6
