package io.muster.adapter.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.adapter.AdapterException;
import io.muster.net.IpLiteral;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManagedConfigTest {
  private static final Path FILE = Path.of("/etc/haproxy/haproxy.cfg");
  private static final List<DesiredServer> TWO =
      List.of(
          new DesiredServer("i-1", IpLiteral.parse("10.0.0.5"), 8080),
          new DesiredServer("i-2", IpLiteral.parse("fd00::2"), 8080));

  @Test
  void replacesOnlyTheBlockKeepingEverythingElseByteForByte() throws Exception {
    String text =
        "global\n"
            + "\tstats socket /run/haproxy/admin.sock level admin\n"
            + "\n"
            + "backend app\n"
            + "\tbalance roundrobin   # keep this comment\n"
            + "\t# BEGIN muster servers (custom text is fine)\n"
            + "\tserver old 10.0.0.1:8080 check\n"
            + "\t# END muster servers\n"
            + "\toption httpchk\n"
            + "\n"
            + "backend other\n"
            + "    server fixed 192.0.2.1:80\n";

    String out = ManagedConfig.parse(text, "app", FILE).render(TWO, "check inter 2s");

    assertThat(out)
        .isEqualTo(
            "global\n"
                + "\tstats socket /run/haproxy/admin.sock level admin\n"
                + "\n"
                + "backend app\n"
                + "\tbalance roundrobin   # keep this comment\n"
                + "\t# BEGIN muster servers (custom text is fine)\n"
                + "\tserver i-1 10.0.0.5:8080 check inter 2s\n"
                + "\tserver i-2 [fd00::2]:8080 check inter 2s\n"
                + "\t# END muster servers\n"
                + "\toption httpchk\n"
                + "\n"
                + "backend other\n"
                + "    server fixed 192.0.2.1:80\n");
  }

  @Test
  void readsTheServersOfTheBlock() throws Exception {
    String text =
        "backend app\n  # BEGIN muster servers\n  server a 10.0.0.1:80 check  inter 2s\n"
            + "  server b 10.0.0.2:81\n  # END muster servers\n";

    assertThat(ManagedConfig.parse(text, "app", FILE).servers())
        .containsExactly(
            new ManagedConfig.ServerLine("a", "10.0.0.1:80", "check inter 2s"),
            new ManagedConfig.ServerLine("b", "10.0.0.2:81", ""));
  }

  @Test
  void renderingTheSameListGivesTheSameText() throws Exception {
    String text = "backend app\n    # BEGIN muster servers\n    # END muster servers\n";
    String once = ManagedConfig.parse(text, "app", FILE).render(TWO, "check");
    assertThat(ManagedConfig.parse(once, "app", FILE).render(TWO, "check")).isEqualTo(once);
  }

  @Test
  void appendsABlockToASectionWithoutOne() throws Exception {
    String text =
        "defaults\n    mode http\n\nlisten app\n    bind :80\n    balance leastconn\n\n\n"
            + "frontend x\n    bind :81\n";

    assertThat(ManagedConfig.parse(text, "app", FILE).render(TWO.subList(0, 1), ""))
        .isEqualTo(
            "defaults\n    mode http\n\nlisten app\n    bind :80\n    balance leastconn\n"
                + "    # BEGIN muster servers: managed by muster (adapter.haproxy), edits are"
                + " overwritten\n"
                + "    server i-1 10.0.0.5:8080\n"
                + "    # END muster servers\n"
                + "\n\nfrontend x\n    bind :81\n");
  }

  @Test
  void appendsAtTheEndOfTheFileWithoutATrailingNewline() throws Exception {
    assertThat(ManagedConfig.parse("backend app", "app", FILE).render(List.of(), ""))
        .isEqualTo(
            "backend app\n    # BEGIN muster servers: managed by muster (adapter.haproxy), edits"
                + " are overwritten\n    # END muster servers");
  }

  @Test
  void optionsDifferOnlyForServersThatStay() throws Exception {
    ManagedConfig c =
        ManagedConfig.parse(
            "backend app\n# BEGIN muster servers\nserver i-1 10.0.0.5:8080 check\n"
                + "server gone 10.0.0.9:8080 weight 5\n# END muster servers\n",
            "app",
            FILE);

    assertThat(c.optionsDiffer(TWO, "check")).isFalse();
    assertThat(c.optionsDiffer(TWO, "  check ")).isFalse();
    assertThat(c.optionsDiffer(TWO, "check inter 2s")).isTrue();
    assertThat(c.optionsDiffer(TWO.subList(1, 2), "check inter 2s")).isFalse();
  }

  @Test
  void aMissingBackendSaysWhereToDeclareIt() {
    assertThatThrownBy(() -> ManagedConfig.parse("backend web\n", "app", FILE))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("/etc/haproxy/haproxy.cfg has no 'backend app' section")
        .hasMessageContaining("adapter.haproxy.config-file");
  }

  @Test
  void aBackendNamePrefixIsNotTheBackend() {
    assertThatThrownBy(() -> ManagedConfig.parse("backend app2\n", "app", FILE))
        .hasMessageContaining("no 'backend app' section");
  }

  @Test
  void handWrittenServersInTheBackendAreRefused() {
    String text =
        "backend app\n    server manual 10.0.0.1:80\n    # BEGIN muster servers\n"
            + "    # END muster servers\n    server late 10.0.0.2:80\n";
    assertThatThrownBy(() -> ManagedConfig.parse(text, "app", FILE))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("line(s) [2, 5]")
        .hasMessageContaining("muster owns every server of this backend");
  }

  @Test
  void anUnclosedBlockIsRefused() {
    String text = "backend app\n    # BEGIN muster servers\n    server a 10.0.0.1:80\nbackend b\n";
    assertThatThrownBy(() -> ManagedConfig.parse(text, "app", FILE))
        .hasMessageContaining("line 2 opens the managed block but has no '# END muster servers'");
  }

  @Test
  void anEndWithoutBeginIsRefused() {
    assertThatThrownBy(
            () -> ManagedConfig.parse("backend app\n# END muster servers\n", "app", FILE))
        .hasMessageContaining("line 2 has an '# END muster servers' line without");
  }

  @Test
  void aDoubledBackendIsRefused() {
    assertThatThrownBy(() -> ManagedConfig.parse("backend app\nlisten app\n", "app", FILE))
        .hasMessageContaining("line 2 declares backend 'app' twice (first at line 1)");
  }

  @Test
  void markersInAnotherSectionAreNotOurs() throws Exception {
    String text =
        "backend web\n    # BEGIN muster servers\n    server x 10.0.0.1:80\n"
            + "    # END muster servers\nbackend app\n    balance roundrobin\n";
    String out = ManagedConfig.parse(text, "app", FILE).render(TWO.subList(0, 1), "");
    assertThat(out).startsWith(text.substring(0, text.indexOf("backend app")));
    assertThat(out).endsWith("    server i-1 10.0.0.5:8080\n    # END muster servers\n");
  }
}
