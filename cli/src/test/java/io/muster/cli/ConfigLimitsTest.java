package io.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.muster.cli.MainTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue "Fail before acting" §6 and §7: what a hostile or careless input gets. */
class ConfigLimitsTest {
  @TempDir Path dir;

  private static void configError(Run r, String fragment) {
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(fragment).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void aDeviceADirectoryAnEmptyPathAndAHugeFileEachSaySo() throws Exception {
    configError(MainTest.run("config", "check", "-c", "/dev/zero"), "is not a regular file");
    configError(MainTest.run("config", "check", "-c", dir.toString()), "is a directory");
    configError(MainTest.run("config", "check", "-c", ""), "was given an empty path");
    Path huge = dir.resolve("huge.yaml");
    Files.writeString(huge, "# " + "x".repeat(1024 * 1024) + "\n");
    configError(MainTest.run("config", "check", "-c", huge.toString()), "more than the 1048576");
  }

  @Test
  void aDurationTooLargeForAnyClockIsOutOfRangeNamingTheKey() {
    configError(
        MainTest.run(
            Map.of("MUSTER_JOIN_TIMEOUT", "99999999999999999999h"),
            "config",
            "check",
            "-c",
            MainTest.EXAMPLE),
        "join.timeout='99999999999999999999h' (from env MUSTER_JOIN_TIMEOUT): out of range");
    configError(
        MainTest.run("config", "check", "-c", MainTest.EXAMPLE, "--timeout", "9999999999999999d"),
        "join.timeout='9999999999999999d' (from flag --timeout): out of range");
  }

  @Test
  void anUnknownTopLevelKeyGetsASuggestion() throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, "clustr:\n  name: x\n");
    configError(
        MainTest.run("config", "check", "-c", f.toString()),
        "unknown key 'clustr': did you mean 'cluster'?");
  }

  @Test
  void usageHintsNameTheRealCommand() {
    Run nested = MainTest.run("config", "check", "--no-such-flag");
    assertThat(nested.code()).isEqualTo(2);
    assertThat(nested.err()).contains("Try 'muster config check --help'.");
    Run root = MainTest.run("--no-such-flag");
    assertThat(root.code()).isEqualTo(2);
    assertThat(root.err()).contains("Try 'muster --help'.").doesNotContain("muster muster");
  }

  @Test
  void withJsonLogsTheFinalErrorLineIsJsonToo() throws Exception {
    Run r =
        MainTest.run(
            Map.of("MUSTER_ELECTION_STABLE_FOR", "soon"),
            "config",
            "check",
            "-c",
            MainTest.EXAMPLE,
            "--log-format",
            "json");
    assertThat(r.code()).isEqualTo(2);
    String[] lines = r.err().strip().split("\n");
    JsonNode last = new ObjectMapper().readTree(lines[lines.length - 1]);
    assertThat(last.get("level").asText()).isEqualTo("ERROR");
    assertThat(last.get("message").asText()).contains("election.stable-for='soon'");

    Run text = MainTest.run(Map.of("MUSTER_ELECTION_STABLE_FOR", "soon"), "config", "check");
    assertThat(text.err()).startsWith("muster: configuration error:");
  }
}
