import unicodedata

import pytest

from vuonlen.core.text import fold, nfc, sort_key, vi_sorted


def test_nfc_turns_decomposed_input_into_composed_text():
    decomposed = unicodedata.normalize("NFD", "Đăk Tơ Lung  ")
    assert decomposed != "Đăk Tơ Lung"
    assert nfc(decomposed) == "Đăk Tơ Lung"
    assert unicodedata.is_normalized("NFC", nfc(decomposed))


def test_nfc_collapses_whitespace_and_handles_none():
    assert nfc("  Xã   Ngọc\tLinh ") == "Xã Ngọc Linh"
    assert nfc(None) == ""


def test_nfc_collapses_every_kind_of_space_a_spreadsheet_carries():
    # Non-breaking, em and ideographic spaces, line breaks from Alt+Enter, in ASCII and Vietnamese
    # text alike; a number cell becomes its text.
    assert nfc("\u00a0A\u2003 Blong\r\n\u3000") == "A Blong"
    assert nfc("Rơ\u00a0Châm\u2028Hiên ") == "Rơ Châm Hiên"
    assert nfc(unicodedata.normalize("NFD", " Giẻ\tTriêng ")) == "Giẻ Triêng"
    assert nfc(1001) == "1001"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Đắk Tơ Lung", "dak to lung"),
        ("Hơ Moong", "ho moong"),
        ("Nguyễn Thị Ánh", "nguyen thi anh"),
        ("ĐĂK GLEI", "dak glei"),
        (unicodedata.normalize("NFD", "Xơ Đăng"), "xo dang"),
    ],
)
def test_fold_removes_diacritics_and_maps_d_bar(text, key):
    assert fold(text) == key


def test_sort_follows_the_vietnamese_alphabet():
    words = ["Đông", "Dung", "Ê Đê", "Ân", "Ăn", "An", "Bình", "Ơn", "Ôn", "On", "Ưng", "Ung", "Giang", "Hà"]
    assert vi_sorted(words) == ["An", "Ăn", "Ân", "Bình", "Dung", "Đông", "Ê Đê", "Giang", "Hà",
                                "On", "Ôn", "Ơn", "Ung", "Ưng"]


def test_tones_order_ngang_huyen_hoi_nga_sac_nang():
    words = ["má", "mạ", "mà", "mã", "ma", "mả"]
    assert vi_sorted(words) == ["ma", "mà", "mả", "mã", "má", "mạ"]


def test_letters_outrank_tones_and_shorter_names_come_first():
    assert vi_sorted(["Lâm", "Lá", "La"]) == ["La", "Lá", "Lâm"]
    assert vi_sorted(["Kon Tum", "Kon", "Kon Rẫy"]) == ["Kon", "Kon Rẫy", "Kon Tum"]


def test_sort_key_is_plain_ascii_so_any_database_collation_agrees():
    key = sort_key("Đắk Hà, Ngọc Hồi")
    assert key.isascii()
    assert all(ch.isalnum() for ch in key)
