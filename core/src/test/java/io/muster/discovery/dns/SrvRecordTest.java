package io.muster.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SrvRecordTest {
  @Test
  void parsesPresentationFormAndDropsTrailingDot() {
    assertThat(SrvRecord.parse("0 10 5222 n1.example.test."))
        .isEqualTo(new SrvRecord(0, 10, 5222, "n1.example.test"));
  }

  @Test
  void toleratesExtraBlanksAndNoTrailingDot() {
    assertThat(SrvRecord.parse("  10  60   5060 sip.example "))
        .isEqualTo(new SrvRecord(10, 60, 5060, "sip.example"));
  }

  @Test
  void rootTargetMeansNoService() {
    SrvRecord r = SrvRecord.parse("0 0 0 .");
    assertThat(r.noService()).isTrue();
    assertThat(SrvRecord.parse("0 0 1 a.example.").noService()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "0 10 5222",
        "0 10 x n1.",
        "0 10 70000 n1.",
        "-1 0 1 n1.",
        "0 10 5222 n1. extra"
      })
  void refusesMalformedRecordsNamingTheText(String text) {
    assertThatThrownBy(() -> SrvRecord.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text);
  }
}
