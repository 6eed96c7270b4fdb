"""Streaming recorders: chunked HDF5 files, bounded memory, SIGKILL survival, checkpoint + resume."""

import os
import pathlib
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("h5py", reason="streaming recorders write HDF5: needs the [io] extra (h5py)")

from test_storage import build_network  # noqa: E402  (tests/core is on sys.path under pytest)

from pymonn.errors import ConfigurationError, RecordingError  # noqa: E402
from pymonn.storage import Checkpointer  # noqa: E402
from pymonn.streaming import StreamingEventRecorder, StreamingRecorder, read_stream  # noqa: E402

HERE = pathlib.Path(__file__).parent


def streaming_network(folder, chunk=200, dtype=np.float64):
    return build_network(dtype=dtype, extra={
        95: StreamingRecorder(["v", "np.mean(v)"], folder / "v.h5", chunk_steps=chunk),
        96: StreamingEventRecorder("fired", folder / "spikes.h5", chunk_steps=chunk),
    })


@pytest.mark.parametrize("dtype", [np.float64, np.float16])
def test_stream_equals_in_memory_recorders_and_memory_stays_bounded(tmp_path, dtype):
    net = streaming_network(tmp_path, chunk=64, dtype=dtype)
    exc = net.exc
    stream, events = exc.behaviours[95], exc.behaviours[96]
    net.simulate_iterations(100, progress=False)
    held = stream.nbytes
    assert held == 64 * (40 * np.dtype(dtype).itemsize + np.dtype(dtype).itemsize + 8)
    net.simulate_iterations(900, progress=False)
    assert stream.nbytes == held  # no growth with the run's length
    assert stream.rows_flushed["iteration"] == 960  # 15 whole chunks written, 40 samples pending
    # reading back: flushed + pending
    np.testing.assert_array_equal(stream["v"], exc.behaviours[90]["v"])
    np.testing.assert_array_equal(stream["np.mean(v)"], exc.behaviours[90]["np.mean(v)"])
    np.testing.assert_array_equal(stream.t, exc.behaviours[90].t)
    np.testing.assert_array_equal(events["fired"], exc.behaviours[91]["fired"])
    assert events.count() == exc.behaviours[91].count() > 50
    stream.close()
    events.close()
    data = read_stream(tmp_path / "v.h5")
    assert data["v"].dtype == dtype and data["v"].shape == (1000, 40)
    np.testing.assert_array_equal(data["v"], exc.behaviours[90]["v"])
    np.testing.assert_allclose(data["t"], np.arange(1, 1001) * 0.5)
    assert data["attrs"]["last_iteration"] == 1000 and data["attrs"]["dt"] == 0.5
    spikes = read_stream(tmp_path / "spikes.h5")
    np.testing.assert_array_equal(spikes["fired.i"], exc.behaviours[91]["fired.i"])
    np.testing.assert_array_equal(spikes["fired.t"], exc.behaviours[91]["fired.t"])


def test_close_then_continue_appends_and_clear_restarts(tmp_path):
    net = streaming_network(tmp_path, chunk=50)
    stream = net.exc.behaviours[95]
    net.simulate_iterations(120, progress=False)
    stream.close()
    net.simulate_iterations(130, progress=False)
    stream.close()
    data = read_stream(tmp_path / "v.h5")
    np.testing.assert_array_equal(data["iteration"], np.arange(1, 251))
    np.testing.assert_array_equal(data["v"], net.exc.behaviours[90]["v"])
    stream.clear()
    net.simulate_iterations(10, progress=False)
    stream.flush()
    np.testing.assert_array_equal(read_stream(tmp_path / "v.h5")["iteration"], np.arange(251, 261))


def test_bad_arguments_and_foreign_files(tmp_path):
    with pytest.raises(ConfigurationError, match="chunk_steps"):
        StreamingRecorder(["v"], tmp_path / "x.h5", chunk_steps=0)
    import h5py

    with h5py.File(tmp_path / "other.h5", "w") as f:
        f["x"] = np.zeros(3)
    with pytest.raises(RecordingError, match="not written by a pymonn streaming recorder"):
        read_stream(tmp_path / "other.h5")


CHILD = textwrap.dedent("""
    import os, pathlib, signal, sys
    sys.path.insert(0, {tests!r})
    from test_streaming import streaming_network
    from pymonn.storage import Checkpointer

    folder = pathlib.Path({folder!r})
    net = streaming_network(folder, chunk=200)
    stream = net.exc.behaviours[95]
    ck = Checkpointer(folder / "ck.npz", every=400)
    last = [0]

    def callback(net):
        ck(net)
        rows = stream.rows_flushed.get("iteration", 0)
        if rows != last[0]:
            last[0] = rows
            print("flushed", rows, "checkpoint", ck.saved_iterations[-1] if ck.saved_iterations else 0, flush=True)
        if net.iteration == 1100:  # mid-chunk, mid-run: SIGKILL, the same signal whoever sends it
            os.kill(os.getpid(), signal.SIGKILL)

    net.simulate_iterations(1_000_000, progress=False, callback=callback)
""")


def test_sigkill_leaves_readable_file_and_checkpoint_resume_equals_uninterrupted(tmp_path):
    total = 1500
    (tmp_path / "ref").mkdir()
    reference = streaming_network(tmp_path / "ref", chunk=200)
    reference.simulate_iterations(total, progress=False)
    for key in (95, 96):
        reference.exc.behaviours[key].close()

    run = tmp_path / "run"
    run.mkdir()
    script = CHILD.format(tests=str(HERE), folder=str(run))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=str(HERE.parent.parent))
    out, err = proc.communicate()  # the child kills itself at step 1100 (no clock involved)
    assert proc.returncode == -signal.SIGKILL, err
    reported, checkpoint = [int(x) for x in out.splitlines()[-1].split()[1::2]]
    assert reported == 1000 and checkpoint == 800

    # the killed run's file is readable and holds every flushed step, equal to the reference
    data = read_stream(run / "v.h5")
    rows = data["iteration"].size
    assert rows >= reported and rows % 200 == 0
    np.testing.assert_array_equal(data["iteration"], np.arange(1, rows + 1))
    np.testing.assert_array_equal(data["v"], reference.exc.behaviours[90]["v"][:rows])
    spikes = read_stream(run / "spikes.h5")
    last = spikes["attrs"]["last_iteration"]
    assert last % 200 == 0 and last >= reported
    ref_it = reference.exc.behaviours[91]["fired.iteration"]
    np.testing.assert_array_equal(spikes["fired.iteration"], ref_it[ref_it <= last])

    # resume from the last checkpoint in this process and finish the run
    resumed = streaming_network(run, chunk=200)
    assert Checkpointer(run / "ck.npz", every=400).resume(resumed)
    assert resumed.iteration % 400 == 0 and resumed.iteration >= 800
    resumed.simulate_iterations(total - resumed.iteration, progress=False, callback=Checkpointer(run / "ck.npz", 400))
    for key in (95, 96):
        resumed.exc.behaviours[key].close()
    whole, ref = read_stream(run / "v.h5"), read_stream(tmp_path / "ref" / "v.h5")
    for name in ("iteration", "v", "np.mean(v)"):
        np.testing.assert_array_equal(whole[name], ref[name], err_msg=name)
    whole, ref = read_stream(run / "spikes.h5"), read_stream(tmp_path / "ref" / "spikes.h5")
    for name in ("fired.iteration", "fired.i"):
        np.testing.assert_array_equal(whole[name], ref[name], err_msg=name)
    np.testing.assert_array_equal(resumed.exc.v, reference.exc.v)
    np.testing.assert_array_equal(resumed.ee.W, reference.ee.W)
    assert resumed.rng.bit_generator.state == reference.rng.bit_generator.state
    # in-memory recorders were restored from the checkpoint: whole history equal too
    np.testing.assert_array_equal(resumed.exc.behaviours[90]["v"], reference.exc.behaviours[90]["v"])
    assert os.path.exists(run / "ck.npz")
