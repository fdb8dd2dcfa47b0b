from pathlib import Path

import pytest

from conftest import edit_config
from examdesk.settings import ConfigError, load_settings

REPO = Path(__file__).resolve().parents[2]


def test_bundled_demo_config_loads():
    s = load_settings(REPO / "config" / "district.yaml")
    assert s.organisation.subdivision == "CA"
    assert [site.id for site in s.sites] == ["LIN", "RMS", "VHS"]
    assert s.mail.transport == "outbox"
    assert s.ledger_url.startswith("sqlite:///") and s.ledger_url.endswith("output/state/ledger.sqlite3")
    assert s.school_year("2026-27").last_instructional_day.isoformat() == "2027-06-03"


def test_missing_setting_names_key_and_file(district):
    edit_config(district, organisation__name=None)
    with pytest.raises(ConfigError) as exc:
        load_settings(district)
    assert str(district) in str(exc.value)
    assert "organisation.name: missing required setting" in str(exc.value)


@pytest.mark.parametrize(
    "key,value,expected",
    [
        ("mail__port", "twenty-five", "mail.port"),
        ("mail__security", "tls-please", "mail.security"),
        ("organisation__time_zone", "Mars/Olympus_Mons", "unknown time zone"),
        ("mail__sender", "not-an-address", "mail.sender"),
        ("mail__hostname", "typo.example.org", "mail.hostname: unknown setting"),
    ],
)
def test_wrong_setting_names_key(district, key, value, expected):
    edit_config(district, **{key: value})
    with pytest.raises(ConfigError, match=expected):
        load_settings(district)


def test_password_in_file_is_refused(district):
    edit_config(district, mail__password="hunter2")
    with pytest.raises(ConfigError) as exc:
        load_settings(district)
    assert "EXAMDESK_MAIL__PASSWORD" in str(exc.value)
    assert "hunter2" not in str(exc.value)


def test_environment_overrides_file_and_carries_the_password(district, monkeypatch):
    monkeypatch.setenv("EXAMDESK_MAIL__HOST", "smtp.district.example.org")
    monkeypatch.setenv("EXAMDESK_MAIL__TRANSPORT", "smtp")
    monkeypatch.setenv("EXAMDESK_MAIL__PASSWORD", "s3cret")
    monkeypatch.setenv("EXAMDESK_LEDGER__URL", "postgresql+psycopg://127.0.0.1/examdesk")
    s = load_settings(district)
    assert s.mail.host == "smtp.district.example.org"
    assert s.mail.transport == "smtp"
    assert s.mail.port == 587  # the rest of the section still comes from the file
    assert s.mail.password.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(s)
    assert s.ledger_url == "postgresql+psycopg://127.0.0.1/examdesk"


def test_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="nowhere.yaml: configuration file not found"):
        load_settings(tmp_path / "nowhere.yaml")


def test_unknown_school_year_lists_configured_ones(district):
    s = load_settings(district)
    with pytest.raises(ConfigError, match="school year 2030-31 is not in 'school_years'.*2026-27"):
        s.school_year("2030-31")


def test_signed_documents_must_go_back_to_a_known_contact(district):
    edit_config(district, tracking__returns_to="site_secretary")
    with pytest.raises(ConfigError, match="returns_to: 'site_secretary' is not among the contacts"):
        load_settings(district)
