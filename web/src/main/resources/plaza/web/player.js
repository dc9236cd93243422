// A stand-in player: there is no real media, so a canvas shows the position of a clock that runs in real time
// for the video's duration. It reports progress like a real player: onReport(seconds) every 15 s while playing,
// on pause, and onReport(-1) at the end.
import { h, fmtDuration } from './dom.js';

const REPORT_EVERY_MS = 15000;

export class Player {
  /** opts: {duration (s), title, hue (0-360), onReport(playedSeconds | -1)} */
  constructor({ duration, title, hue = 200, onReport = () => {} }) {
    this.duration = Math.max(1, Number(duration) || 1);
    this.title = title || '';
    this.hue = hue;
    this.onReport = onReport;
    this.position = 0; // seconds
    this.playing = false;
    this.ended = false;
    this.lastFrame = 0;
    this.sinceReport = 0; // ms played since the last report
    this.raf = 0;

    this.canvas = h('canvas', { class: 'player-canvas', width: 640, height: 360, role: 'img',
      'aria-label': 'Stand-in player for ' + this.title + ' (no real video)' });
    this.layer = h('div', { class: 'danmaku-layer', 'aria-hidden': 'true' });
    this.stage = h('div', { class: 'player-stage' }, this.canvas, this.layer);
    this.playButton = h('button', { type: 'button', class: 'button player-play', 'aria-label': 'Play',
      onClick: () => this.toggle() }, '▶');
    this.seek = h('input', { type: 'range', class: 'player-seek', min: 0, max: Math.floor(this.duration), step: 1,
      value: '0', 'aria-label': 'Position',
      onInput: () => this.seekTo(Number(this.seek.value)) });
    this.time = h('span', { class: 'player-time', 'aria-live': 'off' });
    this.status = h('span', { class: 'player-status muted' });
    this.el = h('div', { class: 'player' }, this.stage,
      h('div', { class: 'player-controls' }, this.playButton, this.seek, this.time), this.status);
    this.canvas.addEventListener('click', () => this.toggle());
    this.dragging = false;
    this.seek.addEventListener('pointerdown', () => { this.dragging = true; });
    this.seek.addEventListener('pointerup', () => { this.dragging = false; });
    this.seek.addEventListener('pointercancel', () => { this.dragging = false; });
    this.frame = this.frame.bind(this);
    this.update();
  }

  /** Sets the starting position (seconds) without reporting. */
  resumeAt(seconds, note) {
    if (seconds > 0 && seconds < this.duration) {
      this.position = seconds;
      this.setStatus(note || `Resumed at ${fmtDuration(seconds)}`);
      this.update();
    }
  }

  setStatus(text) {
    this.status.textContent = text || '';
  }

  toggle() {
    if (this.playing) this.pause(); else this.play();
  }

  play() {
    if (this.playing) return;
    if (this.ended || this.position >= this.duration) { this.position = 0; this.ended = false; }
    this.playing = true;
    this.lastFrame = performance.now();
    this.raf = requestAnimationFrame(this.frame);
    this.update();
  }

  pause() {
    if (!this.playing) return;
    this.advance(performance.now());
    this.playing = false;
    cancelAnimationFrame(this.raf);
    this.report(Math.floor(this.position));
    this.update();
  }

  seekTo(seconds) {
    this.position = Math.min(this.duration, Math.max(0, seconds));
    this.ended = false;
    this.update();
  }

  /** Stops for good (leaving the page): a last report when playing. */
  destroy() {
    if (this.playing) this.pause();
    cancelAnimationFrame(this.raf);
  }

  advance(now) {
    const dt = Math.max(0, now - this.lastFrame);
    this.lastFrame = now;
    this.position = Math.min(this.duration, this.position + dt / 1000);
    this.sinceReport += dt;
  }

  frame(now) {
    if (!this.playing) return;
    this.advance(now);
    if (this.position >= this.duration) {
      this.playing = false;
      this.ended = true;
      this.sinceReport = 0;
      this.report(-1);
      this.update();
      return;
    }
    if (this.sinceReport >= REPORT_EVERY_MS) this.report(Math.floor(this.position));
    this.update();
    this.raf = requestAnimationFrame(this.frame);
  }

  report(playedTime) {
    this.sinceReport = 0;
    try { this.onReport(playedTime); } catch (e) { console.warn(e); }
  }

  update() {
    const label = this.playing ? 'Pause' : this.ended ? 'Replay' : 'Play';
    this.playButton.textContent = this.playing ? '❚❚' : this.ended ? '↺' : '▶';
    this.playButton.setAttribute('aria-label', label);
    this.playButton.title = label;
    if (!this.dragging) this.seek.value = String(Math.floor(this.position));
    this.seek.setAttribute('aria-valuetext', fmtDuration(this.position));
    this.time.textContent = `${fmtDuration(this.position)} / ${fmtDuration(this.duration)}`;
    this.draw();
  }

  draw() {
    const c = this.canvas, g = c.getContext('2d');
    if (!g) return;
    const w = c.width, ht = c.height, t = this.position;
    const bg = g.createLinearGradient(0, 0, w, ht);
    bg.addColorStop(0, `hsl(${this.hue} 45% 22%)`);
    bg.addColorStop(1, `hsl(${(this.hue + 60) % 360} 45% 12%)`);
    g.fillStyle = bg;
    g.fillRect(0, 0, w, ht);
    // Moving bars, so that "playing" visibly moves.
    for (let i = 0; i < 12; i++) {
      const x = ((i * 61 + t * 40) % (w + 60)) - 60;
      const barH = 40 + 30 * Math.sin(t * 1.7 + i);
      g.fillStyle = `hsl(${(this.hue + i * 15) % 360} 60% 60% / 0.18)`;
      g.fillRect(x, ht - 70 - barH, 40, barH);
    }
    g.fillStyle = '#fff';
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.font = '600 22px system-ui, sans-serif';
    g.fillText(this.clip(g, this.title, w - 60), w / 2, ht / 2 - 40);
    g.font = '600 44px ui-monospace, monospace';
    g.fillText(fmtDuration(t), w / 2, ht / 2 + 10);
    g.font = '14px system-ui, sans-serif';
    g.fillStyle = 'rgba(255,255,255,0.7)';
    g.fillText(this.playing ? 'Playing (stand-in: no real media)' : this.ended ? 'Ended' : 'Paused', w / 2, ht / 2 + 50);
    // Progress line at the bottom.
    g.fillStyle = 'rgba(255,255,255,0.25)';
    g.fillRect(0, ht - 6, w, 6);
    g.fillStyle = '#4fc3f7';
    g.fillRect(0, ht - 6, w * (t / this.duration), 6);
  }

  clip(g, text, max) {
    if (g.measureText(text).width <= max) return text;
    let s = text;
    while (s.length > 1 && g.measureText(s + '…').width > max) s = s.slice(0, -1);
    return s + '…';
  }
}
