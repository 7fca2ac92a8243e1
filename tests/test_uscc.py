"""Unified Social Credit Code checks (GB 32100-2015)."""

from __future__ import annotations

import pytest

from tongnan_calc.input.uscc import ALPHABET, Checked, check_char, normalize, validate

PUBLISHED = "91350100M000100Y43"  # the example printed with GB 32100-2015


def test_alphabet_has_31_characters_without_i_o_s_v_z() -> None:
    assert len(ALPHABET) == 31
    assert not set("IOSVZ") & set(ALPHABET)


def test_published_example_is_valid() -> None:
    assert check_char(PUBLISHED[:17]) == "3"
    assert validate(PUBLISHED) == Checked(PUBLISHED)
    assert validate(PUBLISHED).valid


def test_check_char_by_hand() -> None:
    # weights 3^i mod 31 for i = 0..16
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    code17 = "91500223MA5U7K3L2"
    total = sum(ALPHABET.index(c) * w for c, w in zip(code17, weights, strict=True))
    assert check_char(code17) == ALPHABET[(31 - total % 31) % 31] == "W"


@pytest.mark.parametrize(
    "code",
    ["91500223MA5U7K3L2W", "91500223MA60B4XQ8A", "92500223MA5YP6HC1K", "911100001000013419"],
)
def test_computed_codes_are_valid(code: str) -> None:
    assert validate(code).valid


def test_check_value_zero_gives_character_0() -> None:
    # find a 17-character prefix whose check value is 0 and one whose is 30
    prefixes = {check_char(f"9150000000000{n:04d}") for n in range(200)}
    assert "0" in prefixes
    assert "Y" in prefixes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("91350100m000100y43", PUBLISHED),
        (" 9135 0100 M000 100Y43 ", PUBLISHED),
        ("\u30009135\u30000100M000100Y43\u3000", PUBLISHED),  # full-width spaces
        ("91350100M000100Y43\xa0", PUBLISHED),  # non-breaking space
        ("\ufeff91350100M000100Y43\u200b", PUBLISHED),  # BOM and zero-width space
        ("９１３５０１００Ｍ０００１００Ｙ４３", PUBLISHED),  # full-width forms
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected
    assert validate(text) == Checked(expected)


def test_wrong_check_character_is_a_warning() -> None:
    result = validate("91350100M000100Y44")
    assert result.usable
    assert not result.valid
    assert result.error is None
    assert result.warning == ("expected check character '3', got '4': the code may be mistyped (the row is still used)")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("91350100M000100Y4", "expected a unified social credit code of 18 characters, got 17: '91350100M000100Y4'"),
        (
            "91350100M000100Y433",
            "expected a unified social credit code of 18 characters, got 19: '91350100M000100Y433'",
        ),
        (
            "91350100O000100Y43",
            "expected a unified social credit code (digits and the letters A-H J-N P-R T U W-Y), got 'O' at position 9",
        ),
        (
            "91350100M000100Y4-",
            "expected a unified social credit code (digits and the letters A-H J-N P-R T U W-Y), got '-' at position 18",
        ),
        (
            "9135010IM000100Y43",
            "expected a unified social credit code (digits and the letters A-H J-N P-R T U W-Y), got 'I' at position 8",
        ),
    ],
)
def test_wrong_length_or_character_is_an_error(text: str, message: str) -> None:
    result = validate(text)
    assert not result.usable
    assert result.error == message
    assert result.warning is None


def test_check_char_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="expected 17 characters, got 3"):
        check_char("123")
    with pytest.raises(ValueError, match="'O' is not allowed"):
        check_char("91350100O000100Y4")
