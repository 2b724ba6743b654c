package io.muster.bootstrap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.muster.credentials.SecretFiles;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code <state.dir>/<cluster>.membership.json} and {@code <cluster>.last-step.json}, each written
 * atomically (temp file + rename) so a crash never leaves half a file.
 */
public final class FileNodeState implements NodeState {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final Path membershipFile;
  private final Path lastStepFile;

  public FileNodeState(Path dir, String cluster) {
    this.membershipFile = dir.resolve(cluster + ".membership.json");
    this.lastStepFile = dir.resolve(cluster + ".last-step.json");
  }

  @Override
  public Optional<Membership> membership() throws IOException {
    if (!Files.exists(membershipFile)) {
      return Optional.empty();
    }
    try {
      var n = JSON.readTree(membershipFile.toFile());
      return Optional.of(
          new Membership(
              n.get("cluster").asText(),
              n.get("generation").asLong(),
              n.get("clusterId").asText(),
              Instant.parse(n.get("since").asText())));
    } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
      // Name the file and what to do; a parser's or a null pointer's message alone says neither.
      String why =
          e instanceof com.fasterxml.jackson.core.JsonProcessingException j
              ? j.getOriginalMessage()
              : "a field is missing or malformed";
      throw new IOException(
          membershipFile
              + " is damaged ("
              + why
              + "); remove it and run `muster join` again: the store's records say whether this"
              + " node is a member",
          e);
    }
  }

  @Override
  public void saveMembership(Membership m) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("cluster", m.cluster());
    n.put("generation", m.generation());
    n.put("clusterId", m.clusterId());
    n.put("since", m.since().toString());
    write(membershipFile, JSON.writeValueAsString(n));
  }

  @Override
  public void clearMembership() throws IOException {
    Files.deleteIfExists(membershipFile);
  }

  @Override
  public void saveLastStep(StepRecord step) {
    try {
      ObjectNode n = JSON.createObjectNode();
      n.put("at", step.at().toString());
      n.put("decision", step.decision());
      n.put("reason", step.reason());
      n.put("viewSize", step.viewSize());
      n.put("seed", step.seed());
      write(lastStepFile, JSON.writeValueAsString(n));
    } catch (IOException e) {
      // Status is informative only; a read-only state dir must not stop a join.
    }
  }

  @Override
  public Optional<StepRecord> lastStep() {
    try {
      if (!Files.exists(lastStepFile)) {
        return Optional.empty();
      }
      var n = JSON.readTree(lastStepFile.toFile());
      return Optional.of(
          new StepRecord(
              Instant.parse(n.get("at").asText()),
              n.get("decision").asText(),
              n.get("reason").asText(),
              n.get("viewSize").asInt(),
              n.get("seed").isNull() ? null : n.get("seed").asText()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void write(Path target, String content) throws IOException {
    // This node's own state: 0700, whatever the umask.
    SecretFiles.createDirectories(target.getParent(), SecretFiles.PRIVATE_DIR);
    Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".json");
    try {
      Files.writeString(tmp, content);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
