// Parses each Terraform/HCL file named on the command line with HashiCorp's own HCL v2 parser
// (github.com/hashicorp/hcl compiled to WebAssembly, packaged as @cdktf/hcl2json), and prints one
// JSON object: file -> the file's HCL as JSON. Exits 1 naming the file and the parser's message
// when a file does not parse. There is no Terraform package for Debian: this is the parser
// Terraform itself is built on, so what parses here parses there (providers' schemas are not checked).
"use strict";
const fs = require("fs");
const { parse } = require("@cdktf/hcl2json");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node check-hcl.js FILE.tf...");
    process.exit(2);
  }
  const out = {};
  let failed = false;
  for (const file of files) {
    try {
      out[file] = await parse(file, fs.readFileSync(file, "utf8"));
    } catch (e) {
      failed = true;
      console.error(`${file}: does not parse as HCL: ${e && e.message ? e.message : e}`);
    }
  }
  process.stdout.write(JSON.stringify(out) + "\n");
  process.exit(failed ? 1 : 0);
}

main(process.argv.slice(2));
