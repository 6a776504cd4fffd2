"""engine/optimisers.py takes the same steps as torch.optim: L-BFGS (no line search, the settings
style transfer uses, also once the history is full and old corrections are forgotten) and Adam."""
from __future__ import annotations

import torch

from engine.ascent.optimisers import LBFGS, Adam


def problem(seed: int = 0, n: int = 40):
    """A smooth, not quadratic, badly scaled function of n numbers."""
    generator = torch.Generator().manual_seed(seed)
    a = torch.randn(n, n, generator=generator, dtype=torch.float64)
    a = a @ a.T / n + torch.diag(torch.logspace(-1, 1, n, dtype=torch.float64))
    b = torch.randn(n, generator=generator, dtype=torch.float64)
    start = torch.randn(n, generator=generator, dtype=torch.float64)
    return (lambda x: 0.5 * x @ a @ x - b @ x + 0.1 * (x ** 4).sum()), start


def torch_lbfgs_path(f, start, evaluations: int, history: int) -> list[torch.Tensor]:
    x = start.clone().requires_grad_(True)
    opt = torch.optim.LBFGS([x], lr=1.0, max_iter=evaluations, max_eval=evaluations, history_size=history,
                            tolerance_grad=0.0, tolerance_change=0.0)
    path = []

    def closure():
        opt.zero_grad()
        loss = f(x)
        loss.backward()
        path.append(x.detach().clone())
        return loss

    opt.step(closure)
    return path


def our_path(f, start, evaluations: int, history: int) -> list[torch.Tensor]:
    path = []

    def loss_and_gradient(x):
        x = x.clone().requires_grad_(True)
        loss = f(x)
        (gradient,) = torch.autograd.grad(loss, x)
        path.append(x.detach())
        return float(loss.detach()), gradient

    solver = LBFGS(start, loss_and_gradient, history=history)
    for _ in range(evaluations):
        solver.step()
    return path


def test_the_same_steps_as_torch():
    f, start = problem()
    theirs, ours = torch_lbfgs_path(f, start, 30, 50), our_path(f, start, 30, 50)
    assert len(theirs) == len(ours) == 30
    for a, b in zip(theirs, ours):
        torch.testing.assert_close(b, a, rtol=1e-7, atol=1e-9)


def test_the_same_steps_as_torch_once_the_history_is_full():
    f, start = problem(seed=1)
    theirs, ours = torch_lbfgs_path(f, start, 40, 5), our_path(f, start, 40, 5)
    for a, b in zip(theirs, ours):
        torch.testing.assert_close(b, a, rtol=1e-7, atol=1e-9)
    assert float(f(ours[-1])) < float(f(ours[0]))


def test_adam_takes_the_same_steps_as_torch():
    f, start = problem(seed=2)
    ours, theirs = start.clone().requires_grad_(True), start.clone().requires_grad_(True)
    our_adam, their_adam = Adam([ours], lr=0.05), torch.optim.Adam([theirs], lr=0.05)
    for _ in range(25):
        for x, opt in ((ours, our_adam), (theirs, their_adam)):
            opt.zero_grad()
            f(x).backward()
            opt.step()
        torch.testing.assert_close(ours.detach(), theirs.detach(), rtol=1e-9, atol=1e-12)
    assert float(f(ours.detach())) < float(f(start))
