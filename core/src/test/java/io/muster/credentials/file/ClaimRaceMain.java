package io.muster.credentials.file;

import io.muster.credentials.FormationRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Run in a separate JVM by {@link FileCredentialStoreTest}: waits for a "go" file, then claims
 * generations 1..N of one cluster and prints the ones it won, one per line. Before each claim the
 * processes meet at a file barrier ({@code <barrierDir>/<g>-<i>} for every process i), so all of
 * them claim the same generation at nearly the same moment.
 *
 * <p>Arguments: clusterDir index processes generations barrierDir goFile
 */
public final class ClaimRaceMain {
  private ClaimRaceMain() {}

  public static void main(String[] args) throws Exception {
    Path clusterDir = Path.of(args[0]);
    int index = Integer.parseInt(args[1]);
    int processes = Integer.parseInt(args[2]);
    int generations = Integer.parseInt(args[3]);
    Path barrier = Path.of(args[4]);
    Path go = Path.of(args[5]);
    String owner = "p" + index;
    FileCredentialStore store = new FileCredentialStore(clusterDir);
    Files.createFile(barrier.resolve("ready-" + index));
    long deadline = System.nanoTime() + 60_000_000_000L;
    await(List.of(go), deadline);
    StringBuilder won = new StringBuilder();
    for (long g = 1; g <= generations; g++) {
      Files.createFile(barrier.resolve(g + "-" + index));
      List<Path> all = new ArrayList<>();
      for (int i = 0; i < processes; i++) {
        all.add(barrier.resolve(g + "-" + i));
      }
      await(all, deadline);
      FormationRecord r =
          new FormationRecord(
              "race", g, "id-" + owner + "-" + g, owner, "127.0.0.1", Instant.now());
      if (store.claimFormation(r)) {
        won.append(g).append('\n');
      }
    }
    System.out.print(won);
    System.out.flush();
  }

  private static void await(List<Path> files, long deadline) {
    for (Path f : files) {
      while (!Files.exists(f)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("barrier file " + f + " did not appear within 60 s");
        }
        LockSupport.parkNanos(20_000);
      }
    }
  }
}
