"""An open-data row is keyed by its table's column names; one that differs from the declared columns fails loudly."""

from __future__ import annotations

import json

import pytest

from site_builder.datatables import TARIFFS
from site_builder.opendata import RowMismatch, _serialise

ROW = {
    "year": 1405,
    "effective": "1405/01/01",
    "effective_gregorian": "2026-03-21",
    "approval": "=1+1",
    "service_id": "police-passport",
    "service": "گذرنامه",
    "fee_urban": 250000,
    "fee_rural": 200000,
}


def test_a_row_with_the_declared_columns_is_written_in_their_order():
    serialised = _serialise(TARIFFS, [ROW])
    assert (
        serialised.csv.decode("utf-8") == "1405,1405/01/01,2026-03-21,'=1+1,police-passport,گذرنامه,250000,200000\r\n"
    )
    assert json.loads(serialised.json) == ROW
    assert list(json.loads(serialised.json)) == list(TARIFFS.names)


@pytest.mark.parametrize(
    "row",
    [
        {key: value for key, value in ROW.items() if key != "approval"},  # a column left out
        {**ROW, "note": "x"},  # a column not declared
        {"effective": ROW["effective"], **ROW},  # the declared columns in another order
    ],
)
def test_a_row_that_differs_from_the_declared_columns_fails(row):
    with pytest.raises(RowMismatch, match="tariffs"):
        _serialise(TARIFFS, [row])
