/**
 * The page's own script, as text: draws the charts from the embedded data with uPlot (change points
 * as dashed red lines) as they come into view, redraws on resize, and in live mode refetches the page and swaps it in.
 * Plain ES2017 so it runs in any current browser without a build step.
 */
export const CLIENT_SCRIPT = `
(function () {
  'use strict';
  var dataEl = document.getElementById('shipgate-data');
  function data() { return JSON.parse(dataEl.textContent); }
  function fmt(v) {
    if (v === null || v === undefined) return '';
    var a = Math.abs(v);
    return a >= 1000 ? Math.round(v).toString() : a >= 10 ? v.toFixed(1) : v.toFixed(2);
  }
  function changeLines(points) {
    return function (u) {
      var ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = '#dc2626';
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.setLineDash([5 * devicePixelRatio, 4 * devicePixelRatio]);
      points.forEach(function (p) {
        var x = Math.round(u.valToPos(p.x, 'x', true));
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
      });
      ctx.restore();
    };
  }
  // Charts are drawn as they scroll into view: a year of several gates is dozens of charts, and a
  // phone should not draw the ones nobody scrolls to before showing the first.
  var charts = {};
  var observer = 'IntersectionObserver' in window
    ? new IntersectionObserver(function (entries) {
        entries.forEach(function (e) {
          if (e.isIntersecting) { observer.unobserve(e.target); plot(e.target); }
        });
      }, { rootMargin: '200px' })
    : null;
  function plot(el) {
    var c = charts[el.getAttribute('data-chart')];
    if (!c) return;
    el.textContent = '';
    var width = Math.max(240, el.clientWidth || 320);
    var opts = {
      width: width,
      height: 180,
      legend: { show: false },
      cursor: { points: { size: 6 } },
      scales: { x: { time: true } },
      series: [
        {},
        { label: c.metric, stroke: '#2563eb', width: 1.5, spanGaps: true,
          points: { show: c.x.length <= 60, size: 4 }, value: function (u, v) { return fmt(v); } },
      ],
      axes: [{ stroke: '#64748b' }, { stroke: '#64748b', size: 56, values: function (u, vs) { return vs.map(fmt); } }],
      hooks: { draw: [changeLines(c.changePoints)] },
    };
    new uPlot(opts, [c.x, c.values], el);
    el.setAttribute('data-rendered', String(c.x.length));
  }
  function draw() {
    charts = {};
    data().sections.forEach(function (s) { s.charts.forEach(function (c) { charts[c.id] = c; }); });
    var els = document.querySelectorAll('[data-chart]');
    for (var i = 0; i < els.length; i++) {
      if (observer && !els[i].hasAttribute('data-rendered')) observer.observe(els[i]);
      else plot(els[i]);
    }
  }
  var timer;
  window.addEventListener('resize', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var els = document.querySelectorAll('[data-rendered]');
      for (var i = 0; i < els.length; i++) plot(els[i]);
    }, 150);
  });
  draw();
  var every = Number(document.body.getAttribute('data-refresh') || 0);
  if (every > 0) {
    setInterval(function () {
      fetch(location.pathname + location.search, { credentials: 'same-origin', cache: 'no-store' })
        .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.text(); })
        .then(function (text) {
          var doc = new DOMParser().parseFromString(text, 'text/html');
          document.querySelector('main').replaceWith(doc.querySelector('main'));
          dataEl.textContent = doc.getElementById('shipgate-data').textContent;
          document.getElementById('updated').textContent = doc.getElementById('updated').textContent;
          draw();
        })
        .catch(function (e) { document.getElementById('updated').textContent = 'refresh failed: ' + e.message; });
    }, every * 1000);
  }
})();
`;
