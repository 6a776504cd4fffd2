export default function(component) {
  const { data, parentElement, setTriggerValue } = component;
  let root = parentElement.querySelector('.dl-grid');
  if (!root) {
    root = document.createElement('div');
    root.className = 'dl-grid';
    parentElement.appendChild(root);
  }
  root.style.setProperty('--cell-max', data.cell + 'px');
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
