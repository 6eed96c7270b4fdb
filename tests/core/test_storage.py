"""Storage without pickle: state_dict, save/load (npz and HDF5), mismatches, corruption, checkpoints."""

import io
import pickle
import zipfile

import numpy as np
import pytest

from pymonn import EventRecorder, Network, NeuronGroup, Recorder, SynapseGroup
from pymonn.behaviour import Behaviour
from pymonn.errors import StateError
from pymonn.storage import (
    Checkpointer,
    StateFileError,
    StateMismatchError,
    load_recordings,
    read_state,
    save_recordings,
)


# -- a small network that uses every kind of state the storage must carry ----------------------------
class PoissonInput(Behaviour):
    def initialize(self, n):
        self.p = self.parameter("rate", 40.0) * n.network.dt * 1e-3  # python float
        n.fired = n.vector(bool)

    def iteration(self, n):
        n.fired[:] = n.rng.random(n.size) < self.p


class Transmit(Behaviour):
    """Dense synapses: the source's spikes of the previous step into the target's current."""

    def initialize(self, s):
        s.W = s.matrix("uniform", scale=self.parameter("scale", 2.0))

    def iteration(self, s):
        s.dst.accumulator("I")[:] += s.W[:, s.src.fired].sum(axis=1)


class NoisyLIF(Behaviour):
    def initialize(self, n):
        self.tau = self.parameter("tau", 10.0)
        n.v = n.vector("uniform") * -10.0
        n.fired = n.vector(bool)
        n.refractory = np.zeros(n.size, dtype=np.int64)
        self.spike_count = 0  # python int state
        self.last_mean = np.float64(0.0)  # numpy scalar state

    def iteration(self, n):
        current = n.accumulator("I") + n.rng.normal(0.0, 0.5, n.size).astype(n.dtype)
        active = n.refractory == 0
        n.v[active] += (n.dt / self.tau * (-n.v[active]) + current[active]).astype(n.dtype)
        n.refractory[~active] -= 1
        n.fired[:] = n.v > 5.0
        n.v[n.fired] = 0.0
        n.refractory[n.fired] = 3
        self.spike_count += int(n.fired.sum())
        self.last_mean = np.float64(n.v.mean())


class STDP(Behaviour):
    """Pair-based additive STDP with traces; keeps a reference to W (must survive a load)."""

    def initialize(self, s):
        self.W = s.W  # alias: load must copy in place
        self.x_pre = np.zeros(s.src.size, dtype=s.dtype)
        self.x_post = np.zeros(s.dst.size, dtype=s.dtype)
        self.decay = np.exp(-s.dt / 20.0)

    def iteration(self, s):
        self.x_pre *= self.decay
        self.x_post *= self.decay
        pre, post = s.src.fired, s.dst.fired
        self.W[:, pre] -= 0.01 * self.x_post[:, None]
        self.W[post, :] += 0.01 * self.x_pre[None, :]
        np.clip(self.W, 0.0, 2.0, out=self.W)
        self.x_pre[pre] += 1.0
        self.x_post[post] += 1.0


class DelayLine(Behaviour):
    """A ring of past spike vectors kept as a list of arrays, with a python int pointer."""

    def initialize(self, n):
        self.ring = [np.zeros(n.size, dtype=bool) for _ in range(3)]
        self.pos = 0
        n.delayed = n.vector(bool)

    def iteration(self, n):
        n.delayed[:] = self.ring[self.pos]
        self.ring[self.pos][:] = n.fired
        self.pos = (self.pos + 1) % len(self.ring)


def build_network(dtype=np.float64, size=40, seed=5, tag="exc", extra=None):
    net = Network(dt=0.5, seed=seed, dtype=dtype)
    NeuronGroup(net, 50, {10: PoissonInput(rate=40.0)}, tag="inp")
    behaviours = {30: NoisyLIF(tau=10.0), 35: DelayLine(), 90: Recorder(["v", "np.mean(v)"]),
                  91: EventRecorder("fired")}
    if extra:
        behaviours.update(extra)
    NeuronGroup(net, size, behaviours, tag=tag)
    SynapseGroup(net, "inp", tag, tag="ee", behaviour={20: Transmit(scale=0.6), 40: STDP(), 92: Recorder(["np.mean(W)"])})
    net.initialize()
    return net


def arrays_of(state):
    return {k: v for k, v in state.items() if isinstance(v, np.ndarray)}


def assert_same_state(a, b):
    sa, sb = a.state_dict(), b.state_dict()
    assert sorted(sa) == sorted(sb)
    for key in sa:
        if key == "__meta__":
            assert sa[key]["rng"] == sb[key]["rng"]
            assert sa[key]["iteration"] == sb[key]["iteration"]
            continue
        if isinstance(sa[key], np.ndarray):
            assert sa[key].dtype == sb[key].dtype, key
            np.testing.assert_array_equal(sa[key], sb[key], err_msg=key)
        else:
            assert sa[key] == sb[key], key


# -- tests -----------------------------------------------------------------------------------------
def test_state_dict_holds_arrays_scalars_behaviours_rng_and_copies():
    net = build_network()
    net.simulate_iterations(40, progress=False)
    sd = net.state_dict()
    exc = net.exc
    np.testing.assert_array_equal(sd["group/exc/v"], exc.v)
    assert sd["group/exc/refractory"].dtype == np.int64
    assert sd["synapse/ee/W"].shape == (40, 50)
    assert sd["group/exc/behaviour/30/tau"] == 10.0 and isinstance(sd["group/exc/behaviour/30/spike_count"], int)
    assert sd["group/exc/behaviour/30/spike_count"] == exc.behaviours[30].spike_count
    assert sd["group/exc/behaviour/35/ring[2]"].dtype == bool
    assert sd["synapse/ee/behaviour/40/x_pre"].shape == (50,)
    assert sd["group/exc/behaviour/90/recording/values/v"].shape == (40, 40)
    assert sd["group/exc/behaviour/91/recording/events/fired/i"].size == exc.behaviours[91].count()
    meta = sd["__meta__"]
    assert meta["iteration"] == 40 and meta["dt"] == 0.5 and meta["dtype"] == "float64"
    assert meta["rng"] == net.rng.bit_generator.state
    assert meta["objects"][2]["behaviours"]["30"] == {"class": "NoisyLIF", "module": __name__, "params": {"tau": 10.0}}
    sd["group/exc/v"][:] = 123.0  # a copy: the network is not changed
    assert not np.any(exc.v == 123.0)


@pytest.mark.parametrize("suffix", [".npz", ".h5"])
def test_save_mid_run_load_into_fresh_network_continues_bit_for_bit(tmp_path, suffix):
    if suffix == ".h5":
        pytest.importorskip("h5py", reason="HDF5 storage needs the [io] extra (h5py)")
    straight = build_network()
    straight.simulate_iterations(300, progress=False)

    first = build_network()
    first.simulate_iterations(137, progress=False)
    path = first.save(tmp_path / f"state{suffix}")
    assert path.exists()
    del first

    resumed = build_network()
    resumed.simulate_iterations(5, progress=False)  # whatever it did before is overwritten
    resumed.load(path)
    assert resumed.iteration == 137
    resumed.simulate_iterations(163, progress=False)
    assert resumed.iteration == 300
    assert_same_state(straight, resumed)
    # the STDP alias still points at the synapse matrix after the load
    assert resumed.ee.behaviours[40].W is resumed.ee.W
    # spikes and traces recorded across the save/load equal the uninterrupted run
    np.testing.assert_array_equal(straight.exc.behaviours[91]["fired"], resumed.exc.behaviours[91]["fired"])
    np.testing.assert_array_equal(straight["v", 0], resumed["v", 0])
    assert straight.exc.behaviours[91].count() > 20  # the test network does spike


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_low_precision_networks_round_trip(tmp_path, dtype):
    a = build_network(dtype=dtype)
    a.simulate_iterations(60, progress=False)
    a.save(tmp_path / "s.npz")
    b = build_network(dtype=dtype)
    b.load(tmp_path / "s.npz")
    assert b.exc.v.dtype == dtype
    a.simulate_iterations(40, progress=False)
    b.simulate_iterations(40, progress=False)
    assert_same_state(a, b)


def test_in_memory_state_dict_round_trip_without_recordings():
    a = build_network()
    a.simulate_iterations(50, progress=False)
    sd = a.state_dict(recordings=False)
    assert not any("/recording/" in k for k in sd)
    b = build_network()
    b.load_state_dict(sd)
    assert len(b.exc.behaviours[90]["v"]) == 0  # recorders untouched
    a.simulate_iterations(30, progress=False)
    b.simulate_iterations(30, progress=False)
    np.testing.assert_array_equal(a.exc.v, b.exc.v)
    np.testing.assert_array_equal(a.ee.W, b.ee.W)


def test_mismatched_networks_raise_a_state_mismatch_naming_the_difference(tmp_path):
    a = build_network()
    a.simulate_iterations(10, progress=False)
    path = a.save(tmp_path / "a.npz")

    smaller = build_network(size=30)
    v_before = smaller.exc.v.copy()
    with pytest.raises(StateMismatchError, match=r"NeuronGroup 'exc': file has size 40, network has size 30") as err:
        smaller.load(path)
    assert "shape (40, 50), network has (30, 50)" in str(err.value)
    np.testing.assert_array_equal(smaller.exc.v, v_before)  # nothing was changed
    assert smaller.iteration == 0
    assert isinstance(err.value, StateError)

    with pytest.raises(StateMismatchError, match=r"neuron groups: file has \['inp', 'exc'\], network has \['inp', 'other'\]"):
        build_network(tag="other").load(path)
    with pytest.raises(StateMismatchError, match="dtype: file has float64, network has float32"):
        build_network(dtype=np.float32).load(path)
    with pytest.raises(StateMismatchError, match="behaviour key 50: file has nothing, network has Recorder"):
        build_network(extra={50: Recorder(["v"])}).load(path)

    class OtherLIF(NoisyLIF):
        pass

    with pytest.raises(StateMismatchError, match=r"behaviour key 30: file has NoisyLIF, network has \S*OtherLIF"):
        build_network(extra={30: OtherLIF()}).load(path)

    # a variable the file lacks: strict fails, strict=False loads the rest
    state = read_state(path)
    del state["group/exc/refractory"]
    net = build_network()
    with pytest.raises(StateMismatchError, match="variable 'refractory' is in the network but not in the file"):
        net.load_state_dict(state)
    net.load_state_dict(state, strict=False)
    np.testing.assert_array_equal(net.exc.v, a.exc.v)
    # an array of another dtype in the file
    state = read_state(path)
    state["group/exc/v"] = state["group/exc/v"].astype(np.float32)
    with pytest.raises(StateMismatchError, match=r"exc'\.v: file has array \(40,\) float32, network has array \(40,\) float64"):
        build_network().load_state_dict(state)


def _saved(tmp_path, suffix=".npz"):
    net = build_network()
    net.simulate_iterations(20, progress=False)
    return net.save(tmp_path / f"ok{suffix}")


def test_corrupted_or_foreign_files_raise_state_file_error(tmp_path):
    good = _saved(tmp_path).read_bytes()
    cases = {
        "truncated.npz": good[: len(good) // 2],
        "garbage.npz": b"\x00\x01not a state file at all",
        "empty.npz": b"",
    }
    flipped = bytearray(good)
    for k in range(len(flipped) // 3, len(flipped) // 3 + 64):  # damage bytes inside the archive
        flipped[k] ^= 0xFF
    cases["flipped.npz"] = bytes(flipped)
    for name, data in cases.items():
        p = tmp_path / name
        p.write_bytes(data)
        with pytest.raises(StateFileError, match="ok|corrupt|truncated|neither|not"):
            build_network().load(p)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, v=np.zeros(3))
    with pytest.raises(StateFileError, match="no '__meta__'"):
        build_network().load(foreign)
    with pytest.raises(StateFileError, match="cannot open"):
        build_network().load(tmp_path / "missing.npz")


def test_corrupted_hdf5_raises_state_file_error(tmp_path):
    pytest.importorskip("h5py", reason="HDF5 storage needs the [io] extra (h5py)")
    good = _saved(tmp_path, ".h5").read_bytes()
    p = tmp_path / "cut.h5"
    p.write_bytes(good[: len(good) // 3])
    with pytest.raises(StateFileError, match="corrupted or truncated"):
        build_network().load(p)


class _Payload:
    """Unpickling it creates the folder ``path`` (the proof that a pickle ran)."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        import os

        return (os.mkdir, (self.path,))


def test_loading_never_unpickles(tmp_path):
    import os

    marker = tmp_path / "pickle-ran"  # this test's own folder: no other run can have made it
    evil = tmp_path / "evil.npz"
    buf = io.BytesIO()
    np.save(buf, np.array([_Payload(marker)], dtype=object), allow_pickle=True)
    good = _saved(tmp_path).read_bytes()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(evil, "w") as dst:
        for item in src.namelist():
            data = src.read(item)
            if item == "group/exc/v.npy":
                data = buf.getvalue()
            dst.writestr(item, data)
    with pytest.raises(StateFileError, match="Object arrays cannot be loaded"):
        build_network().load(evil)
    assert not os.path.exists(marker)
    assert pickle  # (imported to make the intent explicit: the payload is a pickle)


def test_checkpointer_resume_equals_uninterrupted_run(tmp_path):
    straight = build_network()
    straight.simulate_iterations(250, progress=False)

    ck = Checkpointer(tmp_path / "ck.npz", every=50)
    crashed = build_network()
    crashed.simulate_iterations(130, progress=False, callback=ck)  # "crash" after step 130
    assert ck.saved_iterations == [50, 100]

    fresh = build_network()
    assert Checkpointer(tmp_path / "ck.npz", every=50).resume(fresh)
    assert fresh.iteration == 100
    fresh.simulate_iterations(250 - fresh.iteration, progress=False, callback=ck)
    assert ck.saved_iterations[-1] == 250
    assert_same_state(straight, fresh)
    assert not Checkpointer(tmp_path / "none.npz", every=5).resume(build_network())
    # no temporary files are left next to the checkpoint
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ck.npz"]


def test_save_and_load_recordings(tmp_path):
    net = build_network()
    net.simulate_iterations(80, progress=False)
    for suffix in (".npz", ".h5"):
        if suffix == ".h5":
            pytest.importorskip("h5py", reason="HDF5 storage needs the [io] extra (h5py)")
        rec = load_recordings(save_recordings(net, tmp_path / f"rec{suffix}"))
        np.testing.assert_array_equal(rec["group/exc/90/v"], net.exc.behaviours[90]["v"])
        np.testing.assert_array_equal(rec["group/exc/90/np.mean(v)"], net.exc.behaviours[90]["np.mean(v)"])
        np.testing.assert_allclose(rec["group/exc/90/t"], np.arange(1, 81) * 0.5)
        np.testing.assert_array_equal(rec["group/exc/91/fired.i"], net.exc.behaviours[91]["fired.i"])
        np.testing.assert_array_equal(rec["synapse/ee/92/np.mean(W)"], net.ee.behaviours[92]["np.mean(W)"])
    one = load_recordings(save_recordings(net.exc.behaviours[91], tmp_path / "one.npz"))
    assert set(one) == {"exc/fired.t", "exc/fired.i"}


def test_library_network_with_sparse_delayed_synapses_continues_bit_for_bit(tmp_path):
    """The behaviour library's state (CSR connectivity objects, delay ring buffers) round-trips."""
    lib = pytest.importorskip("pymonn.behaviours", reason="the behaviour library is part of the repository")

    def build():
        net = Network(dt=0.1, seed=3)
        e = NeuronGroup(net, 200, {10: lib.PoissonInput(N=100, rate=20.0, weight=400.0), 30: lib.LIF(v="-70;-55"),
                                   90: EventRecorder("fired")}, tag="e")
        SynapseGroup(net, e, e, tag="ee", behaviour={20: lib.DeltaSynapse(mode="sparse", p=0.1, weight=20.0, delay=2)})
        SynapseGroup(net, e, e, tag="ei", behaviour={21: lib.DeltaSynapse(p=0.1, weight=-10.0)})
        net.initialize()
        return net

    straight = build()
    straight.simulate_iterations(600, progress=False)
    first = build()
    first.simulate_iterations(250, progress=False)
    sd = first.state_dict()
    assert {"synapse/ee/csr.indptr", "synapse/ee/csr.indices", "synapse/ee/csr.data"} <= set(sd)
    first.save(tmp_path / "lib.npz")
    resumed = build()
    resumed.load(tmp_path / "lib.npz")
    resumed.simulate_iterations(350, progress=False)
    assert straight.e.behaviours[90].count() > 500
    np.testing.assert_array_equal(straight.e.v, resumed.e.v)
    np.testing.assert_array_equal(straight.e.behaviours[90]["fired"], resumed.e.behaviours[90]["fired"])
