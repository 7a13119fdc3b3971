"""The national demo's run: results/indicators.csv against a sum worked out here from the data
files, results/years.csv holding the plan's one year; and a plan of real data with an earlier year
whose folder breaks its contracts stops (exit 1) naming that year's folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from evaluation.cli import main
from evaluation.errors import EXIT_INVALID_DATA

from conftest import plan_for

pytestmark = pytest.mark.slow  # uses the demo run


def test_demo_indicators_by_another_route(demo_run: Path, demo_data: Path) -> None:
    table = pd.read_csv(demo_run / "shared" / "results" / "indicators.csv")
    rows = pd.read_csv(demo_data / "indicators.csv").merge(pd.read_csv(demo_data / "schools.csv"), on="school_id")
    overall = table[table["school_type"] == "all"]
    for (indicator, year, group), part in rows.groupby(["indicator", "year", "group"]):
        mine = overall[(overall["indicator"] == indicator) & (overall["year"] == year) & (overall["group"] == group)]
        assert len(mine) == 1
        assert mine["total"].iloc[0] == part["value"].sum()
        assert mine["schools_reporting"].iloc[0] == part["school_id"].nunique() == 14  # every school reports
        first = rows[(rows["indicator"] == indicator) & (rows["group"] == group) & (rows["year"] == 2022)]
        change = part["value"].mean() - first["value"].mean()
        assert mine["change_per_school"].iloc[0] == pytest.approx(change, abs=1e-9)
    assert set(table["group"]) == {"partner", "control"}


def test_demo_years_table_is_the_plans_one_year(demo_run: Path) -> None:
    years = pd.read_csv(demo_run / "shared" / "results" / "years.csv")
    effects = pd.read_csv(demo_run / "shared" / "results" / "effects.csv")
    headline = effects[
        (effects["analysis"] == "partner_vs_control")
        & (effects["method"] == "ancova_cr2")
        & (effects["subgroup"] == "all")
    ]
    assert set(years["period"]) == {"2022-2023"}
    assert years["estimate"].tolist() == headline["estimate"].tolist()
    assert years["n"].tolist() == (headline["n_treatment"] + headline["n_control"]).tolist()


def test_an_earlier_year_that_breaks_its_contract_stops_the_run(demo_data: Path, tmp_path: Path, capsys) -> None:
    earlier = tmp_path / "data" / "2021-2022"
    shutil.copytree(demo_data, earlier)
    indicators = pd.read_csv(earlier / "indicators.csv")
    indicators.loc[3, "value"] = -5  # a count below zero breaks the indicators contract
    indicators.to_csv(earlier / "indicators.csv", index=False)
    plan = plan_for(demo_data, tmp_path, earlier_years=[{"period": "2021-2022", "data": str(earlier)}])
    out = tmp_path / "out"
    code = main(["run", str(plan), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == EXIT_INVALID_DATA == 1
    assert f"the data of the earlier year 2021-2022 ({earlier}) broke its contracts" in err
    assert f"{out}/restricted/validation/earlier/2021-2022/quarantine.csv" in err
    quarantine = pd.read_csv(out / "restricted" / "validation" / "earlier" / "2021-2022" / "quarantine.csv")
    assert quarantine[["table", "column"]].drop_duplicates().values.tolist() == [["indicators", "value"]]
    assert "Traceback" not in err
