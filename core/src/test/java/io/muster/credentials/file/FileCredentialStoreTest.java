package io.muster.credentials.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.Settings;
import io.muster.credentials.CredentialStore;
import io.muster.credentials.CredentialStoreContract;
import io.muster.credentials.Credentials;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.Secret;
import io.muster.credentials.StoreException;
import io.muster.plugin.TestContexts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCredentialStoreTest extends CredentialStoreContract {
  @TempDir Path dir;

  @Override
  protected CredentialStore store(String cluster) {
    return new FileCredentialStoreProvider()
        .create(
            cluster,
            TestContexts.withoutIdentity(
                Settings.empty().with(FileCredentialStoreProvider.DIR, dir.toString())));
  }

  @Test
  void racingThreadsGetExactlyOneWinnerPerGeneration() throws Exception {
    CredentialStore s = store("race");
    int threads = 8;
    int generations = 100;
    CyclicBarrier barrier = new CyclicBarrier(threads);
    Map<Long, Set<String>> winners = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String owner = "i-t" + t;
        fs.add(
            pool.submit(
                () -> {
                  for (long g = 1; g <= generations; g++) {
                    barrier.await(30, TimeUnit.SECONDS); // everyone claims g at the same moment
                    if (s.claimFormation(formation("race", g, owner))) {
                      winners.computeIfAbsent(g, k -> ConcurrentHashMap.newKeySet()).add(owner);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(winners).hasSize(generations);
    for (long g = 1; g <= generations; g++) {
      assertThat(winners.get(g)).as("winners of generation %d", g).hasSize(1);
    }
    String lastWinner = winners.get((long) generations).iterator().next();
    assertThat(s.currentFormation()).contains(formation("race", generations, lastWinner));
    assertNoTemporaryFiles();
  }

  /**
   * Issue "Fail before acting" §5: one garbage members/ record stalled every joiner until its
   * timeout, although a healthy member was listed next to it.
   */
  @Test
  void aDamagedMemberRecordIsSkippedAndTheHealthyOnesAreListed() throws Exception {
    CredentialStore s = store("damaged");
    s.registerMember(member("n1", "10.0.0.1", 1));
    Path members = dir.resolve("damaged/members");
    Files.writeString(members.resolve("n2"), "garbage");
    Files.writeString(members.resolve("n3"), "{\"instanceId\":\"n3\"}");
    Files.writeString(
        members.resolve("n4"),
        "{\"instanceId\":\"n4\",\"address\":\"not-an-ip\",\"generation\":1,"
            + "\"joinedAt\":\"2026-01-01T00:00:00Z\"}");

    assertThat(s.members()).extracting(m -> m.instanceId()).containsExactly("n1");
    assertThatThrownBy(() -> s.member("n2"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(members.resolve("n2").toString());
  }

  @Test
  void storeDirectoriesHaveFixedModes() throws Exception {
    CredentialStore s = store("modes-dirs");
    s.registerMember(member("n1", "10.0.0.1", 1));
    s.putCredentials(1, new Credentials(Map.of("cookie", Secret.of("abcd"))));
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("modes-dirs"))))
        .isEqualTo("rwxr-xr-x");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("modes-dirs/members"))))
        .isEqualTo("rwxr-xr-x");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("modes-dirs/credentials"))))
        .isEqualTo("rwx------");
  }

  @Test
  void secretFilesAreOwnerReadOnlyInAPrivateDirectory() throws Exception {
    CredentialStore s = store("modes");
    s.putCredentials(1, new Credentials(Map.of("cookie", Secret.of("abc"))));
    Path file = dir.resolve("modes/credentials/1");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("r--------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    assertThat(Files.getOwner(file).getName()).isEqualTo(System.getProperty("user.name"));
    // Rotation replaces the file; the mode stays.
    s.putCredentials(1, new Credentials(Map.of("cookie", Secret.of("def"))));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("r--------");
    assertThat(Files.readString(file)).isEqualTo("{\"cookie\":\"def\"}");
  }

  @Test
  void noTemporaryFilesAreLeftBehind() throws Exception {
    CredentialStore s = store("tidy");
    s.claimFormation(formation("tidy", 1, "i-a"));
    s.claimFormation(formation("tidy", 1, "i-b")); // lost claim
    s.putCredentials(1, new Credentials(Map.of("k", Secret.of("v1"))));
    s.putCredentials(1, new Credentials(Map.of("k", Secret.of("v2"))));
    s.registerMember(member("i-a", "10.0.0.1", 1));
    s.registerMember(member("i-a", "10.0.0.1", 1));
    s.deregisterMember("i-a");
    try (Stream<Path> all = Files.walk(dir.resolve("tidy"))) {
      assertThat(all.map(p -> dir.relativize(p).toString()))
          .containsExactlyInAnyOrder(
              "tidy",
              "tidy/formation",
              "tidy/formation/1",
              "tidy/credentials",
              "tidy/credentials/1",
              "tidy/members");
    }
  }

  @Test
  void leftoverTemporaryFilesFromACrashAreNeverReadAsRecords() throws Exception {
    Path formation = Files.createDirectories(dir.resolve("crash/formation"));
    Path members = Files.createDirectories(dir.resolve("crash/members"));
    Files.writeString(formation.resolve(".tmp-7-0000"), "{half");
    Files.writeString(members.resolve(".tmp-i-x-0000"), "{half");
    CredentialStore s = store("crash");
    assertThat(s.currentFormation()).isEmpty();
    assertThat(s.members()).isEmpty();
    assertThat(s.claimFormation(formation("crash", 7, "i-a"))).isTrue();
    assertThat(s.currentFormation()).contains(formation("crash", 7, "i-a"));
  }

  @Test
  void readersNeverSeeAHalfWrittenRecord() throws Exception {
    CredentialStore writer = store("torn");
    CredentialStore reader = store("torn");
    // Big values widen the window in which a non-atomic write would be visible.
    String big = "x".repeat(256 * 1024);
    Set<Credentials> written = ConcurrentHashMap.newKeySet();
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> readerFailure = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                while (!done.get()) {
                  Optional<FormationRecord> f = reader.currentFormation();
                  f.ifPresent(r -> assertThat(r.cluster()).isEqualTo("torn"));
                  Optional<Credentials> c = reader.credentials(1);
                  c.ifPresent(v -> assertThat(written).contains(v));
                }
              } catch (Throwable e) {
                readerFailure.set(e);
              }
            });
    t.start();
    try {
      for (int i = 1; i <= 60; i++) {
        Credentials c = new Credentials(Map.of("k", Secret.of(big + i)));
        written.add(c);
        writer.putCredentials(1, c);
        writer.claimFormation(
            new FormationRecord("torn", i, big + i, "i-w", "10.0.0.1", T0)); // big clusterId
      }
    } finally {
      done.set(true);
      t.join(30_000);
    }
    assertThat(readerFailure.get()).isNull();
  }

  @Test
  void theDirectoryIsRequiredAndMustBeAbsolute() {
    FileCredentialStoreProvider p = new FileCredentialStoreProvider();
    assertThatThrownBy(() -> p.create("c", TestContexts.withoutIdentity(Settings.empty())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("store.file.dir is required")
        .hasMessageContaining("MUSTER_STORE_FILE_DIR");
    assertThatThrownBy(
            () ->
                p.create(
                    "c",
                    TestContexts.withoutIdentity(
                        Settings.empty().with(FileCredentialStoreProvider.DIR, "rel/dir"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("store.file.dir='rel/dir'")
        .hasMessageContaining("absolute");
  }

  @Test
  void clusterNamesThatCannotBeADirectoryAreRejected() {
    Settings s =
        Settings.empty()
            .with(FileCredentialStoreProvider.DIR, dir.toString())
            .with(CoreKeys.CLUSTER_NAME, "../up");
    assertThatThrownBy(
            () ->
                new FileCredentialStoreProvider().create("../up", TestContexts.withoutIdentity(s)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.name='../up'");
  }

  @Test
  void aCorruptRecordIsAnErrorNamingTheFile() throws Exception {
    Files.createDirectories(dir.resolve("bad/formation"));
    Files.writeString(dir.resolve("bad/formation/3"), "{\"cluster\":\"bad\"}");
    assertThatThrownBy(() -> store("bad").currentFormation())
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.damagedFormation()).isEqualTo(3))
        .hasMessageContaining(dir.resolve("bad/formation/3").toString())
        .hasMessageContaining("generation");
  }

  @Test
  void describeNamesTheClusterDirectory() {
    assertThat(store("prod").describe()).isEqualTo("file:" + dir.resolve("prod") + "/");
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
