/// The triage page's style sheet: fits 1366x768 without horizontal scrolling.
enum WebStyle {
    static let css = #"""
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #1b1f24; background: #f6f7f9; }
        header { display: flex; align-items: center; gap: 24px; padding: 8px 16px; background: #1f2937; color: #fff; }
        header h1 { font-size: 18px; margin: 0; }
        nav { display: flex; gap: 8px; align-items: center; flex: 1; }
        nav #who { margin-left: auto; opacity: .85; }
        main { padding: 8px 16px; max-width: 1366px; }
        h2 { font-size: 17px; margin: 8px 0; }
        h3 { font-size: 15px; margin: 12px 0 4px; }
        button { font: inherit; padding: 3px 10px; cursor: pointer; }
        button:disabled { cursor: not-allowed; opacity: .5; }
        input, select, textarea { font: inherit; }
        textarea { width: 100%; }
        .filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin-bottom: 8px; }
        .filters label { display: flex; flex-direction: column; font-size: 12px; }
        .scroll { max-height: 560px; overflow: auto; background: #fff; border: 1px solid #d5d9de; }
        .scroll.short { max-height: 240px; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #e5e7eb; vertical-align: top;
          white-space: nowrap; }
        td.wrap { white-space: normal; word-break: break-all; max-width: 360px; }
        thead th { position: sticky; top: 0; background: #eef0f3; }
        .columns { display: grid; grid-template-columns: 5fr 7fr; gap: 16px; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
        dt { font-weight: 600; }
        dd { margin: 0; word-break: break-all; }
        .actions { display: flex; gap: 6px; margin-top: 6px; flex-wrap: wrap; }
        .hint { font-size: 12px; color: #555; }
        #message { margin: 0; padding: 4px 16px; min-height: 1.6em; }
        #message.error { background: #fde8e8; color: #8a1c1c; }
        .sev-critical { color: #fff; background: #9b1c1c; padding: 0 4px; }
        .sev-high { color: #fff; background: #c2410c; padding: 0 4px; }
        .sev-medium { background: #fcd34d; padding: 0 4px; }
        .sev-low { background: #e5e7eb; padding: 0 4px; }
        ul#d-notes { margin: 0; padding-left: 18px; }

        """#
}
