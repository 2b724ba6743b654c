package io.muster.adapter.haproxy;

import io.muster.process.ProcessRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Records every command and answers with a scripted result. */
final class RecordingProcessRunner implements ProcessRunner {
  final List<List<String>> argvs = new ArrayList<>();
  private Function<Command, ProcessResult> answer = c -> new ProcessResult(0, "", "");

  RecordingProcessRunner answering(Function<Command, ProcessResult> a) {
    answer = a;
    return this;
  }

  @Override
  public ProcessResult run(Command command) {
    argvs.add(command.argv());
    return answer.apply(command);
  }
}
