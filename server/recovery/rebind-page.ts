/**
 * The page the approval email links to (`/recovery/rebind?token=…`): binds a
 * new authenticator app through the rebind API. Plain HTML and one
 * same-origin script (the CSP allows no inline script); the token stays in the
 * page and goes out only as a bearer header.
 */
export function rebindPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bind a new 2FA tool — Rebind</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#222}button{font:inherit;padding:.6rem 1.2rem;background:#1565c0;color:#fff;border:0;border-radius:6px;cursor:pointer}input{font:inherit;padding:.5rem;width:8rem;letter-spacing:.2em}code{word-break:break-all;background:#f3f3f3;padding:.2rem .4rem}.hidden{display:none}</style>
</head><body>
<h1>Your 2FA reset was approved</h1>
<p>Your account has no 2FA tool now, so its protection is reduced. Bind a new one now: an authenticator app (TOTP) is recommended.</p>
<section id="start"><button id="begin" type="button">Set up an authenticator app</button></section>
<section id="setup" class="hidden">
  <p>Scan this code with your authenticator app, or type the key.</p>
  <img id="qr" alt="QR code of your new key" width="240" height="240">
  <p>Key: <code id="key"></code></p>
  <p><strong id="advice"></strong></p>
  <form id="verify"><label>Code from the app <input id="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required></label> <button type="submit">Confirm</button></form>
</section>
<p id="result" role="status"></p>
<script src="/recovery/rebind.js"></script>
</body></html>`;
}

export const rebindScript = `(function () {
  var token = new URLSearchParams(location.search).get('token') || '';
  history.replaceState(null, '', location.pathname);
  var result = document.getElementById('result');
  function call(path, body) {
    return fetch('/api/v1/recovery/rebind/' + path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token }, body: JSON.stringify(body) })
      .then(function (res) { return res.json().then(function (json) { return { ok: res.ok, body: json }; }); });
  }
  document.getElementById('begin').addEventListener('click', function () {
    call('new-factor', { factorType: 'totp' }).then(function (r) {
      if (!r.ok) { result.textContent = r.body.message || 'This link is not valid any more.'; return; }
      document.getElementById('start').className = 'hidden';
      document.getElementById('setup').className = '';
      document.getElementById('qr').src = r.body.totp.qrDataUrl;
      document.getElementById('key').textContent = r.body.totp.secret;
      document.getElementById('advice').textContent = r.body.totp.advice;
    });
  });
  document.getElementById('verify').addEventListener('submit', function (e) {
    e.preventDefault();
    call('new-factor/verify', { code: document.getElementById('code').value }).then(function (r) {
      if (r.ok) { document.getElementById('setup').className = 'hidden'; result.textContent = 'Done: your new authenticator app protects your account. Withdrawals stay paused until ' + (r.body.withdrawalLockUntil || 'the lock ends') + '.'; }
      else result.textContent = r.body.message || 'That code did not work; try the next one.';
    });
  });
})();`;
