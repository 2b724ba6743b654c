package io.muster.agent;

/** --output values. */
enum OutputFormat {
  text,
  json
}
