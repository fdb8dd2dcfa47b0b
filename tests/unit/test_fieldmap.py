from datetime import date

import pytest

from examdesk.domain.fieldmap import FieldMap, FieldMapError


def us(d: date) -> str:
    return d.strftime("%m/%d/%Y")


def test_expressions_dates_and_truth_values():
    fm = FieldMap.from_dict(
        {
            "form": "f.pdf",
            "document_id": "doc",
            "fields": {
                "name": "person.first ~ ' ' ~ person.last",
                "due": {"value": "due", "format": "date"},
                "from_text": {"value": "row['Signed On']", "format": "date"},
                "ta": "role == 'ta'",
                "fixed": '"Spring"',
            },
        },
        "map.yaml",
    )
    values = fm.values(
        {"person": {"first": "Ana", "last": "Ruiz"}, "due": date(2027, 3, 4), "Signed On": "2027-02-01", "role": "ta"},
        "row 2",
        us,
        document_id="ED-1",
    )
    assert values == {
        "name": "Ana Ruiz",
        "due": "03/04/2027",
        "from_text": "02/01/2027",
        "ta": True,
        "fixed": "Spring",
        "doc": "ED-1",
    }


def test_a_missing_variable_names_the_map_field_and_row():
    fm = FieldMap.from_dict({"form": "f.pdf", "fields": {"last": "person.last_name"}}, "map.yaml")
    with pytest.raises(FieldMapError) as exc:
        fm.values({"person": {"first_name": "A"}}, "row 4", us)
    assert str(exc.value).startswith("map.yaml, field 'last', row 4:") and "last_name" in str(exc.value)


def test_a_bad_date_names_the_field():
    fm = FieldMap.from_dict({"form": "f.pdf", "fields": {"d": {"value": "d", "format": "date"}}}, "map.yaml")
    with pytest.raises(FieldMapError, match=r"map.yaml, field 'd', row 3: '2027-02-30' is not a date"):
        fm.values({"d": "2027-02-30"}, "row 3", us)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"fields": {"a": "b"}}, "'form' must name the PDF file"),
        ({"form": "f.pdf", "fields": {}}, "'fields' must map form fields to data"),
        ({"form": "f.pdf", "fields": {"a": "b +"}}, "field 'a': 'b +' is not a valid expression"),
        ({"form": "f.pdf", "fields": {"a": {"value": "b", "format": "money"}}}, "unknown format 'money'"),
        ({"form": "f.pdf", "fields": {"a": "b"}, "extra": 1}, "unknown key(s) extra"),
    ],
)
def test_bad_maps_are_refused_with_the_file_and_field(raw, message):
    with pytest.raises(FieldMapError) as exc:
        FieldMap.from_dict(raw, "map.yaml")
    assert str(exc.value).startswith("map.yaml") and message in str(exc.value)
