package io.muster.adapter.ejabberd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.adapter.AdapterException;
import io.muster.model.Peer;
import org.junit.jupiter.api.Test;

class NodeNameTemplateTest {
  final Peer peer = Peer.of("10.0.0.5").withHostname("ip-10-0-0-5.ec2.internal");

  @Test
  void rendersEachPlaceholder() throws Exception {
    assertThat(NodeNameTemplate.of("ejabberd@{hostname}").render(peer))
        .isEqualTo("ejabberd@ip-10-0-0-5.ec2.internal");
    assertThat(NodeNameTemplate.of("ejabberd@{short-hostname}").render(peer))
        .isEqualTo("ejabberd@ip-10-0-0-5");
    assertThat(NodeNameTemplate.of("xmpp-{short-hostname}@{address}").render(peer))
        .isEqualTo("xmpp-ip-10-0-0-5@10.0.0.5");
  }

  @Test
  void splitsNodeNames() {
    assertThat(NodeNameTemplate.namePart("ejabberd@10.0.0.5")).isEqualTo("ejabberd");
    assertThat(NodeNameTemplate.hostPart("ejabberd@10.0.0.5")).isEqualTo("10.0.0.5");
  }

  @Test
  void aMissingHostNameIsAnErrorWithTheFix() {
    assertThatThrownBy(() -> NodeNameTemplate.of("ejabberd@{hostname}").render(Peer.of("10.0.0.7")))
        .isInstanceOf(AdapterException.class)
        .hasMessageContaining("cannot name the ejabberd node of 10.0.0.7")
        .hasMessageContaining("ejabberd@{address}");
  }

  @Test
  void rejectsMalformedTemplates() {
    assertThatThrownBy(() -> NodeNameTemplate.of("a@b@c")).hasMessageContaining("NAME@HOST");
    assertThatThrownBy(() -> NodeNameTemplate.of("@{address}")).hasMessageContaining("NAME@HOST");
    assertThatThrownBy(() -> NodeNameTemplate.of("e@{address")).hasMessageContaining("braces");
  }
}
