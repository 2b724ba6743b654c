package io.muster.credentials.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.credentials.FormationRecord;
import io.muster.credentials.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file store's claim across separate JVMs (the way several muster processes share a folder):
 * exactly one winner per generation. An integration test because it starts processes and waits for
 * them.
 */
class FileCredentialStoreProcessRaceIT {
  @TempDir Path dir;

  @Test
  void racingProcessesGetExactlyOneWinnerPerGeneration() throws Exception {
    int processes = 3;
    int generations = 100;
    Path clusterDir = dir.resolve("race");
    Path barrier = Files.createDirectory(dir.resolve("barrier"));
    Path go = dir.resolve("go");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> ps = new ArrayList<>();
    try {
      for (int i = 0; i < processes; i++) {
        ps.add(
            new ProcessBuilder(
                    java,
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    ClaimRaceMain.class.getName(),
                    clusterDir.toString(),
                    Integer.toString(i),
                    Integer.toString(processes),
                    Integer.toString(generations),
                    barrier.toString(),
                    go.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start());
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      for (int i = 0; i < processes; i++) {
        while (!Files.exists(barrier.resolve("ready-" + i))) {
          assertThat(System.nanoTime()).as("claimers ready within 60 s").isLessThan(deadline);
          assertThat(ps).allMatch(Process::isAlive);
          Thread.sleep(20); // waiting for other JVMs to start; not a timing assumption
        }
      }
      Files.createFile(go);
      Map<Long, List<String>> winners = new HashMap<>();
      for (int i = 0; i < processes; i++) {
        Process p = ps.get(i);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("claimer p%d exit code", i).isZero();
        for (String line : out.strip().split("\n")) {
          if (!line.isBlank()) {
            winners
                .computeIfAbsent(Long.parseLong(line.strip()), k -> new ArrayList<>())
                .add("p" + i);
          }
        }
      }
      for (long g = 1; g <= generations; g++) {
        assertThat(winners.get(g)).as("winners of generation %d", g).hasSize(1);
        FormationRecord stored =
            readFormation(clusterDir.resolve("formation").resolve(Long.toString(g)));
        assertThat(stored.ownerInstanceId()).isEqualTo(winners.get(g).get(0));
      }
      assertThat(new FileCredentialStore(clusterDir).currentFormation().orElseThrow().generation())
          .isEqualTo(generations);
      assertNoTemporaryFiles();
    } finally {
      ps.forEach(Process::destroyForcibly);
    }
  }

  private static FormationRecord readFormation(Path file) throws IOException, StoreException {
    return io.muster.credentials.RecordCodec.formation(Files.readString(file), file.toString());
  }

  private void assertNoTemporaryFiles() throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
    }
  }
}
