// Behaviour that Flask-Admin's templates attach with inline handlers, bound here instead so the
// Content-Security-Policy can forbid inline script.
(function () {
  'use strict';
  document.addEventListener('click', function (event) {
    var target = event.target.closest('a[data-action], button[data-confirm], a[href="#"]');
    if (!target) { return; }
    if (target.matches('button[data-confirm]')) {
      if (!window.confirm(target.getAttribute('data-confirm'))) { event.preventDefault(); }
      return;
    }
    event.preventDefault();
    if (target.matches('a[data-action]') && window.modelActions) {
      window.modelActions.execute(target.getAttribute('data-action'));
    }
  });
  // The mentor's log form: a new date shows the hours left in that date's month.
  document.addEventListener('change', function (event) {
    var input = event.target;
    if (!input.matches('input[data-reload-on-change]') || !input.value) { return; }
    var url = new URL(window.location.href);
    url.searchParams.set('day', input.value);
    var pair = document.querySelector('input[name="pair"]:checked');
    if (pair) { url.searchParams.set('pair', pair.value); }
    window.location.assign(url.toString());
  });
}());
