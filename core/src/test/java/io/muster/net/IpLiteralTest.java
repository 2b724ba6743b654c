package io.muster.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One address, one string: IPv6 in the RFC 5952 form, however it was written. */
class IpLiteralTest {
  private static String canonical(String text) {
    return IpLiteral.format(IpLiteral.parse(text));
  }

  @Test
  void ipv4IsTheDottedQuad() {
    assertThat(canonical("10.0.1.12")).isEqualTo("10.0.1.12");
  }

  @Test
  void ipv6IsLowerCaseWithoutLeadingZerosAndTheLongestZeroRunCompressed() {
    assertThat(canonical("0:0:0:0:0:0:0:1")).isEqualTo("::1");
    assertThat(canonical("2001:DB8:0:0:0:0:0:0A")).isEqualTo("2001:db8::a");
    assertThat(canonical("fd00:0000:0000:0000:0000:0000:0000:0002")).isEqualTo("fd00::2");
    assertThat(canonical("::")).isEqualTo("::");
    assertThat(canonical("1:0:0:2:0:0:0:3")).isEqualTo("1:0:0:2::3");
    assertThat(canonical("1:0:0:2:0:0:3:4")).as("first of equal runs").isEqualTo("1::2:0:0:3:4");
    assertThat(canonical("1:0:2:3:4:5:6:7"))
        .as("one zero group stays")
        .isEqualTo("1:0:2:3:4:5:6:7");
    assertThat(canonical("fe80:0:0:0:0:0:0:0")).isEqualTo("fe80::");
  }

  @Test
  void theCanonicalFormParsesBackToTheSameAddress() {
    for (String t : new String[] {"2001:db8::a", "::1", "1::2:0:0:3:4", "fe80::"}) {
      assertThat(IpLiteral.parse(canonical(t))).isEqualTo(IpLiteral.parse(t));
      assertThat(canonical(canonical(t))).isEqualTo(canonical(t));
    }
  }
}
