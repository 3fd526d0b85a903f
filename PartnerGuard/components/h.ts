/**
 * `React.createElement` under a local name. Each component file starts with the `@jsx h` pragma,
 * so its JSX compiles to `h(…)`, which the minifier shortens to one letter, instead of a property
 * read on the platform library's global (`Reactv16.createElement(…)`) at each of the ≈ 90
 * elements: about 1.2 KB of the control's 60 KiB bundle budget (docs/architecture.md, "Bundle").
 */
import * as React from "react";

export const h = React.createElement;
export const Fragment = React.Fragment;
