/** Test guest: a module that throws while it loads. @module */
import { serve } from "../../../guests/sdk/mod.ts";

if (typeof serve === "function") throw new Error("broken at load");
