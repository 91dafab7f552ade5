/* Copy-citation buttons on study pages: shown only when this script runs
 * (the citation text is on the page either way), copying the formatted
 * reference with its DOI link and saying so in a live region. A classic
 * script with no dependencies; works from file://. */
'use strict';
(function () {
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // file:// and plain http have no clipboard API: copy through a selection.
    return new Promise(function (resolve, reject) {
      const area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'absolute';
      area.style.left = '-9999px';
      document.body.appendChild(area);
      area.select();
      let ok = false;
      try {
        ok = document.execCommand('copy');
      } catch {
        ok = false;
      }
      document.body.removeChild(area);
      if (ok) {
        resolve();
      } else {
        reject(new Error('copy refused'));
      }
    });
  }

  function setUp(button) {
    const status = button.parentNode.querySelector('.copy-status');
    button.hidden = false;
    button.addEventListener('click', function () {
      copyText(button.getAttribute('data-citation')).then(function () {
        if (status) {
          status.textContent = 'Citation copied.';
        }
      }, function () {
        if (status) {
          status.textContent = 'Could not copy: select the citation above and copy it.';
        }
      });
    });
  }

  function start() {
    const buttons = document.querySelectorAll('button.copy-citation');
    for (let i = 0; i < buttons.length; i++) {
      setUp(buttons[i]);
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
