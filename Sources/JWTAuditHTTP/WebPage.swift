/// The triage page's HTML (docs/web.md): no inline script or style, no external asset; the script
/// and the style sheet are served beside it from the binary.
enum WebPage {
    static let html = #"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>jwtaudit triage</title>
        <link rel="stylesheet" href="/ui/app.css">
        <script src="/ui/app.js" defer></script>
        </head>
        <body>
        <header>
          <h1>jwtaudit</h1>
          <nav id="nav" hidden>
            <button type="button" id="nav-alerts">Alerts</button>
            <button type="button" id="nav-events">Events</button>
            <span id="who"></span>
            <button type="button" id="signout">Sign out</button>
          </nav>
        </header>
        <p id="message" role="status"></p>
        <main>
        <section id="signin-view">
          <h2>Sign in</h2>
          <form id="signin-form" autocomplete="off">
            <label for="token">API token</label>
            <input id="token" name="token" type="password" size="72" required spellcheck="false">
            <button type="submit" id="signin">Sign in</button>
          </form>
          <p class="hint">The token is kept in this tab only (session storage) and sent as a bearer token.</p>
        </section>

        <section id="alerts-view" hidden>
          <h2>Alerts</h2>
          <form id="alert-filters" class="filters">
            <label>Status <select id="f-status">
              <option value="">any</option><option value="open" selected>open</option>
              <option value="acknowledged">acknowledged</option><option value="resolved">resolved</option>
              <option value="false_positive">false positive</option></select></label>
            <label>Rule <input id="f-rule" size="24" spellcheck="false"></label>
            <label>Min severity <select id="f-severity">
              <option value="">any</option><option value="low">low</option><option value="medium">medium</option>
              <option value="high">high</option><option value="critical">critical</option></select></label>
            <button type="submit" id="refresh">Refresh</button>
          </form>
          <div class="scroll"><table id="alerts">
            <thead><tr><th>id</th><th>severity</th><th>rule</th><th>key</th><th>count</th><th>status</th>
            <th>last seen</th><th></th></tr></thead>
            <tbody></tbody>
          </table></div>
        </section>

        <section id="detail-view" hidden>
          <h2 id="d-title"></h2>
          <div class="columns">
            <div>
              <dl id="d-fields"></dl>
              <h3>Triage</h3>
              <label for="note">Note</label>
              <textarea id="note" rows="3" cols="48" maxlength="10000"></textarea>
              <div class="actions">
                <button type="button" id="ack" class="triage" data-status="acknowledged">Acknowledge</button>
                <button type="button" id="resolve" class="triage" data-status="resolved">Resolve</button>
                <button type="button" id="false-positive" class="triage"
                    data-status="false_positive">False positive</button>
                <button type="button" id="add-note" class="triage">Add note</button>
              </div>
              <p id="triage-hint" class="hint" hidden>Your role reads alerts but may not change them.</p>
              <h3>Notes</h3>
              <ul id="d-notes"></ul>
            </div>
            <div>
              <h3>History</h3>
              <div class="scroll short"><table id="d-history">
                <thead><tr><th>at</th><th>by</th><th>action</th><th>from</th><th>to</th><th>note</th></tr></thead>
                <tbody></tbody></table></div>
              <h3>Sample events</h3>
              <div class="scroll short"><table id="d-samples">
                <thead><tr><th>ts</th><th>service</th><th>outcome</th><th>reason</th><th>sub</th><th>client ip</th>
                <th>kid</th><th>alg</th></tr></thead>
                <tbody></tbody></table></div>
            </div>
          </div>
        </section>

        <section id="events-view" hidden>
          <h2>Event search</h2>
          <form id="event-filters" class="filters">
            <label>Service <input id="e-service" size="12" spellcheck="false"></label>
            <label>Sub <input id="e-sub" size="12" spellcheck="false"></label>
            <label>Client IP <input id="e-client-ip" size="15" spellcheck="false"></label>
            <label>Outcome <select id="e-outcome"><option value="">any</option>
              <option value="accepted">accepted</option><option value="rejected">rejected</option></select></label>
            <label>Reason <input id="e-reason" size="14" spellcheck="false"></label>
            <label>From <input id="e-from" size="14" placeholder="24h or RFC 3339" value="24h"></label>
            <label>To <input id="e-to" size="14" placeholder="RFC 3339"></label>
            <button type="submit" id="search">Search</button>
          </form>
          <div class="scroll"><table id="events">
            <thead><tr><th>ts</th><th>service</th><th>outcome</th><th>reason</th><th>sub</th><th>client ip</th>
            <th>user agent</th><th>jti</th></tr></thead>
            <tbody></tbody></table></div>
        </section>
        </main>
        </body>
        </html>

        """#
}
