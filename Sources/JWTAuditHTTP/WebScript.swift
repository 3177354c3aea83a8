/// The triage page's script. Every value from the API is put in the page with `textContent` or as a
/// form control's value, never parsed as HTML; the token lives in `sessionStorage` only.
enum WebScript {
    static let javascript = #"""
        'use strict';
        (function () {
          const KEY = 'jwtaudit.token';
          const $ = (id) => document.getElementById(id);
          let session = null;
          let current = null;

          function text(tag, value, className) {
            const element = document.createElement(tag);
            element.textContent = value === null || value === undefined ? '' : String(value);
            if (className) element.className = className;
            return element;
          }
          function row(values, wrapFrom) {
            const tr = document.createElement('tr');
            values.forEach((value, index) => {
              if (value instanceof Node) {
                const td = document.createElement('td');
                td.appendChild(value);
                tr.appendChild(td);
              } else tr.appendChild(text('td', value, wrapFrom !== undefined && index >= wrapFrom ? 'wrap' : ''));
            });
            return tr;
          }
          function fill(tbody, rows) { tbody.replaceChildren(...rows); }
          function say(message, isError) {
            $('message').textContent = message || '';
            $('message').className = isError ? 'error' : '';
          }
          function show(view) {
            for (const id of ['signin-view', 'alerts-view', 'detail-view', 'events-view']) $(id).hidden = id !== view;
            $('nav').hidden = view === 'signin-view';
          }
          function keyText(key) {
            return Object.keys(key || {}).sort().map((name) => name + '=' + key[name]).join(' ');
          }

          async function api(method, path, body) {
            const token = sessionStorage.getItem(KEY);
            const init = { method, headers: { 'Authorization': 'Bearer ' + token }, credentials: 'omit',
              cache: 'no-store', redirect: 'error', referrerPolicy: 'no-referrer' };
            if (body !== undefined) {
              init.headers['Content-Type'] = 'application/json';
              init.body = JSON.stringify(body);
            }
            const response = await fetch(path, init);
            let data = null;
            try { data = await response.json(); } catch (error) { data = null; }
            if (response.status === 401) {
              signOut('Signed out: the token was refused.');
              throw new Error('unauthorized');
            }
            if (!response.ok) {
              const code = data && data.error ? data.error : 'HTTP ' + response.status;
              throw new Error(data && data.message ? code + ': ' + data.message : code);
            }
            return data;
          }

          async function signIn(token) {
            sessionStorage.setItem(KEY, token);
            try {
              session = await api('GET', '/api/v1/session');
            } catch (error) {
              sessionStorage.removeItem(KEY);
              say(error.message === 'unauthorized' ? 'That token was refused.' : error.message, true);
              return;
            }
            $('who').textContent = session.name + ' (' + session.role + ')';
            $('token').value = '';
            say('');
            await loadAlerts();
          }
          function signOut(message) {
            sessionStorage.removeItem(KEY);
            session = null;
            current = null;
            for (const id of ['alerts', 'events', 'd-history', 'd-samples']) $(id).tBodies[0].replaceChildren();
            for (const id of ['d-fields', 'd-notes', 'd-title', 'who']) $(id).replaceChildren();
            $('note').value = '';
            show('signin-view');
            say(message || '', !!message);
          }

          async function loadAlerts() {
            const query = new URLSearchParams();
            if ($('f-status').value) query.set('status', $('f-status').value);
            if ($('f-rule').value.trim()) query.set('rule', $('f-rule').value.trim());
            if ($('f-severity').value) query.set('severity', $('f-severity').value);
            show('alerts-view');
            try {
              const data = await api('GET', '/api/v1/alerts?' + query.toString());
              fill($('alerts').tBodies[0], data.alerts.map((alert) => {
                const open = text('button', 'Open');
                open.type = 'button';
                open.id = 'open-' + alert.id;
                open.addEventListener('click', () => openAlert(alert.id));
                return row([alert.id, text('span', alert.severity, 'sev-' + alert.severity), alert.rule,
                  keyText(alert.key), alert.count, alert.status, alert.last_seen, open]);
              }));
              say(data.alerts.length + ' alert(s)');
            } catch (error) { say(error.message, true); }
          }

          async function openAlert(id) {
            try {
              renderAlert(await api('GET', '/api/v1/alerts/' + encodeURIComponent(id)));
              show('detail-view');
              say('');
            } catch (error) { say(error.message, true); }
          }

          function renderAlert(alert) {
            current = alert;
            $('d-title').textContent = 'Alert ' + alert.id + ': ' + alert.rule;
            const fields = [['status', alert.status], ['severity', alert.severity], ['key', keyText(alert.key)],
              ['count', alert.count], ['first seen', alert.first_seen], ['last seen', alert.last_seen],
              ['summary', alert.summary], ['MITRE', (alert.mitre || []).join(', ')],
              ['compliance', (alert.compliance || []).join(', ')]];
            $('d-fields').replaceChildren(...fields.flatMap(([name, value]) => [text('dt', name), text('dd', value)]));
            fill($('d-history').tBodies[0], (alert.history || []).map((change) =>
              row([change.at, change.by, change.action, change.from, change.to, change.note], 5)));
            fill($('d-samples').tBodies[0], (alert.samples || []).map((sample) =>
              row([sample.ts, sample.service, sample.outcome, sample.reason, sample.sub, sample.client_ip,
                sample.kid, sample.alg])));
            $('d-notes').replaceChildren(...(alert.notes || []).map((note) =>
              text('li', note.at + ' ' + note.author + ': ' + note.text)));
            const allowed = !!(session && session.can_triage);
            for (const button of document.querySelectorAll('button.triage')) {
              button.disabled = !allowed || button.dataset.status === alert.status;
            }
            $('note').disabled = !allowed;
            $('triage-hint').hidden = allowed;
          }

          async function triage(status) {
            if (!current) return;
            const note = $('note').value.trim();
            const path = '/api/v1/alerts/' + encodeURIComponent(current.id) + (status ? '/status' : '/notes');
            const body = status ? (note ? { status, note } : { status }) : { text: note };
            if (!status && !note) { say('Write a note first.', true); return; }
            try {
              renderAlert(await api('POST', path, body));
              $('note').value = '';
              say(status ? 'Alert ' + current.id + ' is now ' + current.status + '.' : 'Note added.');
            } catch (error) { say(error.message, true); }
          }

          async function searchEvents() {
            const query = new URLSearchParams();
            const fields = [['service', 'e-service'], ['sub', 'e-sub'], ['client_ip', 'e-client-ip'],
              ['outcome', 'e-outcome'], ['reason', 'e-reason'], ['from', 'e-from'], ['to', 'e-to']];
            for (const [name, id] of fields) if ($(id).value.trim()) query.set(name, $(id).value.trim());
            query.set('limit', '500');
            show('events-view');
            try {
              const data = await api('GET', '/api/v1/events?' + query.toString());
              fill($('events').tBodies[0], data.events.map((event) =>
                row([event.ts, event.service, event.outcome, event.reason, event.sub, event.client_ip,
                  event.user_agent, event.jti], 6)));
              say(data.events.length + ' event(s)');
            } catch (error) { say(error.message, true); }
          }

          document.addEventListener('DOMContentLoaded', () => {
            $('signin-form').addEventListener('submit', (event) => {
              event.preventDefault();
              const token = $('token').value.trim();
              if (token) signIn(token);
            });
            $('alert-filters').addEventListener('submit', (event) => { event.preventDefault(); loadAlerts(); });
            $('event-filters').addEventListener('submit', (event) => { event.preventDefault(); searchEvents(); });
            $('nav-alerts').addEventListener('click', () => loadAlerts());
            $('nav-events').addEventListener('click', () => { show('events-view'); say(''); });
            $('signout').addEventListener('click', () => signOut());
            for (const button of document.querySelectorAll('button.triage')) {
              button.addEventListener('click', () => triage(button.dataset.status || null));
            }
            if (sessionStorage.getItem(KEY)) signIn(sessionStorage.getItem(KEY)); else show('signin-view');
          });
        })();

        """#
}
