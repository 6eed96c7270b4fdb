"""State files are untrusted: they cannot steer names, make a kernel index out of bounds, allocate
more than the network holds, read other files, or leave a half-loaded network (issue 15, 1-5)."""

from __future__ import annotations

import io
import json
import re
import tracemalloc
import zipfile

import numpy as np
import pymonn.behaviours as L
import pytest

from pymonn import EventRecorder, Network, NeuronGroup, Recorder, SynapseGroup
from pymonn.errors import StateError, StateFileError, StateMismatchError
from pymonn.storage import read_state, write_state

ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")


def build(seed: int = 3) -> Network:
    """LIF + sparse delayed exponential synapses + spike generator + recorders (kernels index arrays)."""
    net = Network(dt=0.1, seed=seed)
    e = NeuronGroup(net, 50, {10: L.ConstantCurrent(amplitude=400.0), 30: L.LIF(v="-70;-55"),
                              90: EventRecorder("fired"), 91: Recorder(["v", "np.mean(v)"])}, tag="e")
    src = NeuronGroup(net, 4, {30: L.SpikeGenerator(indices=[0, 1, 3], times=[1.0, 2.0, 3.0])}, tag="src")
    SynapseGroup(net, e, e, tag="ee", behaviour={20: L.ExponentialSynapse(p=0.2, weight=20.0, delay=3)})
    SynapseGroup(net, src, e, tag="se", behaviour={20: L.DeltaSynapse(mode="sparse", p=0.5, weight=5.0)})
    net.initialize()
    return net


@pytest.fixture(scope="module")
def saved():
    net = build()
    net.simulate_iterations(60, progress=False)
    return net.state_dict()


def copy_state(sd):
    out = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in sd.items()}
    out["__meta__"] = json.loads(json.dumps(sd["__meta__"]))
    return out


def fingerprint(net):
    sd = net.state_dict()
    meta = sd.pop("__meta__")
    return meta["iteration"], meta["rng"], {k: (v.tobytes() if isinstance(v, np.ndarray) else v) for k, v in sd.items()}


def refused(net, state_or_path, error=StateError, strict=True):
    """Load and expect ``error``; the network must be exactly as before, and no address in the message."""
    before = fingerprint(net)
    with pytest.raises(error) as info:
        if isinstance(state_or_path, dict):
            net.load_state_dict(state_or_path, strict=strict)
        else:
            net.load(state_or_path, strict=strict)
    assert fingerprint(net) == before
    assert not ADDRESS.search(str(info.value)), str(info.value)
    return str(info.value)


# -- 1: arrays that kernels index with -----------------------------------------------------------
@pytest.mark.parametrize("name, index, value, words", [
    ("synapse/ee/csr.indices", 3, 10**6, "indices must lie in [0, 50)"),
    ("synapse/ee/csr.indices", 0, 50, "indices must lie in [0, 50)"),
    ("synapse/ee/csr.indices", 7, -1, "indices must lie in [0, 50)"),
    ("synapse/ee/csr.indptr", 5, 10**7, "indptr must start at 0, never decrease"),
    ("synapse/ee/csr.indptr", 0, 1, "indptr must start at 0"),
    ("synapse/se/csr.indptr", -1, 1, "end at"),
    ("synapse/ee/delay", 0, 200, "delays must be at most 3 steps"),
    ("group/e/behaviour/90/recording/events/fired/i", 0, 999, "event indices of 'fired' must lie in [0, 50)"),
    ("group/src/behaviour/30/indices", 1, 7, "indices must lie in [0, 4)"),
])
def test_out_of_range_index_arrays_are_refused_before_anything_runs(tmp_path, saved, name, index, value, words):
    state = copy_state(saved)
    assert state[name].size > abs(index)
    state[name][index] = value
    path = write_state(state, tmp_path / "tampered.npz")
    message = refused(build(), path, StateFileError)
    assert words in message
    assert refused(build(), state, StateFileError)  # the in-memory path checks the same


def test_the_compiled_kernels_stay_in_bounds_after_a_refused_load(tmp_path, saved):
    state = copy_state(saved)
    state["synapse/ee/csr.indices"][:] = 2**31 - 1  # would have written far outside I_syn
    net = build()
    refused(net, write_state(state, tmp_path / "t.npz"), StateFileError)
    net.simulate_iterations(50, progress=False)  # runs as a fresh network would
    fresh = build()
    fresh.simulate_iterations(50, progress=False)
    np.testing.assert_array_equal(net.e.v, fresh.e.v)


# -- 2: names, types, allocations ----------------------------------------------------------------
@pytest.mark.parametrize("name, value", [
    ("network/_dt", 5.0), ("network/_iteration", 10), ("group/e/network", "x"), ("group/e/size", 10**9),
    ("group/e/__class__", "x"), ("group/e/tags", "x"), ("group/e/behaviour/30/parent", 1),
    ("group/e/behaviour/30/refresh", 1.0), ("group/e/accumulator", 1), ("group/e/rng", 3),
    ("group/e/behaviour/30/_tail", np.zeros(50)), ("synapse/ee/src", "e"), ("group/e/x y", 1.0),
])
def test_names_outside_the_networks_state_are_never_set(saved, name, value):
    state = copy_state(saved)
    state[name] = value
    net = build()
    message = refused(net, state, StateMismatchError)
    assert name in message and "does not have" in message
    net.load_state_dict(state, strict=False)  # strict=False: ignored, never set
    assert net.dt == 0.1 and net.e.size == 50 and net.e.tags[0] == "e" and type(net.e).__name__ == "NeuronGroup"
    assert net.e.behaviours[30].parent is net.e and callable(net.e.accumulator)
    assert "x y" not in vars(net.e) and not isinstance(vars(net.e.behaviours[30]).get("_tail"), np.ndarray)


@pytest.mark.parametrize("name, value, words", [
    ("group/e/v", np.zeros(51), "file has array (51,) float64, network has array (50,) float64"),
    ("group/e/v", np.zeros(50, np.float32), "float32"),
    ("group/e/v", 1.5, "file has float 1.5, network has array"),
    ("group/e/refractory", np.zeros(50, np.int64), "int64"),
    ("group/e/behaviour/91/every", 2.5, "file has float 2.5, network has int 1"),
    ("group/e/behaviour/91/active", "yes", "file has str 'yes', network has bool True"),
    ("synapse/ee/csr.n_dst", 10**6, "csr.n_dst: file has int 1000000, network has int 50"),
])
def test_every_value_must_have_the_live_kind_shape_and_dtype(saved, name, value, words):
    state = copy_state(saved)
    state[name] = value
    assert words in refused(build(), state, StateMismatchError)


def test_variables_made_during_a_run_are_created_only_within_the_documented_bounds(saved):
    state = copy_state(saved)
    state["group/e/later"] = np.arange(50.0)  # a per-neuron array a behaviour makes in its first step
    state["group/e/behaviour/30/count"] = 7
    net = build()
    net.load_state_dict(state)
    np.testing.assert_array_equal(net.e.later, np.arange(50.0))
    assert net.e.behaviours[30].count == 7
    for bad in (np.zeros(10**5), np.zeros((50, 2)), np.array(["a"] * 50), np.zeros(50, np.complex128)):
        wrong = copy_state(saved)
        wrong["group/e/later"] = bad
        refused(build(), wrong, StateMismatchError)


def test_a_small_file_cannot_make_a_large_allocation(tmp_path, saved):
    """1 GiB of zeros compresses to ~1 MB: its header is read, refused, and its data never is."""
    state = copy_state(saved)
    path = write_state(state, tmp_path / "bomb.npz", compress=True)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z, z.open("group/e/huge.npy", "w",
                                                                                   force_zip64=True) as fh:
        np.lib.format.write_array_header_1_0(fh, {"descr": "<f8", "fortran_order": False, "shape": (2**27,)})
        block = bytes(1 << 24)
        for _ in range(64):  # 1 GiB of zeros
            fh.write(block)
    assert path.stat().st_size < 3 * 2**20
    net = build()
    tracemalloc.start()
    try:
        refused(net, path, StateMismatchError)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20  # far below the 1 GiB the entry declares


def test_hdf5_refuses_links_external_storage_virtual_and_unwritten_datasets(tmp_path, saved):
    h5py = pytest.importorskip("h5py", reason="HDF5 state files need the [io] extra (h5py)")
    secret = tmp_path / "secret.bin"
    secret.write_bytes(np.arange(50.0).tobytes())
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["v"] = np.arange(50.0)

    def tampered(name, change):
        path = write_state(copy_state(saved), tmp_path / f"{name}.h5")
        with h5py.File(path, "a") as f:
            del f["group/e/v"]
            change(f)
        return path

    layout = h5py.VirtualLayout(shape=(50,), dtype="f8")
    layout[:] = h5py.VirtualSource(str(other), "v", shape=(50,))
    cases = {
        "external storage": lambda f: f.create_dataset("group/e/v", shape=(50,), dtype="f8",
                                                       external=[(str(secret), 0, 400)]),
        "soft link": lambda f: f.__setitem__("group/e/v", h5py.SoftLink("/group/e/refractory")),
        "external link": lambda f: f.__setitem__("group/e/v", h5py.ExternalLink(str(other), "/v")),
        "virtual dataset": lambda f: f.create_virtual_dataset("group/e/v", layout),
        "unwritten": lambda f: f.create_dataset("group/e/v", shape=(50,), dtype="f8"),
    }
    words = {"external storage": "keeps its data in another file", "soft link": "SoftLink",
             "external link": "ExternalLink", "virtual dataset": "virtual dataset", "unwritten": "never written"}
    for name, change in cases.items():
        message = refused(build(), tampered(name.replace(" ", "_"), change), StateFileError)
        assert words[name] in message, (name, message)


# -- 3: all or nothing -------------------------------------------------------------------------------
@pytest.mark.parametrize("change, words", [
    (lambda m: m.__setitem__("iteration", "abc"), "iteration must be an int"),
    (lambda m: m.__setitem__("iteration", -4), "iteration must be an int"),
    (lambda m: m.__setitem__("iteration", True), "iteration must be an int"),
    (lambda m: m.__setitem__("dt", "fast"), "dt must be a positive number"),
    (lambda m: m.__setitem__("seed", "abc"), "seed must be"),
    (lambda m: m["rng"]["state"].__setitem__("state", "x"), "not one PCG64 accepts"),
    (lambda m: m["rng"].__setitem__("state", {"state": {"__ndarray__": [1], "dtype": "bogus"}}), "PCG64"),
    (lambda m: m["rng"].__setitem__("state", {"state": {"__ndarray__": [1], "dtype": "O"}}), "PCG64"),
    (lambda m: m.__setitem__("rng", 5), "rng must be"),
    (lambda m: m.__setitem__("objects", {"a": 1}), "objects must be a list"),
    (lambda m: m["objects"][1].__setitem__("size", "big"), "size must be an int"),
    (lambda m: m.__setitem__("containers", {"group/e/v": ["list", -1]}), "container"),
    (lambda m: m.__setitem__("version", 99), "version 99 is not supported"),
])
def test_bad_metadata_is_a_state_file_error_and_changes_nothing(tmp_path, saved, change, words):
    state = copy_state(saved)
    change(state["__meta__"])
    net = build()
    net.simulate_iterations(7, progress=False)
    assert words in refused(net, state, StateFileError)
    assert words in refused(net, write_state(state, tmp_path / "m.npz"), StateFileError)


def test_malformed_json_metadata_is_a_state_file_error(tmp_path, saved):
    good = write_state(copy_state(saved), tmp_path / "good.npz")
    for label, text in (("deep", "[" * 100_000 + "]" * 100_000), ("not json", "{'a': 1"), ("not a dict", "[1, 2]"),
                        ("huge int", '{"format": "pymonn-state", "version": 2, "iteration": 1' + "0" * 5000 + "}")):
        path = tmp_path / f"{label}.npz"
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
            for item in src.namelist():
                data = src.read(item)
                if item == "__meta__.npy":
                    buf = io.BytesIO()
                    np.save(buf, np.array(text))
                    data = buf.getvalue()
                dst.writestr(item, data)
        refused(build(), path, StateFileError)


def test_a_problem_found_last_leaves_what_came_first_untouched(saved):
    state = copy_state(saved)
    state["group/e/v"][:] = 123.0  # would be applied first
    state["group/e/behaviour/90/recording/events/fired/iteration"][-1] = 10**6  # found last: after step 60
    net = build()
    assert "recorded steps" in refused(net, state, StateFileError)
    assert not np.any(net.e.v == 123.0)


# -- 4: HDF5 checksums ----------------------------------------------------------------------------------
def test_hdf5_byte_flips_are_detected_or_harmless(tmp_path, saved):
    h5py = pytest.importorskip("h5py", reason="HDF5 state files need the [io] extra (h5py)")
    path = write_state(copy_state(saved), tmp_path / "s.h5")
    reference = build()
    reference.load(path)
    expected = fingerprint(reference)
    good = path.read_bytes()
    with h5py.File(path, "r") as f:  # where the data of a few datasets lies
        spots = [f[name].id.get_offset() for name in ("group/e/v", "synapse/ee/csr.indices", "synapse/ee/W")]
    rng = np.random.default_rng(1)
    positions = [int(p) for p in rng.integers(0, len(good), 40)] + [s + 3 for s in spots]
    detected = 0
    for k, pos in enumerate(positions):
        data = bytearray(good)
        data[pos] ^= 1 << int(rng.integers(8))
        flipped = tmp_path / f"flip{k}.h5"
        flipped.write_bytes(bytes(data))
        net = build()
        try:
            net.load(flipped)
        except (StateFileError, StateMismatchError) as exc:
            assert not ADDRESS.search(str(exc))
            detected += 1
            continue
        assert fingerprint(net) == expected, f"byte {pos}: loaded a different state without complaint"
        assert pos not in [s + 3 for s in spots]
    assert detected >= 3  # (at least the three flips inside data)


# -- 5: a freshly built network takes a saved state, for every library model and synapse --------------
MODELS = {
    "LIF": lambda: L.LIF(v="-70;-55"), "Izhikevich": lambda: L.Izhikevich(),
    "AdEx": lambda: L.AdEx(t_ref=1.0), "HodgkinHuxley": lambda: L.HodgkinHuxley(),
    "HindmarshRose": lambda: L.HindmarshRose(),
}
DRIVE = {"LIF": 400.0, "Izhikevich": 10.0, "AdEx": 800.0, "HodgkinHuxley": 10.0, "HindmarshRose": 3.0}
SYNAPSES = {
    "delta": lambda: L.DeltaSynapse(p=0.3, weight=2.0, delay=2),
    "exponential": lambda: L.ExponentialSynapse(mode="sparse", p=0.3, weight=2.0),
    "exponential_inh": lambda: L.ExponentialSynapse(p=0.3, weight="uniform(-2, 2)", tau_inh=10.0, delay=1),
    "alpha": lambda: L.AlphaSynapse(p=0.3, weight=2.0, tau_inh=3.0),
    "conductance": lambda: L.ConductanceSynapse(mode="sparse", p=0.3, weight=0.5, delay=3),
}


def library_net(model, synapse):
    net = Network(dt=0.05, seed=11)
    g = NeuronGroup(net, 12, {10: L.PoissonInput(N=20, rate=50.0, weight=DRIVE[model] * 0.05),
                              11: L.ConstantCurrent(amplitude=DRIVE[model]), 30: MODELS[model](),
                              90: EventRecorder("fired"), 91: Recorder(["v", "I"])}, tag="g")
    SynapseGroup(net, g, g, tag="gg", behaviour={20: SYNAPSES[synapse](), 40: L.STDP(w_max=50.0)}
                 if synapse == "exponential" else {20: SYNAPSES[synapse]()})
    return net


@pytest.mark.parametrize("synapse", list(SYNAPSES))
@pytest.mark.parametrize("model", list(MODELS))
def test_a_fresh_network_loads_a_saved_state_and_continues_bit_for_bit(tmp_path, model, synapse):
    straight = library_net(model, synapse)
    straight.simulate_iterations(120, progress=False)
    first = library_net(model, synapse)
    first.simulate_iterations(70, progress=False)
    path = first.save(tmp_path / "s.npz")
    fresh = library_net(model, synapse)  # built, never initialized nor stepped
    fresh.load(path)
    fresh.simulate_iterations(50, progress=False)
    assert fingerprint(fresh) == fingerprint(straight)
    assert fresh.g["EventRecorder", 0].count() == straight.g["EventRecorder", 0].count()


def test_loading_clears_a_failure_and_read_state_round_trips(tmp_path, saved):
    path = write_state(copy_state(saved), tmp_path / "s.npz")
    back = read_state(path)
    assert set(back) == set(saved)
    net = build()
    net._failed = RuntimeError("a step failed")
    net.load(path)
    assert net.failed is None and net.iteration == 60
