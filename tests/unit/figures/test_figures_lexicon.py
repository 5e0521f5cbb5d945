"""The lexicons are data files in the package, loaded once; they ship in the wheel."""

from __future__ import annotations

from importlib import resources

from tui.core.figures.lexicon import lexicon


def test_data_files_are_package_resources() -> None:
    data = resources.files("tui.core.figures").joinpath("data")
    names = {entry.name for entry in data.iterdir()}
    assert {"units.toml", "currencies.toml", "scales.toml", "numbers.toml", "qualifiers.txt",
            "name_words.txt", "months.txt"} <= names


def test_lexicon_is_loaded_once_and_complete() -> None:
    lex = lexicon()
    assert lexicon() is lex
    assert lex.unit_symbols["mAh"].canon == "mAh"
    assert lex.unit_words["gigahertz"].canon == "GHz"
    assert lex.unit_words["per cent"].kind == "percent"
    assert lex.unit_words["yuan"].canon == "CNY"
    assert lex.currency_prefix["HK$"] == "HKD"
    assert lex.currency_codes["RMB"] == "CNY"
    assert lex.scale_words["bn"] == 1e9
    assert "more than" in lex.qualifiers
    assert "section" in lex.name_words


def test_every_unit_and_currency_normalises_to_a_short_symbol() -> None:
    lex = lexicon()
    for table in (lex.unit_symbols, lex.unit_attached, lex.unit_words):
        for alias, info in table.items():
            assert info.canon and len(info.canon) <= 8, alias
            if info.kind == "money":
                assert info.canon.isupper() and len(info.canon) == 3, alias
