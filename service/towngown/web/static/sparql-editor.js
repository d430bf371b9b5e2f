// The SPARQL editor at /sparql: YASGUI pointed at this server, one ready tab per stored query.
// Loaded as a file (not inline) so that the page's Content-Security-Policy can stay at script-src 'self'.
(function () {
  "use strict";
  var element = document.getElementById("yasgui");
  var data = document.getElementById("stored-queries");
  if (!element || !data || typeof window.Yasgui === "undefined") {
    return;
  }
  var endpoint = element.getAttribute("data-endpoint");
  var queries = JSON.parse(data.textContent);
  var yasgui = new window.Yasgui(element, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    // no saved tabs: every visit starts from the stored queries as they are on the server
    persistenceId: null,
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    // only plugins that need no network beyond this server
    yasr: { pluginOrder: ["table", "response"], defaultPlugin: "table" },
  });
  queries.forEach(function (query) {
    yasgui.addTab(false, {
      name: query.title,
      yasqe: { value: query.sparql },
      requestConfig: { endpoint: endpoint, method: "POST" },
    });
  });
  window.towngownYasgui = yasgui;
})();
