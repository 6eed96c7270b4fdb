"""Four PymoNNto-style networks whose figures are compared with PymoNNto 3.0.6's (issue 10).

The networks are written in PymoNNto 3.0.6's spelling (``Behavior`` subclasses with
``initialize``/``iteration``, ``NeuronGroup(net=..., tag=..., size=get_squared_dim(...),
behavior={...})``, ``SynapseGroup`` tags GLUTAMATE/GABA, ``n.vector('uniform')``,
``s.matrix('uniform', density=0.1)``, ``Recorder``/``EventRecorder``, ``net['x', 0, 'np']``), modelled
on PymoNNto's Examples_Classical (Izhikevich, Hopfield, Brunel_Hakim) and Examples_Paper/STDP_Hom_Norm
but written for this test. The import line below is the only engine-specific line:
``benchmarks/pymonnto_reference.py`` runs this file's text with it replaced by
``from PymoNNto import *`` in the benchmark environment to measure the reference figures, and
``tests/compat/test_pymonnto_networks.py`` runs it on pymonn.

Each ``*_figures(seed=None, settings=None)`` function builds one network, runs it and returns a
dict of floats (with ``return_network=True``: the dict and the network). ``seed`` is given to
``Network`` only when it is not None (pymonn's network generator; PymoNNto has none and draws
from numpy's global generator); code that calls
``np.random`` directly (the Brunel-Hakim noise) draws from numpy's global generator on both
engines, so the caller seeds that with ``np.random.seed``. ``settings`` is passed to ``Network``
(``{'dtype': float32}``; PymoNNto's default dtype is float32, pymonn's float64).
"""

from pymonn import *


def new_network(seed=None, settings=None):
    """A ``Network`` with ``settings``; ``seed`` only when given (PymoNNto's Network takes none)."""
    kwargs = {"settings": dict(settings or {})}
    if seed is not None:
        kwargs["seed"] = seed
    return Network(**kwargs)


# ---------------------------------------------------------------------------------------------
# 1. Izhikevich (2003) 80/20 network: dense uniform weights, uniform noise input
# ---------------------------------------------------------------------------------------------
class IzhikevichNeuron(Behavior):
    """v' = 0.04 v^2 + 5 v + 140 - u + I, u' = a (b v - u); at v > 30: v = c, u += d (Euler, dt ms)."""

    def initialize(self, n):
        self.a = self.parameter("a", 0.02)
        self.b = self.parameter("b", 0.2)
        self.c = self.parameter("c", -65.0)
        self.d = self.parameter("d", 8.0)
        self.dt = self.parameter("dt", 0.5)
        n.v = n.vector("uniform") * self.c
        n.u = n.v * self.b
        n.I = n.vector()
        n.fired = n.vector() > 0

    def iteration(self, n):
        n.fired = n.v > 30.0
        n.v[n.fired] = self.c
        n.u[n.fired] += self.d
        n.v += self.dt * (0.04 * n.v * n.v + 5.0 * n.v + 140.0 - n.u + n.I)
        n.u += self.dt * self.a * (self.b * n.v - n.u)


class IzhikevichInput(Behavior):
    """I = noise * uniform + exc * (GLUTAMATE weights of fired sources) - inh * (GABA weights ...)."""

    def initialize(self, n):
        self.noise = self.parameter("noise", 20.0)
        self.exc = self.parameter("exc", 0.5)
        self.inh = self.parameter("inh", 1.0)
        for s in n.synapses(afferent, "All"):
            s.W = s.matrix("uniform")

    def iteration(self, n):
        n.I = self.noise * n.vector("uniform")
        for s in n.synapses(afferent, "GLUTAMATE"):
            n.I += self.exc * np.sum(s.W[:, s.src.fired], axis=1)
        for s in n.synapses(afferent, "GABA"):
            n.I -= self.inh * np.sum(s.W[:, s.src.fired], axis=1)


def izhikevich_figures(seed=None, settings=None, n_exc=800, n_inh=200, steps=1000, inh=1.0, return_network=False):
    """Spike rates (spikes per neuron per step) of the regular-spiking excitatory and fast-spiking
    inhibitory groups, and the excitatory group's mean v at the end."""
    net = new_network(seed, settings)
    groups = []
    for tag, size, a, d in (("exc", n_exc, 0.02, 8.0), ("inh", n_inh, 0.1, 2.0)):
        groups.append(NeuronGroup(net=net, tag=tag, size=get_squared_dim(size), behavior={
            1: IzhikevichInput(noise=20.0, exc=0.5, inh=inh),
            2: IzhikevichNeuron(a=a, b=0.2, c=-65.0, d=d, dt=0.5),
            9: EventRecorder("fired", tag="spikes"),
        }))
    exc, inh = groups
    SynapseGroup(net=net, src=exc, dst=exc, tag="GLUTAMATE")
    SynapseGroup(net=net, src=exc, dst=inh, tag="GLUTAMATE")
    SynapseGroup(net=net, src=inh, dst=exc, tag="GABA")
    SynapseGroup(net=net, src=inh, dst=inh, tag="GABA")
    net.initialize(info=False)
    net.simulate_iterations(steps, measure_block_time=False)
    figures = {
        "rate_exc": len(exc["fired.i", 0]) / (exc.size * steps),
        "rate_inh": len(inh["fired.i", 0]) / (inh.size * steps),
        "mean_v_exc_end": float(np.mean(exc.v)),
    }
    return (figures, net) if return_network else figures


# ---------------------------------------------------------------------------------------------
# 2. Leaky threshold units with homeostasis, STDP and weight normalisation (PymoNNto tutorial)
# ---------------------------------------------------------------------------------------------
class LeakyThreshold(Behavior):
    """Fire above ``threshold`` (spike as 0/1 in the network dtype), reset to 0, leak, sparse noise."""

    def initialize(self, n):
        self.threshold = self.parameter("threshold", 0.5)
        self.leak = self.parameter("leak", 0.9)
        self.noise_density = self.parameter("noise_density", 0.01)
        n.voltage = n.vector()
        n.spike = n.vector()

    def iteration(self, n):
        fired = n.voltage > self.threshold
        n.spike = fired.astype(n.def_dtype)
        n.voltage[fired] = 0.0
        n.voltage *= self.leak
        n.voltage += n.vector("uniform", density=self.noise_density)


class RecurrentInput(Behavior):
    """Sparse uniform GLUTAMATE weights (density 0.1); voltage += gain * W.spike / source size."""

    def initialize(self, n):
        self.gain = self.parameter("gain", 10.0)
        for s in n.synapses(afferent, "GLUTAMATE"):
            s.W = s.matrix("uniform", density=0.1)
            s.enabled = s.W > 0

    def iteration(self, n):
        for s in n.synapses(afferent, "GLUTAMATE"):
            n.voltage += s.W.dot(s.src.spike) / s.src.size * self.gain


class VoltageHomeostasis(Behavior):
    """A per-neuron offset ``exhaustion`` grows by eta * (voltage - target) and is subtracted."""

    def initialize(self, n):
        self.target = self.parameter("target_voltage", 0.05)
        self.eta = self.parameter("eta_ip", 0.001)
        n.exhaustion = n.vector()

    def iteration(self, n):
        n.exhaustion += self.eta * (n.voltage - self.target)
        n.voltage -= n.exhaustion


class SpikeTimingPlasticity(Behavior):
    """dW = eta * (post x (pre_old + pre) - post_old x pre) on enabled synapses, clipped to [0, w_max]."""

    def initialize(self, n):
        self.eta = self.parameter("stdp_factor", 0.0015)
        self.w_max = self.parameter("w_max", 10.0)
        n.spike_old = n.vector()

    def iteration(self, n):
        for s in n.synapses(afferent, "GLUTAMATE"):
            potentiation = np.outer(s.dst.spike, s.src.spike_old + s.src.spike)
            depression = np.outer(s.dst.spike_old, s.src.spike)
            s.W = np.clip(s.W + self.eta * (potentiation - depression) * s.enabled, 0.0, self.w_max)
        n.spike_old = n.spike.copy()


class RowNormalization(Behavior):
    """Scale each neuron's afferent GLUTAMATE weights (a row of the D x S matrix) to sum to ``norm_factor``."""

    def initialize(self, n):
        self.total = self.parameter("norm_factor", 1.0)

    def iteration(self, n):
        for s in n.synapses(afferent, "GLUTAMATE"):
            sums = np.sum(np.abs(s.W), axis=1) / self.total
            s.W = s.W / (sums[:, None] + (sums[:, None] == 0))


def stdp_figures(seed=None, settings=None, size=196, steps=600, stdp_factor=0.05, return_network=False):
    """Spike rate, mean voltage and exhaustion, afferent weight sums, the weights' spread and their
    mean absolute change after the first step relative to their mean (0 without plasticity)."""
    net = new_network(seed, settings)
    ng = NeuronGroup(net=net, tag="neurons", size=get_squared_dim(size), behavior={
        1: LeakyThreshold(threshold=0.5, leak=0.9, noise_density=0.01),
        2: RecurrentInput(gain=10.0),
        3: VoltageHomeostasis(target_voltage=0.05, eta_ip=0.001),
        4: SpikeTimingPlasticity(stdp_factor=stdp_factor, w_max=10.0),
        5: RowNormalization(norm_factor=10.0),
        9: Recorder(["np.mean(voltage)"], tag="means"),
        10: EventRecorder("spike", tag="events"),
    })
    syn = SynapseGroup(net=net, src=ng, dst=ng, tag="GLUTAMATE")
    net.initialize(info=False)
    net.simulate_iterations(1, measure_block_time=False)
    w_first = syn.W[syn.enabled].copy()
    net.simulate_iterations(steps - 1, measure_block_time=False)
    w = syn.W[syn.enabled]
    rows = np.sum(syn.W, axis=1)
    cols = np.sum(syn.W, axis=0)
    figures = {
        "rate": len(ng["spike.i", 0]) / (ng.size * steps),
        "mean_voltage": float(np.mean(ng["np.mean(voltage)", 0, "np"])),
        "mean_exhaustion": float(np.mean(ng.exhaustion)),
        "row_sum_mean": float(np.mean(rows[rows > 0])),
        "col_sum_sd": float(np.std(cols)),
        "weight_cv": float(np.std(w) / np.mean(w)),
        "weight_drift": float(np.mean(np.abs(w - w_first)) / np.mean(w_first)),
    }
    return (figures, net) if return_network else figures


# ---------------------------------------------------------------------------------------------
# 3. Hopfield network: Hebbian storage of random +-1 patterns, recall from noisy cues
# ---------------------------------------------------------------------------------------------
class HopfieldUnits(Behavior):
    """Learn ``patterns`` random +-1 patterns for ``learn_rounds`` rounds, then recall noisy cues."""

    def initialize(self, n):
        self.count = self.parameter("patterns", 10)
        self.learn_rounds = self.parameter("learn_rounds", 2)
        self.cue_steps = self.parameter("cue_steps", 6)
        self.flip = self.parameter("flip", 0.2)
        n.patterns = [np.sign(n.vector("uniform") - 0.5) for _ in range(self.count)]
        n.v = n.vector()
        n.target = n.vector()
        n.learning = True
        n.overlap = 0.0
        self.step = 0

    def iteration(self, n):
        learn_steps = self.count * self.learn_rounds
        n.learning = self.step < learn_steps
        if n.learning:
            n.v = n.patterns[self.step % self.count].copy()
        elif (self.step - learn_steps) % self.cue_steps == 0:
            cue = ((self.step - learn_steps) // self.cue_steps) % self.count
            n.target = n.patterns[cue]
            flips = n.vector("uniform") < self.flip
            n.v = n.target * (1.0 - 2.0 * flips)
        self.step += 1


class HopfieldWeights(Behavior):
    """Hebbian learning W += v v^T / N (no self-coupling) while learning; else v = sign(W v)."""

    def initialize(self, n):
        for s in n.synapses(afferent, "GLUTAMATE"):
            s.W = s.matrix()
            s.off_diagonal = s.matrix() == 0.0
            np.fill_diagonal(s.off_diagonal, False)
        n.energy = 0.0

    def iteration(self, n):
        for s in n.synapses(afferent, "GLUTAMATE"):
            if n.learning:
                s.W += np.outer(s.dst.v, s.src.v) / n.size
                s.W *= s.off_diagonal
            else:
                field = s.W @ s.src.v
                n.v = np.where(field >= 0, 1.0, -1.0).astype(n.def_dtype)
            n.energy = -0.5 * float(n.v @ s.W @ n.v) / n.size
        n.overlap = float(np.mean(n.v * n.target))


def hopfield_figures(seed=None, settings=None, size=196, patterns=20, cues=60, cue_steps=6, flip=0.15,
                     return_network=False):
    """Mean overlap with the cued pattern and mean energy per neuron at the end of each cue."""
    net = new_network(seed, settings)
    ng = NeuronGroup(net=net, tag="hopfield", size=get_squared_dim(size), behavior={
        1: HopfieldUnits(patterns=patterns, learn_rounds=2, cue_steps=cue_steps, flip=flip),
        2: HopfieldWeights(),
        9: Recorder(["overlap", "energy"], tag="rec"),
    })
    SynapseGroup(net=net, src=ng, dst=ng, tag="GLUTAMATE")
    net.initialize(info=False)
    learn = patterns * 2
    net.simulate_iterations(learn + cues * cue_steps, measure_block_time=False)
    overlap = ng["overlap", 0, "np"][learn:].reshape(cues, cue_steps)
    energy = ng["energy", 0, "np"][learn:].reshape(cues, cue_steps)
    figures = {
        "overlap_first_step": float(np.mean(overlap[:, 0])),
        "overlap_recalled": float(np.mean(overlap[:, -1])),
        "energy_recalled": float(np.mean(energy[:, -1])),
    }
    return (figures, net) if return_network else figures


# ---------------------------------------------------------------------------------------------
# 4. Brunel & Hakim (1999): sparse delayed inhibition, strong noise, fast population oscillation
# ---------------------------------------------------------------------------------------------
class BrunelHakimNeuron(Behavior):
    """tau v' = mu - v + sigma sqrt(tau) xi (Euler-Maruyama, numpy's global normal generator);
    threshold theta, reset Vr, refractory period; GABA spikes arrive ``delay`` ms later as -J each."""

    def initialize(self, n):
        self.tau = self.parameter("tau", 20.0)
        self.dt = self.parameter("dt", 0.1)
        self.theta = self.parameter("theta", 20.0)
        self.v_reset = self.parameter("v_reset", 10.0)
        self.refractory = self.parameter("refractory", 2.0)
        self.mu = self.parameter("mu", 25.0)
        self.sigma = self.parameter("sigma", 1.0)
        self.delay_steps = int(round(self.parameter("delay", 2.0) / self.dt))
        n.v = n.vector() + self.v_reset
        n.spike = n.vector() > 0
        n.since_spike = n.vector() + self.refractory
        n.history = [n.vector() > 0 for _ in range(self.delay_steps)]
        self.slot = 0

    def iteration(self, n):
        arriving = n.history[self.slot]
        for s in n.synapses(afferent, "GABA"):
            n.v -= np.sum(s.W[:, arriving], axis=1)
        xi = np.random.normal(0.0, 1.0, n.size)
        n.v += self.dt / self.tau * (self.mu - n.v) + self.sigma * np.sqrt(self.dt / self.tau) * xi
        n.since_spike += self.dt
        n.v[n.since_spike < self.refractory] = self.v_reset
        n.spike = n.v > self.theta
        n.v[n.spike] = self.v_reset
        n.since_spike[n.spike] = 0.0
        n.history[self.slot] = n.spike.copy()
        self.slot = (self.slot + 1) % self.delay_steps


class SparseInhibition(Behavior):
    """Each synapse exists with probability ``connections / N`` and weighs ``J`` mV."""

    def initialize(self, n):
        connections = self.parameter("connections", 100)
        weight = self.parameter("J", 1.0)
        for s in n.synapses(afferent, "GABA"):
            s.W = (s.matrix("uniform") < connections / s.src.size).astype(n.def_dtype) * weight


def brunel_hakim_figures(seed=None, settings=None, size=1000, steps=3000, warmup=500, dt=0.1, delay=2.0,
                         return_network=False):
    """Population rate (Hz), its CV over 1 ms bins, the peak frequency (Hz) of its power spectrum
    (mean of Hann-windowed 100 ms segments) and the fraction of its power in 100-300 Hz."""
    net = new_network(seed, settings)
    ng = NeuronGroup(net=net, tag="bh", size=get_squared_dim(size), behavior={
        1: SparseInhibition(connections=500, J=0.2),
        2: BrunelHakimNeuron(tau=20.0, dt=dt, theta=20.0, v_reset=10.0, refractory=2.0, mu=25.0,
                             sigma=1.0, delay=delay),
        9: Recorder(["np.mean(spike)"], tag="rate"),
    })
    SynapseGroup(net=net, src=ng, dst=ng, tag="GABA")
    net.initialize(info=False)
    net.simulate_iterations(steps, measure_block_time=False)
    rate_hz = ng["np.mean(spike)", 0, "np"][warmup:].astype(np.float64) / (dt / 1000.0)
    per_bin = int(round(1.0 / dt))
    binned = rate_hz[: len(rate_hz) // per_bin * per_bin].reshape(-1, per_bin).mean(axis=1)
    segment = int(round(100.0 / dt))
    window = np.hanning(segment)
    power = np.mean([np.abs(np.fft.rfft((x - x.mean()) * window)) ** 2
                     for x in rate_hz[: len(rate_hz) // segment * segment].reshape(-1, segment)], axis=0)
    freqs = np.fft.rfftfreq(segment, d=dt / 1000.0)
    useful = freqs >= 20
    band = (freqs >= 100) & (freqs <= 300)
    figures = {
        "rate_hz": float(rate_hz.mean()),
        "cv_1ms": float(binned.std() / binned.mean()),
        "peak_hz": float(freqs[useful][np.argmax(power[useful])]),
        "band_fraction": float(power[band].sum() / power[useful].sum()),
    }
    return (figures, net) if return_network else figures


FIGURES = {
    "izhikevich": izhikevich_figures,
    "stdp": stdp_figures,
    "hopfield": hopfield_figures,
    "brunel_hakim": brunel_hakim_figures,
}
