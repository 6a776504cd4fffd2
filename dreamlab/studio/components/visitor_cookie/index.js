export default function(component) {
  // The visitor's id goes into a first-party cookie (a day long, this site only, never in the address),
  // so a reload of the page finds this visitor's pictures again.
  const id = component.data && component.data.id;
  if (!id || !/^[0-9a-f]{32}$/.test(id)) return;
  if (document.cookie.split('; ').includes('dreamlab_visitor=' + id)) return;
  document.cookie = 'dreamlab_visitor=' + id + '; path=/; max-age=86400; SameSite=Strict';
}
