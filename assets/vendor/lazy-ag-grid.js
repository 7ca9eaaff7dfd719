/*
 * dash-ag-grid on demand. The app's index names this file in place of dash_ag_grid's bundle
 * (1.3 MB, some 340 KB on the wire, on every page before any is drawn: components/bundles.py),
 * with the bundle's address in data-bundle. Here `window.dash_ag_grid.AgGrid` is a small React
 * component: its first render adds the bundle's script tag, and once the bundle has run it
 * renders the real AgGrid with the same props. It stays the component in the namespace after
 * that, so React never sees a new component type and never remounts a grid.
 *
 * The bundle ends with `window.dash_ag_grid = {AgGrid, getApi, getApiAsync}`: the property is
 * an accessor here, whose setter adopts the real exports at that moment, before any render, and
 * keeps this namespace (with this AgGrid) the one that `window.dash_ag_grid` reads.
 */
(function () {
    'use strict';
    var React = window.React;
    var bundle = document.currentScript.getAttribute('data-bundle');
    var real = null; // the bundle's exports, once it has run
    var waiting = []; // callbacks for when it has
    var requested = false;

    function load(done) {
        if (real) {
            done();
            return;
        }
        waiting.push(done);
        if (requested) {
            return;
        }
        requested = true;
        var script = document.createElement('script');
        script.src = bundle; // the bundle finds its async chunks from its own address
        script.onerror = function () {
            requested = false; // the next grid to render tries again
        };
        document.head.appendChild(script);
    }

    function AgGrid(props) {
        var state = React.useState(real !== null);
        var ready = state[0];
        var setReady = state[1];
        React.useEffect(function () {
            if (!ready) {
                load(function () {
                    setReady(true);
                });
            }
        }, []);
        if (ready) {
            return React.createElement(real.AgGrid, props);
        }
        // Until then, an empty box with the grid's id, class and style keeps the page's layout.
        return React.createElement('div', {id: props.id, className: props.className, style: props.style});
    }
    // What Dash's renderer reads from a component before rendering it, as the real AgGrid has them
    // (dash-ag-grid 35: persistence of the selected rows in localStorage by default; the props
    // include dashRenderType). tests/unit/test_lazy_grid.py compares them with its metadata.
    AgGrid.dashRenderType = true;
    AgGrid.dashPersistence = {persisted_props: ['selectedRows'], persistence_type: 'local'};

    var namespace = {
        AgGrid: AgGrid,
        getApi: function (id) {
            if (!real) {
                throw new Error('no grid found, or grid is not initialized yet, with id: ' + id);
            }
            return real.getApi(id);
        },
        getApiAsync: function (id) {
            return new Promise(function (resolve) {
                load(resolve);
            }).then(function () {
                return real.getApiAsync(id);
            });
        },
    };

    Object.defineProperty(window, 'dash_ag_grid', {
        configurable: true,
        enumerable: true,
        get: function () {
            return namespace;
        },
        set: function (exports) {
            // The grid's own code also writes `window.dash_ag_grid = window.dash_ag_grid || {}`
            // (then adds useGridFilter to it): that is this namespace, kept as it is.
            if (exports === namespace || real) {
                return;
            }
            real = exports;
            Object.keys(exports).forEach(function (name) {
                if (name !== 'AgGrid') {
                    namespace[name] = exports[name];
                }
            });
            var done = waiting;
            waiting = [];
            done.forEach(function (callback) {
                callback();
            });
        },
    });
})();
