package io.muster.adapter.ejabberd;

import io.muster.process.CommandException;
import io.muster.process.ProcessRunner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A scripted {@link ProcessRunner}: answers by the full command line, in order; the last answer for
 * a command repeats. Records every command. An unscripted command fails the test.
 */
final class FakeRunner implements ProcessRunner {

  /** One scripted answer: a result, or a CommandException to throw. */
  record Answer(ProcessResult result, CommandException error) {}

  final List<Command> commands = new ArrayList<>();
  private final Map<String, Deque<Answer>> script = new HashMap<>();

  FakeRunner on(String commandLine, ProcessResult... results) {
    Deque<Answer> q = script.computeIfAbsent(commandLine, k -> new ArrayDeque<>());
    for (ProcessResult r : results) {
      q.add(new Answer(r, null));
    }
    return this;
  }

  FakeRunner fail(String commandLine, CommandException e) {
    script.computeIfAbsent(commandLine, k -> new ArrayDeque<>()).add(new Answer(null, e));
    return this;
  }

  static ProcessResult rc(int code, String stdout) {
    return new ProcessResult(code, stdout, "");
  }

  static ProcessResult ok(String stdout) {
    return rc(0, stdout);
  }

  @Override
  public ProcessResult run(Command command) throws CommandException {
    commands.add(command);
    String line = command.display();
    Deque<Answer> q = script.get(line);
    if (q == null || q.isEmpty()) {
      throw new AssertionError("unscripted command: " + line);
    }
    Answer a = q.size() > 1 ? q.removeFirst() : q.peekFirst();
    if (a.error() != null) {
      throw a.error();
    }
    return a.result();
  }

  /** Every command line run, in order. */
  List<String> lines() {
    return commands.stream().map(Command::display).toList();
  }

  /** Every argv element, env value and stdin, for secret-leak checks. */
  String everything() {
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
}
