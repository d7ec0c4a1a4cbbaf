/**
 * The example C guests (guests/examples) as the scenarios run them: built at
 * -O2 with guests/build.ts into .build/scenarios/ (cached by content).
 *
 * @module
 */

import { buildImage } from "../guests/build.ts";

const EXAMPLES = new URL("../guests/examples/", import.meta.url).pathname;
const BUILD = new URL("../.build/scenarios/", import.meta.url).pathname;

/**
 * The ELF image of example `name` (guests/examples/NAME.c). Needs gcc -m32.
 *
 * @example
 * ```ts ignore
 * import { exampleImage } from "./_examples.ts";
 * const httpd = await exampleImage("httpd");
 * console.log(httpd[0] === 0x7f); // true (an ELF file)
 * ```
 */
export async function exampleImage(name: string): Promise<Uint8Array> {
  const path = await buildImage({
    sources: [`${EXAMPLES}${name}.c`],
    output: `${BUILD}${name}.elf`,
    opt: "-O2",
  });
  return await Deno.readFile(path);
}
