import "@testing-library/jest-dom";
import { setIconOptions } from "@fluentui/react";

// Icons are fonts the tests never load; their names are still checked in the browser tests.
setIconOptions({ disableWarnings: true });
