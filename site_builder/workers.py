"""Work spread over processes: reading offices files and rendering pages, the two parts of a build that take long."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar, cast

Item = TypeVar("Item")
Result = TypeVar("Result")

# The function a worker process applies, given by the pool's initializer; None in the process that started the pool.
_function: Callable | None = None


def parallel_map(function: Callable[[Item], Result], items: Sequence[Item], jobs: int) -> Iterator[Result]:
    """Yield function(item) for each item, in order, on `jobs` forked processes.

    The function (a partial holding what every item needs: the catalogue, the environments) reaches
    the workers through fork, not pickled; only the items and the results are. A worker that dies
    raises BrokenProcessPool instead of hanging; when the caller stops early (an error), work not
    yet started is cancelled and the workers are waited for. Where fork does not exist (Windows)
    the work runs in this process.
    """
    if jobs <= 1 or len(items) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(function, items)
        return
    executor = ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("fork"), initializer=_start, initargs=(function,)
    )
    try:
        yield from cast(Iterator[Result], executor.map(_apply, items))
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _start(function: Callable) -> None:
    """Keep, in a new worker process, the function it applies."""
    global _function
    _function = function


def _apply(item: object) -> object:
    """Apply the worker's function to one item."""
    assert _function is not None, "called outside a worker"
    return _function(item)
