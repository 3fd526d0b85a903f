/**
 * The version of pg_/scripts/graph.js this control bundle goes with: 19 digits derived from the
 * built script's content, written into the built bundle.js by scripts/build-graph-webresource.mjs
 * in place of the placeholder below (which is what tests and unbuilt code see). The control puts
 * it in the script's URL, so a browser or proxy that cached the script by URL can never hand an
 * upgraded control the previous solution's script.
 */
export const GRAPH_SCRIPT_VERSION = "0000000000000000000";
