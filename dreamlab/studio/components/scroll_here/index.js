export default function(component) {
  const { parentElement } = component;
  const root = parentElement.getRootNode();
  const anchor = root.host || parentElement;  // the component may live in a shadow root
  const panel = anchor.closest('[data-testid="stVerticalBlock"]') || anchor;
  const block = (component.data && component.data.block) || 'start';
  const ifHidden = component.data && component.data.if_hidden;
  let tries = 0;
  const scroll = () => {
    const top = panel.getBoundingClientRect().top;
    if (ifHidden && top >= 0 && top < window.innerHeight / 2) return;  // in view: leave the page still
    panel.scrollIntoView({ block });
    if (++tries < 6) setTimeout(scroll, 250);  // again while the page above is still settling
  };
  scroll();
}
