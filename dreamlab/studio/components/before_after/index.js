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
  root.style.maxWidth = data.max_width ? `${data.max_width}px` : '';  // a small picture: its own size
  // Its height from the start: the pictures decode a moment after they arrive, and a slider growing
  // then would move the Download button below it from under a click.
  root.style.aspectRatio = `${data.width} / ${data.height}`;
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
