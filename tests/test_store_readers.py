"""A store swap never deletes the Oxigraph folder a reader still has open."""

from __future__ import annotations

import pyoxigraph as ox

from kg.io import hold_graph, release_graph
from kg.store import FactStore

TRIPLE = "<http://example.org/s> <http://example.org/p> \"{}\" .\n"


def count(folder) -> int:
    store = ox.Store.read_only(str(folder))
    return len(store)


def test_an_unheld_old_folder_goes_at_the_swap(tmp_path):
    store = FactStore(tmp_path)
    store.write_graph(TRIPLE.format(1).encode())
    first = (tmp_path / "oxigraph").resolve()
    store.write_graph(TRIPLE.format(2).encode())
    assert not first.exists()
    assert [p.name for p in tmp_path.glob("oxigraph-*")] == [(tmp_path / "oxigraph").resolve().name]


def test_a_held_folder_outlives_the_swap_and_goes_at_release(tmp_path):
    store = FactStore(tmp_path)
    store.write_graph((TRIPLE.format(1) + TRIPLE.format(2)).encode())
    folder, handle = hold_graph(tmp_path)
    opened = ox.Store.read_only(str(folder))
    store.write_graph(TRIPLE.format(3).encode())  # the swap
    assert folder.is_dir()
    assert len(opened) == 2  # the reader still reads its graph
    assert count(tmp_path / "oxigraph") == 1  # new readers get the new one
    del opened
    release_graph(tmp_path, folder, handle)
    assert not folder.exists()
    assert not list(tmp_path.glob(".oxigraph-*.readers"))


def test_release_keeps_the_current_folder(tmp_path):
    store = FactStore(tmp_path)
    store.write_graph(TRIPLE.format(1).encode())
    folder, handle = hold_graph(tmp_path)
    release_graph(tmp_path, folder, handle)
    assert folder.is_dir() and count(tmp_path / "oxigraph") == 1


def test_two_readers_the_folder_waits_for_both(tmp_path):
    store = FactStore(tmp_path)
    store.write_graph(TRIPLE.format(1).encode())
    folder, first = hold_graph(tmp_path)
    same, second = hold_graph(tmp_path)
    assert same == folder
    store.write_graph(TRIPLE.format(2).encode())
    release_graph(tmp_path, folder, first)
    assert folder.is_dir()  # the other reader still has it
    release_graph(tmp_path, folder, second)
    assert not folder.exists()


def test_open_store_holds_a_store_folder_through_a_swap(tmp_path):
    from kg.query import open_store

    store = FactStore(tmp_path)
    store.write_graph((TRIPLE.format(1) + TRIPLE.format(2)).encode())
    opened = open_store(tmp_path)
    first = (tmp_path / "oxigraph").resolve()
    store.write_graph(TRIPLE.format(3).encode())
    assert first.is_dir() and len(opened) == 2  # held: the swap left it
    assert len(open_store(tmp_path)) == 1  # a new open gets the new graph


def test_reading_holds_the_folder_for_the_block_only(tmp_path):
    from kg.query import reading

    store = FactStore(tmp_path)
    store.write_graph((TRIPLE.format(1) + TRIPLE.format(2)).encode())
    with reading(tmp_path) as opened:
        first = (tmp_path / "oxigraph").resolve()
        store.write_graph(TRIPLE.format(3).encode())  # a rebuild while a query runs
        assert first.is_dir() and len(opened) == 2
        del opened
    assert not first.exists()  # let go at the end, and deleted, being replaced
    with reading(tmp_path) as opened:
        assert len(opened) == 1
    assert (tmp_path / "oxigraph").resolve().is_dir()  # the current graph stays
