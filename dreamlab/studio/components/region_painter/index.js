export default function(component) {
  const { data, parentElement, setStateValue } = component;
  let root = parentElement.querySelector('.dl-region');
  if (!root) {
    root = document.createElement('div');
    root.className = 'dl-region';
    root.innerHTML =
      '<div class="dl-tools">' +
      '<button type="button" class="dl-paint" aria-pressed="true">Brush</button>' +
      '<button type="button" class="dl-erase" aria-pressed="false">Eraser</button>' +
      '<label>Brush size <input class="dl-size" type="range" min="4" max="160" value="48" aria-label="Brush size"></label>' +
      '<button type="button" class="dl-invert">Invert</button>' +
      '<button type="button" class="dl-clear">Clear</button></div>' +
      '<div class="dl-stage"><img alt="your photo"><canvas></canvas><div class="dl-brush"></div></div>';
    parentElement.appendChild(root);
    root.dataset.mode = 'paint';
  }
  const canvas = root.querySelector('canvas');
  const ctx = canvas.getContext('2d');
  const stage = root.querySelector('.dl-stage');
  const brush = root.querySelector('.dl-brush');
  const size = root.querySelector('.dl-size');
  const tint = `rgb(${data.tint.join(',')})`;
  // Only complete, settled masks go back to Python, tagged with the revision they belong to.
  const send = () => setStateValue('mask', { revision: data.revision, png: canvas.toDataURL('image/png') });

  if (root.dataset.revision !== String(data.revision)) {
    root.dataset.revision = String(data.revision);
    canvas.width = data.width;
    canvas.height = data.height;
    root.querySelector('img').src = data.photo;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    // Nothing is sent back here: until the first stroke Python uses the mask it sent (data.mask),
    // and a value sent on every (re)mount made the page run a second time on each visit.
    if (data.mask) {
      const start = new Image();
      start.onload = () => ctx.drawImage(start, 0, 0, canvas.width, canvas.height);
      start.src = data.mask;
    }
  }
  const cssScale = () => stage.getBoundingClientRect().width / canvas.width || 1;
  canvas.style.filter = data.feather > 0 ? `blur(${data.feather * Math.max(canvas.width, canvas.height) * cssScale() / 2}px)` : 'none';

  const setMode = (mode) => {
    root.dataset.mode = mode;
    root.querySelector('.dl-paint').setAttribute('aria-pressed', String(mode === 'paint'));
    root.querySelector('.dl-erase').setAttribute('aria-pressed', String(mode === 'erase'));
  };
  root.querySelector('.dl-paint').onclick = () => setMode('paint');
  root.querySelector('.dl-erase').onclick = () => setMode('erase');
  root.querySelector('.dl-clear').onclick = () => { ctx.clearRect(0, 0, canvas.width, canvas.height); send(); };
  root.querySelector('.dl-invert').onclick = () => {
    ctx.globalCompositeOperation = 'xor';  // an opaque fill under xor turns alpha a into 1 - a
    ctx.fillStyle = tint;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.globalCompositeOperation = 'source-over';
    send();
  };

  const point = (e) => {
    const r = stage.getBoundingClientRect();
    return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
  };
  const showBrush = (e) => {
    const r = stage.getBoundingClientRect();
    const d = Number(size.value) * r.width / canvas.width;
    Object.assign(brush.style, { display: 'block', width: `${d}px`, height: `${d}px`,
      left: `${e.clientX - r.left}px`, top: `${e.clientY - r.top}px` });
  };
  const stroke = (from, to) => {
    ctx.globalCompositeOperation = root.dataset.mode === 'erase' ? 'destination-out' : 'source-over';
    ctx.strokeStyle = tint;
    ctx.lineWidth = Number(size.value);
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from[0], from[1]);
    ctx.lineTo(to[0], to[1]);
    ctx.stroke();
    ctx.globalCompositeOperation = 'source-over';
  };
  let last = null;
  stage.onpointerdown = (e) => {
    stage.setPointerCapture(e.pointerId);
    last = point(e);
    stroke(last, [last[0] + 0.01, last[1]]);
  };
  stage.onpointermove = (e) => {
    showBrush(e);
    if (last === null) return;
    const here = point(e);
    stroke(last, here);
    last = here;
  };
  const finish = () => { if (last !== null) { last = null; send(); } };
  stage.onpointerup = finish;
  stage.onpointercancel = finish;
  stage.onpointerleave = (e) => { brush.style.display = 'none'; };
}
