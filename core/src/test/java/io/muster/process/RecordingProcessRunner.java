package io.muster.process;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ProcessRunner} for tests: records every command exactly (argv, environment, stdin,
 * timeout) and answers from a script. A command line ({@link Command#display()}) can be given
 * replies, used in order, the last one repeating; any other command gets the {@link #otherwise}
 * answer: by default exit 0 with no output, or, after {@link #failOnUnscripted()}, a test failure.
 * Thread-safe; answers run outside the lock, so commands may run in parallel.
 */
public final class RecordingProcessRunner implements ProcessRunner {

  /** What a fake command does. It may look at the files its environment names while it runs. */
  @FunctionalInterface
  public interface Script {
    ProcessResult run(Command command) throws Exception;
  }

  private final List<Command> commands = new ArrayList<>();
  private final Map<String, Deque<Script>> byLine = new HashMap<>();
  private Script otherwise = c -> ok("");

  /** Replies to {@code commandLine}, in order; the last one repeats. */
  public synchronized RecordingProcessRunner on(String commandLine, ProcessResult... replies) {
    for (ProcessResult r : replies) {
      script(commandLine).add(c -> r);
    }
    return this;
  }

  /** {@code commandLine}'s next reply is to throw {@code e} (cannot start, timed out). */
  public synchronized RecordingProcessRunner fail(String commandLine, CommandException e) {
    script(commandLine)
        .add(
            c -> {
              throw e;
            });
    return this;
  }

  /** The answer to every command without replies of its own (replaces the previous one). */
  public synchronized RecordingProcessRunner otherwise(Script answer) {
    otherwise = answer;
    return this;
  }

  /** A command without replies of its own fails the test, naming it. */
  public RecordingProcessRunner failOnUnscripted() {
    return otherwise(
        c -> {
          throw new AssertionError("unscripted command: " + c.display());
        });
  }

  public static ProcessResult rc(int code, String stdout) {
    return new ProcessResult(code, stdout, "");
  }

  public static ProcessResult ok(String stdout) {
    return rc(0, stdout);
  }

  @Override
  public ProcessResult run(Command command) throws CommandException {
    Script answer;
    synchronized (this) {
      commands.add(command);
      Deque<Script> replies = byLine.get(command.display());
      if (replies == null || replies.isEmpty()) {
        answer = otherwise;
      } else {
        answer = replies.size() > 1 ? replies.removeFirst() : replies.peekFirst();
      }
    }
    try {
      return answer.run(command);
    } catch (CommandException e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError("fake command `" + command.display() + "` failed: " + e, e);
    }
  }

  /** Every command run, in order. */
  public synchronized List<Command> commands() {
    return List.copyOf(commands);
  }

  /** Every argv run, in order. */
  public synchronized List<List<String>> argvs() {
    return commands.stream().map(Command::argv).toList();
  }

  /** Every command line run, in order. */
  public synchronized List<String> lines() {
    return commands.stream().map(Command::display).toList();
  }

  /** The one command run; fails the test if there were none or several. */
  public synchronized Command only() {
    if (commands.size() != 1) {
      throw new AssertionError("expected exactly one command, got " + commands);
    }
    return commands.get(0);
  }

  /** Every argv element, environment and stdin, one command a line: for secret-leak checks. */
  public synchronized String everything() {
    StringBuilder sb = new StringBuilder();
    for (Command c : commands) {
      sb.append(String.join(" ", c.argv())).append(' ').append(c.env()).append(' ');
      if (c.stdin() != null) {
        sb.append(c.stdin());
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Forgets the commands run so far (the script stays). */
  public synchronized void clear() {
    commands.clear();
  }

  private Deque<Script> script(String commandLine) {
    return byLine.computeIfAbsent(commandLine, k -> new ArrayDeque<>());
  }
}
