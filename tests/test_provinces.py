"""gongkai.supervision.provinces: the province an agency's name tells, or None where it tells none."""

from __future__ import annotations

import pytest

from gongkai.supervision.provinces import province_of


@pytest.mark.parametrize(("agency", "province"), [
    ("淮安市洪泽区人民政府", "江苏省"), ("吉林市人民政府", "吉林省"), ("海南藏族自治州财政局", "青海省"),
    ("海南省财政厅", "海南省"), ("内蒙古自治区人民政府", "内蒙古自治区"), ("海南区人民政府", None),
    ("洪泽区人民政府", None), ("", None),
])
def test_province_of_an_agency(agency: str, province: str | None) -> None:
    assert province_of(agency) == province
