package io.muster.process;

import static io.muster.process.RecordingProcessRunner.ok;
import static io.muster.process.RecordingProcessRunner.rc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.process.ProcessRunner.Command;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordingProcessRunnerTest {
  static final Duration T = Duration.ofSeconds(5);

  @Test
  void recordsExactlyWhatRanAndAnswersExitZeroByDefault() throws Exception {
    RecordingProcessRunner r = new RecordingProcessRunner();
    Command c = Command.of(T, "tool", "--flag").withEnv(Map.of("K", "v")).withStdin("secret-in");

    assertThat(r.run(c)).isEqualTo(ok(""));

    assertThat(r.only()).isEqualTo(c);
    assertThat(r.argvs()).containsExactly(List.of("tool", "--flag"));
    assertThat(r.lines()).containsExactly("tool --flag");
    assertThat(r.everything()).contains("tool --flag", "K=v", "secret-in");
    r.clear();
    assertThat(r.commands()).isEmpty();
  }

  @Test
  void repliesPerCommandLineComeInOrderAndTheLastRepeats() throws Exception {
    RecordingProcessRunner r =
        new RecordingProcessRunner()
            .on("a", rc(1, "first"), ok("second"))
            .fail("b", new CommandException("`b` did not finish within 5 s"));

    assertThat(r.run(Command.of(T, "a"))).isEqualTo(rc(1, "first"));
    assertThat(r.run(Command.of(T, "a"))).isEqualTo(ok("second"));
    assertThat(r.run(Command.of(T, "a"))).isEqualTo(ok("second"));
    assertThatThrownBy(() -> r.run(Command.of(T, "b"))).hasMessageContaining("did not finish");
    assertThat(r.run(Command.of(T, "c"))).as("unscripted: the default").isEqualTo(ok(""));
    assertThat(r.lines()).containsExactly("a", "a", "a", "b", "c");
  }

  @Test
  void anUnscriptedCommandCanFailTheTest() {
    RecordingProcessRunner r = new RecordingProcessRunner().failOnUnscripted().on("a", ok(""));

    assertThatThrownBy(() -> r.run(Command.of(T, "x", "y")))
        .isInstanceOf(AssertionError.class)
        .hasMessage("unscripted command: x y");
  }

  @Test
  void theOtherwiseAnswerSeesTheCommandAndItsFailuresFailTheTest() throws Exception {
    RecordingProcessRunner r =
        new RecordingProcessRunner().otherwise(c -> ok(c.argv().get(1) + "\n"));
    assertThat(r.run(Command.of(T, "echo", "hi")).stdout()).isEqualTo("hi\n");

    r.otherwise(
        c -> {
          throw new IOException("no such file");
        });
    assertThatThrownBy(() -> r.run(Command.of(T, "echo")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("fake command `echo` failed")
        .hasMessageContaining("no such file");
  }
}
