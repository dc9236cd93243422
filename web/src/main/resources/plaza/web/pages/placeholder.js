// Pages that exist in the navigation but are not built yet.
import { h, replace } from '../dom.js';

export function render(container, { title }) {
  document.title = title + ' · Plaza';
  replace(container,
    h('h1', { text: title }),
    h('p', { class: 'muted' }, 'This page is not available yet.'),
    h('p', {}, h('a', { href: '/' }, 'Back to the videos')));
}
