"""Exception and warning classes raised by pymonn.

Every error a user can trigger has its own class so that scripts can catch exactly
what they expect, and every message names the object, behaviour or variable involved
together with what was expected instead.
"""

from __future__ import annotations


class PymonnError(Exception):
    """Base class of every error pymonn raises on purpose."""


class ConfigurationError(PymonnError, ValueError):
    """A constructor or method received a value it cannot use (bad size, unknown tag, ...)."""


class ConfigurationTypeError(PymonnError, TypeError):
    """A constructor or method received an argument of the wrong type."""


class TagNotFoundError(ConfigurationError, KeyError):
    """A tag was looked up (as ``src``/``dst`` or a shortcut) and no object carries it."""

    def __str__(self) -> str:  # KeyError would quote the message otherwise
        return str(self.args[0]) if self.args else ""


class DuplicateKeyError(ConfigurationError):
    """A behaviour key is already used on the object it is being added to."""


class InitStringError(ConfigurationError):
    """An init string (``'uniform'``, ``'normal(0, 1)'``, ``'0;-65'`` ...) could not be parsed."""


class ExpressionError(ConfigurationError):
    """A recorder expression (``'np.mean(v)'`` ...) is not in the allowed grammar."""


class EquationError(ConfigurationError):
    """Model equations, a threshold, a reset or a synaptic statement could not be accepted.

    Raised for a syntax error, an unknown name, a construct outside the whitelist, inconsistent
    units, a method that does not suit the equations, or a division by zero. The message names
    the line and column, the name or term involved and what is allowed.

    Attributes
    ----------
    line, column : int or None
        Where in the text (1-based line, 0-based column), when known.
    name : str or None
        The name or term the error is about.
    allowed : str or None
        What would have been accepted.
    """

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None,
                 name: str | None = None, allowed: str | None = None):
        super().__init__(message)
        self.line, self.column, self.name, self.allowed = line, column, name, allowed


class DurationError(ConfigurationError):
    """A duration such as ``'250ms'`` could not be understood."""


class RecordingError(PymonnError, RuntimeError):
    """A recorder could not store a value (shape or type changed, missing variable...)."""


class StateError(PymonnError, RuntimeError):
    """An operation does not fit the network's current state (e.g. not initialized)."""


class StateFileError(StateError):
    """A state file could not be read: missing, truncated, corrupted or not written by pymonn."""


class StorageFileNotFoundError(StateFileError, FileNotFoundError):
    """A file or folder a StorageManager was asked for does not exist (also a ``FileNotFoundError``)."""


class PickleFileError(StateFileError):
    """A ``.obj`` file is a pickle (PymoNNto's format); pymonn never unpickles."""


class UnsafeNameError(ConfigurationError):
    """A key or folder name is not a plain name (path separator, '..', absolute path, NUL ...)."""


class UnsupportedObjectError(ConfigurationTypeError):
    """``save_obj`` / ``save_np`` got a value that cannot be stored without pickle."""


class ExternalToolError(PymonnError, RuntimeError):
    """An external program (ffmpeg) is missing or failed."""


class StateMismatchError(StateError):
    """A saved state does not fit the network it is loaded into (groups, sizes, keys, shapes, dtypes)."""


class BehaviourError(PymonnError, RuntimeError):
    """A behaviour raised while initializing or iterating.

    The original exception is chained as ``__cause__``. Attributes name where it happened.

    Attributes
    ----------
    obj : object
        The network, neuron group or synapse group the behaviour belongs to.
    behaviour : Behaviour
        The behaviour instance that raised.
    key : float
        The behaviour's key.
    iteration : int
        The network iteration during which it raised (0 during ``initialize``).
    phase : str
        ``'initialize'`` or ``'iteration'``.
    """

    def __init__(self, obj, behaviour, key, iteration: int, phase: str, original: BaseException):
        self.obj = obj
        self.behaviour = behaviour
        self.key = key
        self.iteration = iteration
        self.phase = phase
        self.original = original
        where = getattr(obj, "describe", lambda: repr(obj))()
        msg = (
            f"{type(behaviour).__name__} (key {key}) of {where} raised "
            f"{type(original).__name__} during {phase}"
            + (f" at iteration {iteration}" if phase == "iteration" else "")
            + f": {original}"
        )
        super().__init__(msg)


# Backwards-compatible US spelling, as PymoNNto 3 uses it.
BehaviorError = BehaviourError


class UnusedParameterWarning(UserWarning):
    """A behaviour was given a keyword argument that it never read during ``initialize``."""


class NumericalWarning(UserWarning):
    """Non-finite values were found (and cleaned) in a model's state."""


class TimeStepWarning(UserWarning):
    """A physical model runs on a time step nobody chose (the default 1 ms) or one too coarse for it."""


class ConversionWarning(UserWarning):
    """A state variable was replaced by an array of another dtype and converted back to the model's dtype."""
