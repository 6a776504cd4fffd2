"""The two optimisers the engine uses, written out: the same steps as ``torch.optim``'s.

Why not torch's own: creating a ``torch.optim`` optimizer imports TorchDynamo, over a second of
start-up for every command and worker process. And L-BFGS (here without line search) does more:
torch's two-loop recursion makes about four small tensor operations per stored
correction per step (200 at a history of 50), which on a small picture costs as much as the
network itself. Here the corrections are rows of two matrices, and the recursion is solved from their
inner products: a handful of matrix-vector products per step, the rest on a few numbers.
``tests/test_optimisers.py`` checks both take torch's steps.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

LossAndGradient = Callable[[torch.Tensor], tuple[float, torch.Tensor]]


class LBFGS:
    """Minimises a function of one flat tensor ``x``; ``step()`` is one loss evaluation.

    A step reads the stored corrections four times (S g, Y^T alpha, Y r, S^T c): the products a
    textbook update also takes (S y and Y s for the new pair) are derived from these, since
    S y = S g_new - S g_old and Y s follows from Y r and the known inner products. On a
    384 px style transfer the corrections are about 100 MB, so each pass saved is memory traffic
    comparable to a quarter of the network's own step."""

    def __init__(self, x: torch.Tensor, loss_and_gradient: LossAndGradient, history: int = 50,
                 lr: float = 1.0):
        self.x = x.detach().flatten().clone()
        self.evaluate = loss_and_gradient
        self.lr = lr
        size = min(history, 1 << 16)
        self.s = torch.zeros(size, self.x.numel(), dtype=self.x.dtype, device=self.x.device)
        self.y = torch.zeros_like(self.s)
        self.sy = np.zeros((size, size))  # sy[i, j] = s_i . y_j
        self.rows: list[int] = []  # the rows in use, oldest correction first
        self.gradient = None
        self.s_g = np.zeros(size)  # s_i . gradient, for the current gradient
        self.y_direction = np.zeros(size)  # y_i . direction, for the last direction taken
        self.moves = 0
        self.direction = None
        self.step_size = 0.0
        self.scale = 1.0  # the initial inverse Hessian, a multiple of the identity

    def step(self) -> float:
        """Moves once (after the first evaluation) and evaluates there; returns the loss."""
        if self.gradient is not None:
            self._move()
        loss, gradient = self.evaluate(self.x)
        gradient = gradient.detach().flatten()
        if self.gradient is not None:
            self._remember(self.direction * self.step_size, gradient - self.gradient, gradient)
        self.gradient = gradient
        return loss

    def _move(self) -> None:
        if self.moves == 0:  # a cautious steepest-descent step first, as torch takes
            self.direction = -self.gradient
            self.step_size = min(1.0, 1.0 / float(self.gradient.abs().sum())) * self.lr
        else:
            self.direction = -self._inverse_hessian_times(self.gradient)
            self.step_size = self.lr
        self.x = self.x + self.step_size * self.direction
        self.moves += 1

    def _remember(self, s: torch.Tensor, y: torch.Tensor, gradient: torch.Tensor) -> None:
        filled = self._filled()
        s_g_old = self.s_g[:filled].copy()
        self.s_g[:filled] = _numbers(self.s[:filled] @ gradient) if filled else 0.0
        ys = float(y @ s)
        if ys <= 1e-10:  # not a useful curvature pair
            return
        s_y = self.s_g[:filled] - s_g_old  # s_i . y for the pairs kept so far
        y_s = self.y_direction[:filled] * self.step_size  # y_i . s
        if len(self.rows) == self.s.shape[0]:
            row = self.rows.pop(0)
        else:
            row = len(self.rows)
        self.s[row], self.y[row] = s, y
        self.rows.append(row)
        filled = self._filled()
        s_y, y_s = np.resize(s_y, filled), np.resize(y_s, filled)  # a new row at the end, or one reused
        s_y[row] = y_s[row] = ys
        self.sy[row, :filled] = y_s
        self.sy[:filled, row] = s_y
        self.s_g[row] = float(s @ gradient)
        self.scale = ys / float(y @ y)

    def _inverse_hessian_times(self, g: torch.Tensor) -> torch.Tensor:
        """The two-loop recursion, with every inner product taken from ``sy`` or one product, and
        each loop solved at once as the triangular system it is (a Python loop over 50 corrections
        took longer than a coarse scale's matrix products). Also keeps ``y_direction`` (y_i . the
        direction -H g) for the next ``_remember``."""
        rows = self.rows
        upper = np.triu(self.sy[np.ix_(rows, rows)])  # its diagonal: s_i . y_i = 1 / rho_i
        filled = self._filled()
        # Newest to oldest, alpha_i = rho_i (s_i . g - sum_{j>i} s_i . y_j alpha_j): a triangular system.
        alpha = np.linalg.solve(upper, self.s_g[rows])
        q = g - self._combine(self.y, alpha)
        r = q * self.scale
        y_r_full = _numbers(self.y[:filled] @ r)
        # Oldest to newest, c_i = alpha_i - rho_i (y_i . r0 + sum_{j<i} s_j . y_i c_j): the transposed system.
        corrections = np.linalg.solve(upper.T, np.diag(upper) * alpha - y_r_full[rows])
        full = np.zeros(filled)
        full[rows] = corrections
        self.y_direction[:filled] = -(y_r_full + self.sy[:filled, :filled].T @ full)  # y_i . (-(r + S^T c))
        return r + self._combine(self.s, corrections)

    def _filled(self) -> int:
        """Rows fill up in order before old ones are reused: rows[:filled] are all in use."""
        return len(self.rows)

    def _combine(self, matrix: torch.Tensor, weights: np.ndarray) -> torch.Tensor:
        """sum_i weights[i] * matrix[rows[i]]."""
        filled = self._filled()
        full = np.zeros(filled)
        full[self.rows] = weights
        return torch.as_tensor(full, dtype=matrix.dtype, device=matrix.device) @ matrix[:filled]


def _numbers(t: torch.Tensor) -> np.ndarray:
    return t.double().cpu().numpy()


class Adam:
    """Adam (Kingma & Ba) with torch's defaults, for tensors whose ``.grad`` the caller fills."""

    def __init__(self, params: list[torch.Tensor], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8):
        self.params, self.lr, self.betas, self.eps = list(params), lr, betas, eps
        self.moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in self.params]
        self.steps = 0

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        self.steps += 1
        beta1, beta2 = self.betas
        correction1, correction2 = 1 - beta1 ** self.steps, 1 - beta2 ** self.steps
        for p, (mean, square) in zip(self.params, self.moments):
            if p.grad is None:
                continue
            mean.lerp_(p.grad, 1 - beta1)
            square.mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
            denominator = (square.sqrt() / correction2 ** 0.5).add_(self.eps)
            p.addcdiv_(mean, denominator, value=-self.lr / correction1)
