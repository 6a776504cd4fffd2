export default function(component) {
  // The photo with a wallpaper's frame over it; drag the frame (or use the arrow keys) to choose what the
  // wallpaper keeps. Its centre, as fractions of the photo (x, y in 0..1), goes back to Python when a drag
  // ends; the frame is placed where Python says (the subject's centre, or the saved crop) when that changes.
  const { data, parentElement, setStateValue } = component;
  let root = parentElement.querySelector('.dl-crop');
  if (!root) {
    root = document.createElement('div');
    root.className = 'dl-crop';
    root.innerHTML = '<div class="dl-stage"><img alt="your photo">' +
      '<div class="dl-frame" role="slider" tabindex="0" aria-label="Crop frame: drag it, or use the arrow keys">' +
      '</div></div>';
    parentElement.appendChild(root);
  }
  const stage = root.querySelector('.dl-stage');
  const frame = root.querySelector('.dl-frame');
  root.querySelector('img').src = data.photo;
  // The frame: the largest part of the photo with the shape's proportions (as engine.images.shapes crops).
  const photoAspect = data.width / data.height;
  const fw = data.aspect < photoAspect ? data.aspect / photoAspect : 1;  // fractions of the photo
  const fh = data.aspect < photoAspect ? 1 : photoAspect / data.aspect;
  Object.assign(frame.style, { width: `${fw * 100}%`, height: `${fh * 100}%` });
  const clamp = (v, span) => Math.min(1 - span / 2, Math.max(span / 2, v));
  const place = (x, y) => {
    const cx = clamp(x, fw), cy = clamp(y, fh);
    frame.style.left = `${(cx - fw / 2) * 100}%`;
    frame.style.top = `${(cy - fh / 2) * 100}%`;
    root.dataset.x = cx.toFixed(3);
    root.dataset.y = cy.toFixed(3);
  };
  const send = () => setStateValue('centre', { x: Number(root.dataset.x), y: Number(root.dataset.y),
                                                revision: data.revision });
  const incoming = JSON.stringify([data.revision, data.centre, data.aspect]);
  if (root.dataset.incoming !== incoming) {  // Python's placement changed: show it (a drag since stays otherwise)
    root.dataset.incoming = incoming;
    place(data.centre[0], data.centre[1]);
  }

  let from = null;
  stage.onpointerdown = (e) => {
    stage.setPointerCapture(e.pointerId);
    from = { px: e.clientX, py: e.clientY, x: Number(root.dataset.x), y: Number(root.dataset.y) };
  };
  stage.onpointermove = (e) => {
    if (from === null) return;
    const r = stage.getBoundingClientRect();
    place(from.x + (e.clientX - from.px) / r.width, from.y + (e.clientY - from.py) / r.height);
  };
  const finish = () => { if (from !== null) { from = null; send(); } };
  stage.onpointerup = finish;
  stage.onpointercancel = finish;
  frame.onkeydown = (e) => {
    const moves = { ArrowLeft: [-0.02, 0], ArrowRight: [0.02, 0], ArrowUp: [0, -0.02], ArrowDown: [0, 0.02] };
    if (!(e.key in moves)) return;
    e.preventDefault();
    place(Number(root.dataset.x) + moves[e.key][0], Number(root.dataset.y) + moves[e.key][1]);
    send();
  };
}
