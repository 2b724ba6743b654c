package io.muster.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A comma inside a list item or a tag value (issue "Fail before acting" §7). */
class SettingsListTest {
  static final Key TAGS = Key.of("some.tags", Key.Kind.MAP, null, "tags");
  static final Key LIST = Key.of("some.list", Key.Kind.LIST, null, "a list");

  @Test
  void anEscapedCommaStaysInsideItsItem() {
    Settings s = Settings.empty().with(TAGS, "role=web\\,api,env=prod");
    assertThat(s.map(TAGS))
        .containsExactly(
            java.util.Map.entry("role", "web,api"), java.util.Map.entry("env", "prod"));
  }

  @Test
  void plainCommasStillSplitAndOtherBackslashesStandForThemselves() {
    Settings s = Settings.empty().with(LIST, "a,b\\c, d ,,e\\,f");
    assertThat(s.list(LIST)).containsExactly("a", "b\\c", "d", "e,f");
  }
}
