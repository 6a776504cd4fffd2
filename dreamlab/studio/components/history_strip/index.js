export default function(component) {
  const { data, parentElement, setTriggerValue } = component;
  // 'dl-history' in the sidebar, 'dl-pictures' at a page's foot (its own class: tests and styles tell them apart)
  const kind = data.kind === 'dl-pictures' ? 'dl-pictures' : 'dl-history';
  let root = parentElement.querySelector('.' + kind);
  if (!root) {
    root = document.createElement('div');
    root.className = kind;
    parentElement.appendChild(root);
  }
  root.replaceChildren(...data.items.map((item) => {
    const button = document.createElement('button');
    button.dataset.id = item.id;
    button.title = item.title;
    button.setAttribute('aria-label', item.title);
    const img = document.createElement('img');
    img.src = item.src;
    img.alt = item.title;
    button.appendChild(img);
    if (item.stopped) {
      const badge = document.createElement('span');
      badge.className = 'dl-stopped';
      badge.textContent = 'stopped';
      button.appendChild(badge);
    }
    button.onclick = () => setTriggerValue('opened', item.id);
    return button;
  }));
}
