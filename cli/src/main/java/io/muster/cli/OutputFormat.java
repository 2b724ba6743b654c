package io.muster.cli;

/** --output values. */
enum OutputFormat {
  text,
  json
}
