"""A before/after slider of our own: lossless PNGs, no CDN, no files on disk, fits the page width."""
from __future__ import annotations

import base64
import io

import streamlit as st
from PIL import Image

CSS = """
.dl-compare { position: relative; width: 100%; user-select: none; touch-action: none;
  border-radius: 0.5rem; overflow: hidden; cursor: ew-resize; line-height: 0; }
.dl-compare img { width: 100%; height: auto; display: block; pointer-events: none; }
.dl-compare .dl-before { position: absolute; inset: 0; clip-path: inset(0 50% 0 0); }
.dl-compare .dl-handle { position: absolute; top: 0; bottom: 0; left: 50%; width: 3px; margin-left: -1.5px;
  background: white; box-shadow: 0 0 4px rgba(0,0,0,.6); pointer-events: none; }
.dl-compare .dl-handle::after { content: "\\2194"; position: absolute; top: 50%; left: 50%;
  transform: translate(-50%, -50%); width: 2.2rem; height: 2.2rem; border-radius: 50%; background: white;
  color: #333; font: 1.3rem/2.2rem sans-serif; text-align: center; box-shadow: 0 0 4px rgba(0,0,0,.6); }
.dl-compare .dl-label { position: absolute; top: .5rem; padding: .15rem .5rem; border-radius: .3rem;
  background: rgba(0,0,0,.55); color: white; font: .8rem/1.2 sans-serif; pointer-events: none; }
.dl-compare .dl-label.left { left: .5rem; } .dl-compare .dl-label.right { right: .5rem; }
"""

JS = """
export default function(component) {
  const { data, parentElement } = component;
  let root = parentElement.querySelector('.dl-compare');
  if (!root) {
    root = document.createElement('div');
    root.className = 'dl-compare';
    root.setAttribute('role', 'slider');
    root.setAttribute('tabindex', '0');
    root.innerHTML = '<img class="dl-after" alt="after"><img class="dl-before" alt="before">' +
      '<div class="dl-handle"></div><span class="dl-label left"></span><span class="dl-label right"></span>';
    parentElement.appendChild(root);
  }
  root.querySelector('.dl-after').src = data.after;
  root.querySelector('.dl-before').src = data.before;
  root.querySelector('.dl-label.left').textContent = data.before_label;
  root.querySelector('.dl-label.right').textContent = data.after_label;
  const set = (percent) => {
    const p = Math.max(0, Math.min(100, percent));
    root.querySelector('.dl-before').style.clipPath = `inset(0 ${100 - p}% 0 0)`;
    root.querySelector('.dl-handle').style.left = `${p}%`;
    root.setAttribute('aria-valuenow', Math.round(p));
    root.dataset.position = p;
  };
  const fromEvent = (e) => {
    const r = root.getBoundingClientRect();
    set((e.clientX - r.left) / r.width * 100);
  };
  root.onpointerdown = (e) => { root.setPointerCapture(e.pointerId); fromEvent(e); };
  root.onpointermove = (e) => { if (root.hasPointerCapture(e.pointerId)) fromEvent(e); };
  root.onkeydown = (e) => {
    const now = parseFloat(root.dataset.position || 50);
    if (e.key === 'ArrowLeft') set(now - 5);
    if (e.key === 'ArrowRight') set(now + 5);
  };
  set(parseFloat(root.dataset.position || 50));
}
"""

_slider = st.components.v2.component("dreamlab_before_after", css=CSS, js=JS)


def png_data_url(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def before_after(before: Image.Image, after: Image.Image, key: str,
                 before_label: str = "Before", after_label: str = "After") -> None:
    """Drag (or use the arrow keys) to compare two pictures; ``before`` is resized to ``after``."""
    if before.size != after.size:
        before = before.resize(after.size, Image.LANCZOS)
    _slider(key=key, data={"before": png_data_url(before), "after": png_data_url(after),
                           "before_label": before_label, "after_label": after_label})
