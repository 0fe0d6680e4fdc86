const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The page an emailed "this wasn't me" link opens. The button posts JSON through /freeze.js (CSP: no inline script). */
export function freezePage(d: { account: string; change: string; alreadyFrozen: boolean; consequences: string[] }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Freeze your account — Rebind</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#222}button{font:inherit;padding:.6rem 1.2rem;background:#b00020;color:#fff;border:0;border-radius:6px;cursor:pointer}</style>
</head><body>
<h1>Wasn't you?</h1>
<p>A security change (<code>${escapeHtml(d.change)}</code>) was made on the account <strong>${escapeHtml(d.account)}</strong>.</p>
${
  d.alreadyFrozen
    ? '<p id="result"><strong>The account is already frozen.</strong> Our support team will contact you.</p>'
    : `<p>Freezing the account now means:</p><ul>${d.consequences.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>
<button id="freeze" type="button">Freeze my account</button><p id="result" role="status"></p>`
}
<script src="/freeze.js"></script>
</body></html>`;
}

export const freezeScript = `document.getElementById('freeze')?.addEventListener('click', async function () {
  var button = this; button.disabled = true;
  var res = await fetch(location.pathname, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  var body = await res.json().catch(function () { return {}; });
  document.getElementById('result').textContent = res.ok ? 'Your account is frozen. Our support team will review it and contact you.' : (body.message || 'Something went wrong.');
});`;
