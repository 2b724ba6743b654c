package io.muster.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code <state.dir>/lifecycle.json}, written atomically (temp file, fsync, rename) so a crash
 * leaves either the old or the new record, never half of one.
 */
public final class FileLifecycleRecords implements LifecycleRecords {
  public static final String FILE = "lifecycle.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final Path file;

  public FileLifecycleRecords(Path stateDir) {
    this.file = stateDir.resolve(FILE);
  }

  public Path file() {
    return file;
  }

  @Override
  public Optional<InFlight> load() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    JsonNode n = JSON.readTree(file.toFile());
    try {
      Optional<LifecycleAction> action = Optional.empty();
      JsonNode a = n.get("action");
      if (a != null && !a.isNull()) {
        action =
            Optional.of(
                new LifecycleAction(
                    a.get("group").asText(),
                    a.get("hook").asText(),
                    a.get("instanceId").asText(),
                    LifecycleTransition.valueOf(a.get("transition").asText()),
                    a.hasNonNull("token")
                        ? Optional.of(a.get("token").asText())
                        : Optional.empty()));
      }
      return Optional.of(
          new InFlight(
              InFlight.Kind.valueOf(n.get("kind").asText()),
              action,
              InFlight.Phase.valueOf(n.get("phase").asText()),
              Instant.parse(n.get("started").asText()),
              n.hasNonNull("result")
                  ? Optional.of(LifecycleResult.valueOf(n.get("result").asText()))
                  : Optional.empty(),
              n.path("reason").asText(""),
              n.path("context").asText("")));
    } catch (RuntimeException e) {
      throw new IOException(
          file
              + " is damaged ("
              + e.getMessage()
              + "); remove it to forget the lifecycle action in progress",
          e);
    }
  }

  @Override
  public void save(InFlight r) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("kind", r.kind().name());
    n.put("phase", r.phase().name());
    n.put("started", r.started().toString());
    r.result().ifPresent(v -> n.put("result", v.name()));
    n.put("reason", r.reason());
    n.put("context", r.context());
    r.action()
        .ifPresent(
            a -> {
              ObjectNode o = n.putObject("action");
              o.put("group", a.groupName());
              o.put("hook", a.hookName());
              o.put("instanceId", a.instanceId());
              o.put("transition", a.transition().name());
              a.token().ifPresent(t -> o.put("token", t));
            });
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(FILE + ".tmp");
    Files.write(
        tmp,
        JSON.writeValueAsBytes(n),
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE,
        StandardOpenOption.SYNC);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
