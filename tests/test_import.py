"""`authoring facts import`: datasets (CSV, JSON) to validated facts seeds."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authoring.cli import app
from authoring.facts import load_facts
from authoring.importer import CellError, field_kind, parse_date, parse_float, parse_int
from tests.conftest import ROOT

DATA = Path(__file__).resolve().parent / "data"
CSV = DATA / "movies.csv"
JSON = DATA / "movies.json"
WRITTEN = {"leaving-las-vegas-1995.yaml", "the-truman-show-1998.yaml", "pulp-fiction-1994.yaml",
           "fargo-1996.yaml", "gattaca-1997.yaml", "2012-2009.yaml"}


def run(*args):
    return CliRunner().invoke(app, ["facts", "import", *map(str, args)])


def flat(output: str) -> str:
    return " ".join(output.split())


def test_csv_rows_become_valid_seeds_and_bad_rows_are_listed(tmp_path):
    out = tmp_path / "seeds"
    result = run(CSV, "--format", "csv", "--out", out)
    assert result.exit_code == 1, result.output  # some rows are rejected
    assert {p.name for p in out.iterdir()} == WRITTEN
    for path in out.iterdir():
        load_facts(path)  # every seed written is valid as it stands
    text = flat(result.output)
    expected = {
        "row 5 (line 6) (Titanic): column Production_Budget (box_office.budget): '$200M' is not a plain number",
        "row 6 (line 7) (The Big Lebowski): column IMDB_Votes (ratings.imdb.votes): '1,234' is not a plain number",
        "row 7 (line 8): column Title (title): required field is missing",
        "row 8 (line 9) (Heat): column Release_Date (release_date): 'sometime in 1995' is not a date",
        "row 9 (line 10) (Clerks): column Worldwide_Gross (box_office.worldwide_gross): worldwide_gross (1,000,000) "
        "is below domestic_gross",
        "row 12 (line 13) (Untitled Project):",
        "row 13 (line 14) (Battlefield Earth): column IMDB_Rating (ratings.imdb.score):",
        "row 14 (line 15) (Leaving Las Vegas): same title and year as row 1",
    }
    for line in expected:
        assert line in text, line
    assert "MPAA_Rating: the facts format has no rating field" in text
    assert "14 rows: 6 written, 0 unchanged, 8 rejected" in text
    assert "Traceback" not in result.output


def test_the_movie_columns_map_to_the_facts(tmp_path):
    out = tmp_path / "seeds"
    run(CSV, "--out", out)
    facts = load_facts(out / "leaving-las-vegas-1995.yaml").facts
    assert (facts.title, facts.year, facts.release_date) == ("Leaving Las Vegas", 1995, dt.date(1995, 10, 27))
    assert facts.directors == ["Mike Figgis"] and facts.genres == ["Drama"] and facts.runtime_minutes == 111
    bo = facts.box_office
    assert (bo.budget, bo.domestic_gross, bo.worldwide_gross) == (3600000, 32030000, 49800000)
    assert facts.ratings.imdb.score == 7.5 and facts.ratings.imdb.votes == 139000
    assert facts.ratings.rotten_tomatoes.score == 90
    text = (out / "leaving-las-vegas-1995.yaml").read_text()
    assert "R\n" not in text and "MPAA" not in text.split("\n", 1)[1]  # no rating field: dropped
    truman = load_facts(out / "the-truman-show-1998.yaml").facts
    assert truman.release_date == dt.date(1998, 6, 5) and truman.ratings.imdb.score == 8
    fargo = load_facts(out / "fargo-1996.yaml").facts
    assert fargo.genres == ["Thriller/Suspense"] and fargo.release_date == dt.date(1996, 3, 8)
    gattaca = load_facts(out / "gattaca-1997.yaml").facts  # N/A and null are absent values
    assert gattaca.runtime_minutes is None and gattaca.ratings.imdb.votes is None
    numeric = load_facts(out / "2012-2009.yaml").facts  # a number as a title stays text
    assert numeric.title == "2012" and numeric.year == 2009


def test_json_records_with_spaced_column_names(tmp_path):
    out = tmp_path / "seeds"
    result = run(JSON, "--out", out)  # the format from the file name
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"leaving-las-vegas-1995.yaml", "1776-1972.yaml",
                                                "the-truman-show-1998.yaml"}
    f1776 = load_facts(out / "1776-1972.yaml").facts
    assert f1776.title == "1776" and f1776.ratings.imdb.votes == 6000 and f1776.box_office is None
    assert load_facts(out / "the-truman-show-1998.yaml").facts.directors == ["Peter Weir"]


def test_rerun_is_unchanged_and_an_edited_seed_is_never_overwritten_without_force(tmp_path):
    out = tmp_path / "seeds"
    run(CSV, "--out", out)
    again = run(CSV, "--out", out)
    assert "6 unchanged" in flat(again.output) and "0 written" in flat(again.output)
    seed = out / "fargo-1996.yaml"
    edited = seed.read_text() + "trivia: [Shot in winter.]\n"
    seed.write_text(edited)
    result = run(CSV, "--out", out)
    assert result.exit_code == 1
    assert "fargo-1996.yaml exists with other content" in flat(result.output)
    assert seed.read_text() == edited
    result = run(CSV, "--out", out, "--force")
    assert "trivia" not in seed.read_text()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # atomic writes leave no temporaries


def test_map_overrides_drops_and_dotted_paths(tmp_path):
    out = tmp_path / "seeds"
    result = run(CSV, "--out", out, "--map", "Rotten_Tomatoes_Rating=ratings.metacritic.score",
                 "--map", "Major_Genre=-", "--map", "creative type=genres", "--map", "Distributor=crew")
    assert result.exit_code == 2  # crew is a list of entries: no column fits it
    assert "crew" in result.output and "list of entries" in flat(result.output)
    result = run(CSV, "--out", out, "--map", "Rotten_Tomatoes_Rating=ratings.metacritic.score",
                 "--map", "Major_Genre=-", "--map", "creative type=genres")
    assert result.exit_code == 1
    facts = load_facts(out / "leaving-las-vegas-1995.yaml").facts
    assert facts.ratings.metacritic.score == 90 and facts.ratings.rotten_tomatoes is None
    assert facts.genres == ["Contemporary Fiction"]


@pytest.mark.parametrize("spec, message", [
    ("Title=titel", "did you mean 'title'"),
    ("Nope=title", "no column 'Nope'"),
    ("Title", "COLUMN=FIELD"),
    ("Director=box_office", "group of fields"),
    ("Director=cast", "list of entries"),
    ("Director=title", "both map to title"),
])
def test_bad_map_exits_2(tmp_path, spec, message):
    result = run(CSV, "--out", tmp_path / "seeds", "--map", spec)
    assert result.exit_code == 2
    assert message in flat(result.output)
    assert not (tmp_path / "seeds").exists()


@pytest.mark.parametrize("name, content, fmt, message", [
    ("missing.csv", None, "csv", "file not found"),
    ("bad.json", b"[{\"Title\": ", "json", "not valid JSON"),
    ("object.json", b"{\"a\": 1, \"b\": 2}", "json", "must be a list of records"),
    ("empty.csv", b"", "csv", "empty file"),
    ("header.csv", b"Title,Release_Date\n", "csv", "no data rows"),
    ("latin1.csv", "Title,Release_Date\nAm\u00e9lie,2001-04-25\n".encode("latin-1"), "csv", "not UTF-8"),
    ("binary.csv", b"\x00\x01\x02", "csv", "binary"),
    ("data.txt", b"Title\nX\n", None, "pass --format"),
    ("data.csv", b"Title\nX\n", "xml", "use csv or json"),
    ("notitle.csv", b"Name,Year\nX,1999\n", "csv", "no column maps to title"),
])
def test_unreadable_input_exits_2(tmp_path, name, content, fmt, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    args = [path, "--out", tmp_path / "seeds"] + (["--format", fmt] if fmt else [])
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in flat(result.output) and "Traceback" not in result.output
    assert not (tmp_path / "seeds").exists()


def test_seeds_are_never_written_outside_out(tmp_path):
    data = tmp_path / "evil.csv"
    data.write_text('Title,Year,Slug\n../../etc/passwd,1999,\nEvil,1999,../escape\n', encoding="utf-8")
    out = tmp_path / "deep" / "seeds"
    result = run(data, "--out", out)
    assert result.exit_code == 1
    assert [p.name for p in out.iterdir()] == ["etc-passwd-1999.yaml"]
    assert "column Slug (slug)" in flat(result.output)
    assert not list(tmp_path.glob("*.yaml")) and not (tmp_path / "escape.yaml").exists()


def test_a_row_with_more_cells_than_columns_is_rejected(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("Title,Year\nUp,2009,extra\nCars,2006\n", encoding="utf-8")
    result = run(data, "--out", tmp_path / "seeds")
    assert result.exit_code == 1 and "row 1 (line 2) (Up): 1 more cell than the header" in flat(result.output)
    assert (tmp_path / "seeds" / "cars-2006.yaml").exists()


def test_cli_in_a_subprocess_has_no_traceback(tmp_path):
    done = subprocess.run([sys.executable, "-m", "authoring", "facts", "import", str(tmp_path / "none.json"),
                           "--out", str(tmp_path / "seeds")], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "file not found" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------- values

@pytest.mark.parametrize("text, expected", [
    ("1998-06-12", dt.date(1998, 6, 12)),
    ("Jun 12 1998", dt.date(1998, 6, 12)),
    ("June 12, 1998", dt.date(1998, 6, 12)),
    ("12 Jun 1998", dt.date(1998, 6, 12)),
    ("12-Jun-98", dt.date(1998, 6, 12)),
    ("12-Jun-1998", dt.date(1998, 6, 12)),
    ("1998/06/12", dt.date(1998, 6, 12)),
    ("Sept 1 1999", dt.date(1999, 9, 1)),
    ("7-Oct-63", dt.date(1963, 10, 7)),
    ("1-Jan-10", dt.date(2010, 1, 1)),
    ("1998-06-12T00:00:00", dt.date(1998, 6, 12)),
])
def test_dates(text, expected):
    assert parse_date(text, today=dt.date(2025, 1, 1))[0] == expected


def test_two_digit_year_follows_the_year_column():
    assert parse_date("1-Jan-10", year_hint=1910, today=dt.date(2025, 1, 1))[0] == dt.date(1910, 1, 1)


@pytest.mark.parametrize("text", ["06/12/1998", "Jnu 12 1998", "31-Feb-98", "1998", "12.6.1998"])
def test_dates_that_would_be_guesses_are_refused(text):
    with pytest.raises(CellError):
        parse_date(text)


def test_numbers_are_plain_or_refused():
    assert parse_int("3600000") == 3600000 and parse_int("3600000.0") == 3600000 and parse_int(6000.0) == 6000
    assert parse_float("7.5") == 7.5 and parse_float("90") == 90 and parse_float(8) == 8
    for bad in ("1,234", "$3.6M", "3.6M", "12 000", "7.5", True, "1e6"):
        with pytest.raises(CellError):
            parse_int(bad)
    for bad in ("7,5", "90%", "n/a!", False):
        with pytest.raises(CellError):
            parse_float(bad)


def test_field_kinds():
    assert field_kind("title") == "text" and field_kind("box_office.budget") == "int"
    assert field_kind("ratings.imdb.score") == "float" and field_kind("release_date") == "date"
    assert field_kind("genres") == "list"
    for bad in ("cast", "box_office", "ratings.imdb.nope"):
        with pytest.raises(ValueError):
            field_kind(bad)
