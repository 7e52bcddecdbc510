"""A build killed at any moment leaves the output wholly old or wholly new once the next build, serve or recover starts.

The harness drives OutputUpdate from a forked child that updates 5,000 files from state A to
state B (or back) and kills itself (SIGKILL) at its k-th file system step, for kill points spread
over the whole update: the journal's writing, the move-in and the cleanup; the parent then
recovers and compares every path and its bytes. Real `build.py` processes are killed and raced below.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import ROOT

from site_builder import writer
from site_builder.writer import MARKER, OutputLock, OutputUpdate, output_state

PAGES = 5_200


def state_a() -> dict[str, bytes]:
    """The output before the update: pages in folders of a hundred, a file that will become a folder and a folder that
    will become a file."""
    files = {f"p/{n // 100}/{n}/index.html": f"page {n}\n".encode() for n in range(PAGES)}
    files.update(
        {
            "index.html": b"home",
            "static/extra": b"a file",
            "static/old/x.css": b"a folder",
            "static/old/y.css": b"of two files",
        }
    )
    return files


def state_b() -> dict[str, bytes]:
    """The output after: most pages changed, some kept, one in seven and a folder removed, pages in new folders."""
    files = {}
    for n in range(PAGES):
        if n % 7 == 3 or n // 100 == 21:
            continue
        files[f"p/{n // 100}/{n}/index.html"] = f"page {n}\n".encode() if n % 9 == 0 else f"page {n}, edited\n".encode()
    files.update({f"q/{n // 100}/{n}/index.html": f"new page {n}\n".encode() for n in range(1_200)})
    files.update({"index.html": b"new home", "static/extra/x.css": b"now a folder", "static/old": b"now a file"})
    return files


def update(folder: Path, record, files: dict[str, bytes], state: str, linked: bool = False) -> OutputUpdate:
    """Update an output folder with OutputUpdate as a build does, every file written by a page; return the update."""
    with OutputUpdate(folder, record, state, publish_via_symlink=linked) as done:
        for path, data in files.items():
            done.add(done.write(path, data, path))
    return done


def files_in(folder: Path) -> dict[str, bytes]:
    """Return every file below a folder but the marker, by path, with its bytes."""
    files = {}
    for directory, _, names in os.walk(folder):
        for name in names:
            with open(os.path.join(directory, name), "rb") as file:
                files[os.path.relpath(os.path.join(directory, name), folder)] = file.read()
    files.pop(MARKER, None)
    return files


def retitle(site, words: str) -> None:
    """Put words before the site's title, which every page shows."""
    text = (site.content / "site.yaml").read_text(encoding="utf-8")
    site.write("site.yaml", text.replace("title: ", f"title: {words}", 1))


# Every call that changes what is on disk, and the syncs.
STEPS = ("replace", "rename", "unlink", "rmdir", "mkdir", "link", "symlink", "fsync")


def die_at_step(kill_at: int) -> list[str]:
    """In a forked child: note the file system steps of applying an update, and SIGKILL this process before step
    `kill_at`; return the steps noted (each a call and the name it works on)."""
    noted = []
    applying = [False]

    def noting(name, function):
        def step(*args, **kwargs):
            if applying[0]:
                noted.append(f"{name} {os.path.basename(str(args[0]))}")
                if len(noted) == kill_at:
                    os.kill(os.getpid(), signal.SIGKILL)
            return function(*args, **kwargs)

        return step

    for name in STEPS:
        setattr(os, name, noting(name, getattr(os, name)))
    os.sync = lambda: None  # a kill loses nothing the system holds in memory: durability is not what is tested here
    apply = OutputUpdate._apply

    def noted_apply(self):
        applying[0] = True
        apply(self)

    OutputUpdate._apply = noted_apply
    return noted


def update_in_child(
    folder: Path, files: dict[str, bytes], state: str, kill_at: int, steps_to: Path | None = None, linked: bool = False
) -> int:
    """Update a folder without a record, as a build does after a recovery, in a forked child that kills itself at a step
    (0: at none); return the signal that ended it (0: it finished, and wrote the steps it took to `steps_to`)."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            noted = die_at_step(kill_at)
            update(folder, None, files, state, linked)
            if steps_to is not None:
                steps_to.write_text(json.dumps(noted))
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return os.WTERMSIG(status)
    assert os.WEXITSTATUS(status) == 0
    return 0


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """A folder for the harness, in memory where the system has a memory file system: the harness tests the order of the
    steps, not the disk, and thousands of files written, moved and removed per kill cost a third of the time there."""
    if not os.path.isdir("/dev/shm"):
        yield tmp_path_factory.mktemp("scratch")
        return
    with tempfile.TemporaryDirectory(dir="/dev/shm", prefix="pishkhan-crash-") as folder:
        yield Path(folder)


def kill_points(steps: list[str], spread: int) -> list[int]:
    """Return the steps to kill at (numbered from 1): those on the journal and the marker and their neighbours, the
    first and last three, and `spread` more evenly between."""
    names = (".journal", ".marker", MARKER)
    marked = {number + 1 for number, step in enumerate(steps) if any(name in step for name in names)}
    near = {point + offset for point in marked for offset in (-1, 0, 1)}
    ends = {1, 2, 3, len(steps) - 2, len(steps) - 1, len(steps)}
    even = {1 + round(i * (len(steps) - 1) / (spread - 1)) for i in range(spread)}
    return sorted(point for point in near | ends | even if 1 <= point <= len(steps))


def test_an_update_killed_at_any_step_is_finished_or_never_started(scratch):
    """State A to state B and back, killed at steps spread over each update; recovery gives the one or the other."""
    states = {"a": state_a(), "b": state_b()}
    case = scratch / "kills"
    output = case / "output"
    update(output, None, states["a"], "a")
    points = {}
    for state in ("b", "a"):  # the whole update each way, its steps noted
        assert update_in_child(output, states[state], state, kill_at=0, steps_to=scratch / "steps") == 0
        assert files_in(output) == states[state] and sorted(path.name for path in case.iterdir()) == ["output"]
        steps = json.loads((scratch / "steps").read_text())
        assert len(steps) > 15_000  # 5,000 files staged and moved in, as many set aside and removed
        points[state] = kill_points(steps, 12)
    assert len(points["a"]) + len(points["b"]) >= 50
    current, outcomes = "a", set()
    while points["a"] or points["b"]:
        state = "b" if current == "a" else "a"
        if not points[state]:
            update(output, None, states[state], state)
            current = state
            continue
        kill_at, marker = points[state].pop(), output_state(output)
        assert update_in_child(output, states[state], state, kill_at) == signal.SIGKILL
        journal = case / ".output.journal"
        steps = len(json.loads(journal.read_text())["steps"]) if journal.exists() else None
        leftovers = [path.name for path in case.iterdir() if path.name not in ("output", ".output.lock")]
        committed = steps is not None or output_state(output) == state
        with OutputLock(output) as lock:
            said = lock.recovered
        where = f"killed at step {kill_at} of the update to {state}"
        assert files_in(output) == states[state if committed else current], where
        assert sorted(path.name for path in case.iterdir()) == ["output"], where
        if steps is not None:
            assert said == f"recovered {output}: finished an interrupted update of {steps:,} files", where
            assert output_state(output) == "recovered", where  # a record of the killed build's state is not trusted
        else:
            removed = f"recovered {output}: removed leftovers of an interrupted build"
            assert said == (removed if leftovers else None), where
            assert output_state(output) == (state if committed else marker), where
        outcomes.add((steps is not None, committed))
        current = state if committed else current
    assert outcomes == {(False, False), (True, True), (False, True)}  # killed before the journal, with it, after it


def test_after_a_recovery_an_update_without_a_record_gives_the_new_state(scratch):
    output = scratch / "after" / "output"
    update(output, None, state_a(), "a")
    assert update_in_child(output, state_b(), "b", kill_at=4_000) == signal.SIGKILL
    with OutputLock(output) as lock:
        assert lock.recovered.startswith(f"recovered {output}: finished an interrupted update of ")
    final = dict(state_b(), **{"index.html": b"newer home"})
    update(output, None, final, "c")  # what a build does when the marker names no state it has a record of
    assert files_in(output) == final


def test_a_first_build_killed_at_any_step_leaves_no_output_or_all_of_it(scratch):
    b = dict(list(state_b().items())[-500:])  # staged as a tree, which one rename brings in
    dry = scratch / "first"
    assert update_in_child(dry / "output", b, "b", kill_at=0, steps_to=scratch / "steps") == 0
    total = len(json.loads((scratch / "steps").read_text()))
    outcomes = set()
    for kill_at in range(1, total + 1):
        case = scratch / f"first-{kill_at}"
        output = case / "output"
        assert update_in_child(output, b, "b", kill_at) == signal.SIGKILL
        with OutputLock(output):
            pass
        assert not output.exists() or files_in(output) == b, f"killed at step {kill_at} of {total}"
        assert [path.name for path in case.iterdir()] in ([], ["output"]), f"leftovers after step {kill_at}"
        outcomes.add(output.exists())
        shutil.rmtree(case)
    assert outcomes == {False, True}


def test_a_site_published_via_a_link_killed_at_any_step_is_the_old_one_or_the_new_one(scratch):
    """As above, publishing via a link (2,000 files: the steps that matter are few, whatever the size)."""
    states = {
        name: {path: data for path, data in files.items() if not path.startswith(("p/1", "p/2", "p/3", "p/4"))}
        for name, files in (("a", state_a()), ("b", state_b()))
    }
    case = scratch / "linked"
    output = case / "output"
    update(output, None, states["a"], "a", linked=True)
    assert update_in_child(output, states["b"], "b", kill_at=0, steps_to=scratch / "steps", linked=True) == 0
    steps = json.loads((scratch / "steps").read_text())
    assert sum(step.startswith("replace ") for step in steps) < 5  # nothing moves in file by file
    current = "b"
    for kill_at in kill_points(steps, 8):
        state = "b" if current == "a" else "a"
        published = os.readlink(output)
        assert update_in_child(output, states[state], state, kill_at, linked=True) == signal.SIGKILL
        committed = (case / ".output.journal").exists() or output_state(output) == state
        with OutputLock(output):
            pass
        assert files_in(output) == states[state if committed else current], f"killed at step {kill_at} of {len(steps)}"
        assert sorted(path.name for path in case.iterdir()) == sorted(["output", os.readlink(output)])
        assert committed or os.readlink(output) == published  # what a server sends changed in one step, if at all
        current = state if committed else current


def test_publishing_via_a_link_gives_what_a_clean_build_gives_and_keeps_one_site(site):
    assert site.run("build", "--jobs", "1", "--precompress").code == 0
    for number, linked in enumerate([True, False, True]):
        retitle(site, f"{number} ")
        publish = ["--publish-via-symlink"] if linked else []
        assert site.run("build", "--jobs", "1", "--precompress", *publish).code == 0
        clean = site.root / f"clean-{number}"
        assert site.run("build", "--jobs", "1", "--precompress", "--output", clean.name, "--cache", "clean").code == 0
        assert files_in(site.root / "output") == files_in(clean)
        tree = os.readlink(site.root / "output")  # a build without the option updates the tree the link leads to
        assert tree.startswith(".output-tree-")
        assert [path.name for path in site.root.iterdir() if path.name.startswith(".output")] == [tree]


def test_publishing_via_a_link_never_replaces_a_link_someone_else_made(site):
    assert site.run("build", "--jobs", "1", "--output", "elsewhere").code == 0
    (site.root / "output").symlink_to("elsewhere")
    result = site.run("build", "--jobs", "1", "--publish-via-symlink")
    assert result.code == 2 and "is a link this program did not make" in result.err
    assert os.readlink(site.root / "output") == "elsewhere"


def test_a_damaged_journal_is_removed_and_no_record_is_trusted_after_it(tmp_path):
    output = tmp_path / "output"
    update(output, None, {"index.html": b"home"}, "a")
    (tmp_path / ".output.journal").write_text('{"update": "files", "stage": ".output-st')
    (tmp_path / ".output-stage-abcd1234").mkdir()
    with OutputLock(output) as lock:
        assert lock.recovered.startswith(f"recovered {output}: the journal of an interrupted update could not be used")
    assert [path.name for path in tmp_path.iterdir()] == ["output"]
    assert output_state(output) == "recovered"


def test_a_journal_cannot_make_recovery_touch_other_folders(tmp_path):
    output = tmp_path / "output"
    update(output, None, {"index.html": b"home"}, "a")
    (tmp_path / "precious").mkdir()
    journal = {
        "update": "files",
        "stage": "precious",
        "backup": "precious",
        "marker": None,
        "steps": [["drop", "../precious"]],
        "files": 0,
    }
    (tmp_path / ".output.journal").write_text(json.dumps(journal))
    with OutputLock(output) as lock:
        assert "could not be used" in lock.recovered
    assert (tmp_path / "precious").is_dir() and files_in(output) == {"index.html": b"home"}


def test_a_folder_filled_while_a_first_build_moves_in_keeps_its_marker(tmp_path, monkeypatch):
    """Two first builds into one new folder once left it without its marker, refused by every later build."""
    output = tmp_path / "output"
    update(output, None, {}, "empty")  # a folder holding only the marker
    original = writer._move

    def another_build_got_there_first(source, target):
        (output / "index.html").write_bytes(b"another build's home")
        original(source, target)

    monkeypatch.setattr(writer, "_move", another_build_got_there_first)
    with pytest.raises(OSError):
        update(output, None, {"index.html": b"home", "a/index.html": b"a"}, "a")
    monkeypatch.setattr(writer, "_move", original)
    assert (output / MARKER).is_file()
    writer.check_output_folder(output, [])  # the next build may update it
    update(output, None, {"index.html": b"home", "a/index.html": b"a"}, "a")
    assert files_in(output) == {"index.html": b"home", "a/index.html": b"a"}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["output"]


# Real builds, killed or raced.


def build_py(*args: str, cwd: Path) -> subprocess.Popen:
    """Start build.py in its own process group, as a shell starts a job."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), *args],
        cwd=cwd,
        text=True,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def run_build_py(*args: str, cwd: Path) -> tuple[int, str]:
    process = build_py(*args, cwd=cwd)
    _, err = process.communicate(timeout=120)
    return process.returncode, err


BUILD = ("build", "--jobs", "2", "--precompress", "--today", "1405/09/01")


@pytest.mark.parametrize("seed, then", [(1, "recover"), (2, "build")])
def test_a_real_build_killed_while_moving_files_in_is_finished_by_the_next_start(site, seed, then):
    """Kill a build and its workers at a random moment of its move-in; `recover`, or the next build, finishes it."""
    rng = random.Random(seed)
    assert run_build_py(*BUILD, cwd=site.root)[0] == 0
    old = files_in(site.root / "output")
    retitle(site, "تازه ")
    assert run_build_py(*BUILD, "--output", "clean", "--cache", "clean-cache", cwd=site.root)[0] == 0
    new = files_in(site.root / "clean")
    process = build_py(*BUILD, cwd=site.root)
    journal = site.root / ".output.journal"
    while process.poll() is None and not journal.exists():  # the move-in starts once the journal is there
        time.sleep(0.001)
    time.sleep(rng.random() / 100)  # a random moment within it, or just after
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    if then == "recover":
        code, err = run_build_py("recover", cwd=site.root)
        assert code == 0 and len(err.splitlines()) == 1, err
        assert err.startswith(("recovered output: ", "nothing to recover in output")), err
        assert files_in(site.root / "output") in (old, new)
        assert sorted(path.name for path in site.root.iterdir() if path.name.startswith(".output")) == []
    code, err = run_build_py(*BUILD, cwd=site.root)
    assert code == 0, err
    assert files_in(site.root / "output") == new  # the record of the first build is not trusted: every file is compared


def test_two_first_builds_into_one_new_folder_never_lock_it_for_good(site):
    first, second = build_py(*BUILD, cwd=site.root), build_py(*BUILD, cwd=site.root)
    errors = {process.pid: process.communicate(timeout=120)[1] for process in (first, second)}
    for process, other in ((first, second), (second, first)):
        named = f"output is being written by build.py {' '.join(BUILD)} (pid {other.pid}, since "
        refused = process.returncode == 2 and named in errors[process.pid]
        assert process.returncode == 0 or refused, errors[process.pid]
    assert run_build_py(*BUILD, cwd=site.root)[0] == 0
    assert run_build_py(*BUILD, "--output", "clean", cwd=site.root)[0] == 0
    assert files_in(site.root / "output") == files_in(site.root / "clean")


def test_a_second_build_names_the_process_writing_the_output_or_waits_for_it(site):
    with OutputLock(site.root / "output"):
        code, err = run_build_py(*BUILD, cwd=site.root)
        assert code == 2
        assert "build.py: error: output is being written by " in err and f" (pid {os.getpid()}, since " in err
        assert err.rstrip().endswith("; wait for it to finish or pass --wait SECONDS")
        waiting = build_py(*BUILD, "--wait", "100", cwd=site.root)
        line = waiting.stderr.readline()
        assert line.startswith("output is being written by ")
        assert line.rstrip().endswith("; waiting up to 100 s for it to finish")
    _, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert (site.root / "output/index.html").is_file()


def test_recover_with_nothing_to_recover_says_so(site):
    assert site.run("recover").code == 0
    assert site.run("build", "--jobs", "1").code == 0
    result = site.run("recover")
    assert (result.code, result.err) == (0, "nothing to recover in output: no build was interrupted there\n")
    (site.root / ".output-stage-abcd1234").mkdir()
    (site.root / ".output-stage-abcd1234/page").write_text("staged")
    result = site.run("recover")
    assert (result.code, result.err) == (0, "recovered output: removed leftovers of an interrupted build\n")
    assert not (site.root / ".output-stage-abcd1234").exists()
