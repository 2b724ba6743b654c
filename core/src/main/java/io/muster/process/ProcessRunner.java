package io.muster.process;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs external commands. Always an argument list, never a shell string; secrets go through {@code
 * stdin} or files, never argv. Tests substitute a recording fake and assert exact argv.
 */
public interface ProcessRunner {

  ProcessResult run(Command command) throws CommandException;

  /**
   * @param argv program and arguments
   * @param env extra environment variables
   * @param stdin text to write to standard input, or null
   * @param timeout kill after this long
   */
  record Command(List<String> argv, Map<String, String> env, String stdin, Duration timeout) {
    public Command {
      argv = List.copyOf(argv);
      env = Map.copyOf(env);
      if (argv.isEmpty()) {
        throw new IllegalArgumentException("empty command");
      }
    }

    public static Command of(Duration timeout, List<String> argv) {
      return new Command(argv, Map.of(), null, timeout);
    }

    public static Command of(Duration timeout, String... argv) {
      return of(timeout, List.of(argv));
    }

    public Command withEnv(Map<String, String> extra) {
      return new Command(argv, extra, stdin, timeout);
    }

    public Command withStdin(String text) {
      return new Command(argv, env, text, timeout);
    }

    /** The command for messages (stdin is never shown). */
    public String display() {
      return String.join(" ", argv);
    }

    @Override
    public String toString() {
      return display();
    }
  }

  /** Exit code with captured output. */
  record ProcessResult(int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }
  }
}
