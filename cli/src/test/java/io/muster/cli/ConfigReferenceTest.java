package io.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.muster.config.Key;
import io.muster.config.KeyRegistry;
import io.muster.plugin.Plugins;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {
  @Test
  void readmeReferenceTableMatchesTheKeyDeclarations() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf(ConfigReference.START);
    int end = readme.indexOf(ConfigReference.END);
    assertThat(start).as("README has the config-reference markers").isNotNegative();
    assertThat(end).isGreaterThan(start);
    String inReadme = readme.substring(start + ConfigReference.START.length(), end).strip();
    String generated = ConfigReference.markdown(Plugins.keys()).strip();
    assertThat(inReadme)
        .as(
            "README.md's configuration reference is out of date: run scripts/update-config-reference.sh")
        .isEqualTo(generated);
  }

  @Test
  void everyModulesKeysAreInTheRegistry() {
    KeyRegistry r = Plugins.keys();
    assertThat(r.keys()).extracting(Key::name).contains("cluster.name", "discovery.static.peers");
    assertThat(r.catalogs()).hasSizeGreaterThanOrEqualTo(2);
  }
}
