package io.muster.config;

/**
 * What a key's value must satisfy beyond being of its {@link Key.Kind}: bounds, allowed values, a
 * pattern. Declared with the key, checked when settings load and by every typed getter, so a value
 * is judged in one place whichever command reads it.
 */
public interface Constraint {
  /**
   * @param value the value parsed by kind: Integer, Boolean, java.time.Duration or String
   * @return null when the value satisfies the constraint, else the problem ("out of range")
   */
  String problem(Object value);

  /** What to do instead, one sentence: "Use a whole number from 1 to 10000". */
  String fix();

  /** The constraint for the reference and --help: "1 to 10000", "one of: text, json". */
  String describe();
}
