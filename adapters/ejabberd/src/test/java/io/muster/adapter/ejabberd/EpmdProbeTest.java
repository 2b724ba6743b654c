package io.muster.adapter.ejabberd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EpmdProbeTest {

  @Test
  void parsesTheNamesReply() {
    // As captured from epmd 25 in a test namespace: port 4369 as 4 bytes, then one line per node.
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {0, 0, 0x11, 0x11});
    b.writeBytes(
        "name ejabberd at port 39971\nname ctl-x at port 40001\n"
            .getBytes(StandardCharsets.US_ASCII));

    assertThat(EpmdProbe.parseNames(b.toByteArray())).containsExactly("ejabberd", "ctl-x");
    assertThat(EpmdProbe.parseNames(new byte[] {0, 0, 0x11, 0x11})).isEmpty();
  }

  @Test
  void aShortReplyIsAnError() {
    assertThatThrownBy(() -> EpmdProbe.parseNames(new byte[] {0, 0}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theRequestIsNamesReq() {
    assertThat(EpmdProbe.namesRequest()).containsExactly(0, 1, 'n');
  }
}
