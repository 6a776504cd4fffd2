export default function(component) {
  const { parentElement } = component;
  const root = parentElement.getRootNode();
  const anchor = root.host || parentElement;  // the component may live in a shadow root
  const panel = anchor.closest('[data-testid="stVerticalBlock"]') || anchor;
  const block = (component.data && component.data.block) || 'start';
  const ifHidden = component.data && component.data.if_hidden;
  // Once the visitor scrolls, types or presses anything, the page is theirs: a scroll after that
  // would move what they are aiming at.
  let visitorActed = false;
  const acted = () => { visitorActed = true; };
  const signs = ['wheel', 'touchstart', 'keydown', 'pointerdown'];
  signs.forEach((type) => window.addEventListener(type, acted, { capture: true, passive: true }));
  const done = () => signs.forEach((type) => window.removeEventListener(type, acted, { capture: true }));
  let tries = 0;
  const scroll = () => {
    if (visitorActed) return done();
    const top = panel.getBoundingClientRect().top;
    if (ifHidden && top >= 0 && top < window.innerHeight / 2) return done();  // in view: leave the page still
    panel.scrollIntoView({ block });
    if (++tries < 6) setTimeout(scroll, 250);  // again while the page above is still settling
    else done();
  };
  scroll();
}
