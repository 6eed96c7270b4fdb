"""Matrix exponential of a stack of matrices (numpy only): Pade approximant of degree 13 with
scaling and squaring (Higham 2005, SIAM J. Matrix Anal. Appl. 26:1179, Algorithm 2.3), the
method of ``scipy.linalg.expm``. Used once per dt for the propagators of the exact method."""

from __future__ import annotations

import numpy as np

__all__ = ["expm"]

_B = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0, 129060195264000.0,
      10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152


def expm(A: np.ndarray) -> np.ndarray:
    """``exp(A)`` for an array of shape (..., n, n)."""
    A = np.asarray(A, dtype=np.float64)
    norm = np.max(np.sum(np.abs(A), axis=-2), axis=-1) if A.size else np.zeros(A.shape[:-2])
    s = np.maximum(0, np.ceil(np.log2(np.maximum(norm, 1e-300) / _THETA13))).astype(int)
    s_max = int(np.max(s)) if s.size else 0
    A = A / (2.0 ** s)[..., None, None]
    n = A.shape[-1]
    eye = np.broadcast_to(np.eye(n), A.shape)
    A2 = A @ A
    A4 = A2 @ A2
    A6 = A4 @ A2
    b = _B
    U = A @ (A6 @ (b[13] * A6 + b[11] * A4 + b[9] * A2) + b[7] * A6 + b[5] * A4 + b[3] * A2 + b[1] * eye)
    V = A6 @ (b[12] * A6 + b[10] * A4 + b[8] * A2) + b[6] * A6 + b[4] * A4 + b[2] * A2 + b[0] * eye
    R = np.linalg.solve(V - U, V + U)
    for k in range(s_max):
        squared = R @ R
        R = np.where((s > k)[..., None, None], squared, R)
    return R
