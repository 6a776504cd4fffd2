export default function(component) {
  const { data, parentElement, setTriggerValue } = component;
  let root = parentElement.querySelector('.dl-grid');
  if (!root) {
    root = document.createElement('div');
    root.className = 'dl-grid';
    parentElement.appendChild(root);
  }
  root.style.setProperty('--cell-max', data.cell + 'px');
  root.dlRows = data.rows_of || 0;
  root.dlCell = data.cell;
  fitColumns(root);
  if (!root.dlObserver && window.ResizeObserver) {  // a turned phone, a sidebar opened: fit again
    root.dlObserver = new ResizeObserver(() => fitColumns(root));
    root.dlObserver.observe(root);
  }
  root.dataset.layer = data.layer;
  root.replaceChildren(...data.items.map((item) => {
    const button = document.createElement('button');
    button.className = [item.state, item.dead ? 'dead' : '', item.selected ? 'selected' : ''].join(' ');
    button.dataset.channel = item.channel;
    button.title = item.title;
    button.setAttribute('aria-label', item.title);
    button.disabled = !data.clickable || item.state !== 'done';
    const pic = document.createElement('div');
    pic.className = 'pic';
    if (item.src) {
      const img = document.createElement('img');
      img.src = item.src;
      img.alt = item.title;
      img.dataset.layer = data.layer;
      img.dataset.state = item.state;
      pic.appendChild(img);
    }
    if (item.badge) {
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = item.badge;
      pic.appendChild(badge);
    }
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = item.label;
    button.append(pic, label);
    button.onclick = () => setTriggerValue('picked', item.channel);
    return button;
  }));
}

const GAP = 8;  // px, as the stylesheet's gap
const MIN_COLUMNS = 4;  // however narrow the screen (a phone: about 86 px per cell)

// As many columns as cells of their full size fit, but a number that divides a full page (rows_of):
// 16 thumbnails in 5 columns left a row of one, in 4 they make four full rows.
function fitColumns(root) {
  const width = root.clientWidth;
  if (!width) return;
  const fit = Math.max(MIN_COLUMNS, Math.floor((width + GAP) / (root.dlCell + GAP)));
  let columns = fit;
  if (root.dlRows > 0) {
    let divisor = fit;
    while (divisor > MIN_COLUMNS && root.dlRows % divisor) divisor--;
    if (root.dlRows % divisor === 0) columns = divisor;
  }
  root.style.setProperty('--columns', columns);
  root.dataset.columns = columns;
}
