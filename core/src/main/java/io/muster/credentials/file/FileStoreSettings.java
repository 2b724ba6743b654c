package io.muster.credentials.file;

import io.muster.config.ConfigException;
import io.muster.config.Settings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Validated settings of the file store.
 *
 * @param dir the shared directory; each cluster lives in {@code <dir>/<cluster>}
 */
public record FileStoreSettings(Path dir) {
  public FileStoreSettings {
    if (dir == null || !dir.isAbsolute()) {
      throw new IllegalArgumentException("store directory must be an absolute path: " + dir);
    }
  }

  public static FileStoreSettings from(Settings settings) {
    String raw =
        settings.string(
            FileCredentialStoreProvider.DIR,
            "the file store needs a directory shared by every muster process of the cluster");
    Path dir;
    try {
      dir = Path.of(raw);
    } catch (InvalidPathException e) {
      throw ConfigException.invalid(
          FileCredentialStoreProvider.DIR,
          raw,
          settings.source(FileCredentialStoreProvider.DIR),
          "not a path",
          "Use an absolute directory path such as /var/lib/muster/store");
    }
    if (!dir.isAbsolute()) {
      throw ConfigException.invalid(
          FileCredentialStoreProvider.DIR,
          raw,
          settings.source(FileCredentialStoreProvider.DIR),
          "not an absolute path",
          "Use an absolute directory path such as /var/lib/muster/store, so every process (and"
              + " systemd, whatever its working directory) means the same folder");
    }
    return new FileStoreSettings(dir.normalize());
  }
}
