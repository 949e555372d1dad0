from datetime import date

import pytest

from core.idcard import is_valid_id_number, make_id_number
from core.money import MoneyError, amount_in_words, format_fen, parse_yuan
from core.pii import find_pii
from core.privacy import age_band, is_minor_case, mask_id_number, mask_name, mask_phone


def test_masks_hide_the_middle():
    assert mask_name("张三明") == "张*明"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_id_number("440783198503141234") == "4407**********1234"
    assert mask_phone("13812345678") == "138****5678"


def test_id_number_checksum():
    valid = make_id_number("440783", date(1985, 3, 14), 123)
    assert is_valid_id_number(valid)
    broken = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    assert not is_valid_id_number(broken)
    assert not is_valid_id_number("44078319850314123")
    assert not is_valid_id_number("440783198513141234")  # month 13


@pytest.mark.parametrize(
    "story",
    [
        "联系电话13812345678",
        "电话 138 1234 5678",
        "电话 138-1234-5678",
        "电话１３８１２３４５６７８",
        "座机 0750-2212345",
        "座机 2212345",
        "身份证号440783198503141234",
        "身份证 4407 8319 8503 1412 34",
    ],
)
def test_story_with_numbers_is_flagged(story):
    assert find_pii(story), story


def test_story_with_name_is_flagged():
    assert [f.kind for f in find_pii("张三明希望参加培训", ["张三明"])] == ["name"]
    assert [f.kind for f in find_pii("三明希望参加培训", ["张三明"])] == ["name"]
    assert [f.kind for f in find_pii("张 三 明希望", ["张三明"])] == ["name"]


def test_clean_story_passes():
    assert find_pii("孩子今年升读初中，学杂费约2000元，希望得到帮助。", ["张三明"]) == []


def test_minor_is_judged_at_case_start():
    assert is_minor_case(date(2008, 6, 1), date(2026, 5, 31))
    assert not is_minor_case(date(2008, 6, 1), date(2026, 6, 1))
    assert age_band(date(1990, 1, 1), date(2026, 11, 26)) == "30-39"
    assert age_band(date(2010, 1, 1), date(2026, 11, 26)) == "<18"


def test_money_parsing_and_words():
    assert parse_yuan("1200.5") == 120050
    assert parse_yuan("¥1,200") == 120000
    for bad in ("-5", "abc", "1.234", "", "1e3"):
        with pytest.raises(MoneyError):
            parse_yuan(bad)
    assert format_fen(123456) == "¥1,234.56"
    assert amount_in_words(12345) == "壹佰贰拾叁元肆角伍分"
    assert amount_in_words(100000) == "壹仟元整"
    assert amount_in_words(10000500) == "壹拾万零伍元整"
    assert amount_in_words(5) == "伍分"
    assert amount_in_words(1000000000) == "壹仟万元整"
