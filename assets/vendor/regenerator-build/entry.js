// dash-renderer and dcc call the global `regeneratorRuntime` (their async functions are compiled
// to generators by Babel); it is all they need of @babel/polyfill in a current browser.
import runtime from 'regenerator-runtime/runtime.js';

window.regeneratorRuntime = runtime;
