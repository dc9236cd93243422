// /upload: add a video to the catalog (POST /x/archive/add); the uploader owns its comments and live room.
import { post } from '../api.js';
import { h, replace, messageLine } from '../dom.js';
import * as session from '../session.js';

/** "90", "1:30" or "1:02:03" -> seconds; NaN when it is none of these. */
export function parseDuration(text) {
  const t = String(text || '').trim();
  if (!/^\d{1,5}(:\d{1,2}){0,2}$/.test(t)) return NaN;
  const parts = t.split(':').map(Number);
  if (parts.slice(1).some((p) => p > 59)) return NaN;
  return parts.reduce((total, p) => total * 60 + p, 0);
}

export function render(container) {
  document.title = 'Upload · Plaza';
  if (!session.currentUser()) {
    replace(container, h('h1', { text: 'Upload a video' }),
      h('p', {}, h('a', { href: '/' }, 'Log in'), ' to upload a video.'));
    return;
  }
  const msg = messageLine();
  const field = (id, label, input, hint) => h('div', { class: 'upload-field' },
    h('label', { for: id }, label), input, hint ? h('p', { class: 'hint', id: id + '-hint', text: hint }) : null);
  const title = h('input', { id: 'upload-title', name: 'title', maxlength: 80, required: true, autocomplete: 'off' });
  const desc = h('textarea', { id: 'upload-desc', name: 'desc', rows: 4, maxlength: 2000 });
  const duration = h('input', { id: 'upload-duration', name: 'duration', required: true, inputmode: 'numeric',
    placeholder: '1:30', 'aria-describedby': 'upload-duration-hint', autocomplete: 'off' });
  const media = h('input', { id: 'upload-media', name: 'media_url', type: 'url', required: true, maxlength: 1024,
    placeholder: 'https://…', 'aria-describedby': 'upload-media-hint' });
  const cover = h('input', { id: 'upload-cover', name: 'cover', type: 'url', maxlength: 512, placeholder: 'https://…' });
  const submit = h('button', { type: 'submit', class: 'button' }, 'Upload');
  const form = h('form', { class: 'card form upload', novalidate: true, onSubmit: async (ev) => {
    ev.preventDefault();
    msg.clear();
    const seconds = parseDuration(duration.value);
    if (!title.value.trim()) { msg.error('Give the video a title.'); title.focus(); return; }
    if (!(seconds >= 1 && seconds <= 86400)) { msg.error('Duration: seconds or m:ss, from 1 second to 24 hours.'); duration.focus(); return; }
    if (!media.value.trim()) { msg.error('Give the address of the video file (http or https).'); media.focus(); return; }
    submit.disabled = true;
    try {
      const data = await post('/x/archive/add', { title: title.value.trim(), desc: desc.value, duration: seconds,
        media_url: media.value.trim(), cover: cover.value.trim() || null });
      msg.ok('Uploaded. Opening your video…');
      location.assign('/video/' + encodeURIComponent(String(data.aid)));
    } catch (e) {
      msg.error(e);
      submit.disabled = false;
    }
  } },
  field('upload-title', 'Title', title),
  field('upload-desc', 'Description', desc),
  field('upload-duration', 'Duration', duration, 'Seconds, or minutes:seconds (1:30).'),
  field('upload-media', 'Video file address', media, 'An http or https address the player can load.'),
  field('upload-cover', 'Cover image address (optional)', cover),
  submit, msg.el);
  replace(container, h('h1', { text: 'Upload a video' }),
    h('p', { class: 'muted', text: 'You become the uploader: you can pin comments, close them, and your video gets its own live room.' }),
    form);
}
