package io.muster.credentials.file;

import io.muster.config.Constraints;
import io.muster.config.CoreKeys;
import io.muster.config.Key;
import io.muster.credentials.CredentialStore;
import io.muster.credentials.CredentialStoreProvider;
import io.muster.credentials.StoreLayout;
import io.muster.plugin.PluginContext;
import io.muster.plugin.Preflight;
import java.util.List;

/**
 * {@code file}: records and secrets in a directory, for local runs, tests and several muster
 * processes on one machine. Needs no IAM permission; the directory needs a file system with hard
 * links (for the exclusive claim) and POSIX modes (for 0400 secret files).
 */
public final class FileCredentialStoreProvider implements CredentialStoreProvider {
  public static final Key DIR =
      Key.of(
              "store.file.dir",
              Key.Kind.STRING,
              null,
              "Directory of the file store (absolute path); each cluster uses <dir>/<cluster>. Required"
                  + " when store.provider is file.")
          .constrained(Constraints.absolutePath())
          .requiredWhen(CoreKeys.STORE_PROVIDER, "file");

  @Override
  public String name() {
    return "file";
  }

  @Override
  public String section() {
    return "Store: file";
  }

  @Override
  public List<Key> keys() {
    return List.of(DIR);
  }

  @Override
  public List<String> iamActions() {
    return List.of();
  }

  /** Every record is a file under the directory: it must be one muster can write in. */
  @Override
  public void preflight(Preflight check) {
    check.writableDirectory(
        DIR,
        FileStoreSettings.from(check.settings()).dir(),
        "the store shared by every muster process of the cluster");
  }

  @Override
  public CredentialStore create(String cluster, PluginContext context) {
    StoreLayout.checkCluster(cluster, context.settings());
    return new FileCredentialStore(
        FileStoreSettings.from(context.settings()).dir().resolve(cluster));
  }
}
