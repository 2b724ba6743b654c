package io.muster.adapter.exec;

import io.muster.process.CommandException;
import io.muster.process.ProcessRunner;
import java.util.ArrayList;
import java.util.List;

/** Records every command and answers with a scripted behaviour (default: exit 0, no output). */
final class RecordingRunner implements ProcessRunner {
  /** What the "script" does. It may look at files named in the environment while it runs. */
  interface Behaviour {
    ProcessResult run(Command c) throws Exception;
  }

  final List<Command> commands = new ArrayList<>();
  Behaviour behaviour = c -> new ProcessResult(0, "", "");

  @Override
  public ProcessResult run(Command command) throws CommandException {
    commands.add(command);
    try {
      return behaviour.run(command);
    } catch (CommandException e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError("fake script failed: " + e, e);
    }
  }

  Command only() {
    if (commands.size() != 1) {
      throw new AssertionError("expected exactly one command, got " + commands);
    }
    return commands.get(0);
  }
}
