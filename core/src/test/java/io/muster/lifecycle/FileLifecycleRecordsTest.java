package io.muster.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLifecycleRecordsTest {
  @TempDir Path dir;

  @Test
  void roundTripsEveryField() throws IOException {
    FileLifecycleRecords records = new FileLifecycleRecords(dir);
    assertThat(records.load()).isEmpty();
    InFlight w =
        InFlight.begin(
                InFlight.Kind.TERMINATE,
                Optional.of(
                    new LifecycleAction(
                        "web",
                        "drain",
                        "i-1",
                        LifecycleTransition.TERMINATING,
                        Optional.of("tok"))),
                Instant.parse("2026-01-01T00:00:00Z"),
                "terminating",
                "target Terminated")
            .completing(LifecycleResult.CONTINUE, "left");

    records.save(w);

    assertThat(new FileLifecycleRecords(dir).load()).contains(w);
    assertThat(dir.resolve("lifecycle.json.tmp")).doesNotExist();
  }

  @Test
  void aSpotLeaveHasNoAction() throws IOException {
    FileLifecycleRecords records = new FileLifecycleRecords(dir);
    InFlight w =
        InFlight.begin(InFlight.Kind.SPOT, Optional.empty(), Instant.EPOCH, "spot", "notice")
            .done("left");
    records.save(w);
    assertThat(records.load()).contains(w);
  }

  @Test
  void aDamagedFileIsAnErrorNamingIt() throws IOException {
    Files.writeString(dir.resolve("lifecycle.json"), "{\"kind\":\"LAUNCH\"}");
    assertThatThrownBy(() -> new FileLifecycleRecords(dir).load())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("lifecycle.json is damaged")
        .hasMessageContaining("remove it");
  }
}
