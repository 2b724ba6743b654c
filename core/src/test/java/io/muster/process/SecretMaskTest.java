package io.muster.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretMaskTest {
  @Test
  void everyOccurrenceOfEveryKnownValueIsMaskedLongestFirst() {
    SecretMask.remember("mask-test-abc");
    SecretMask.remember("mask-test-abcdef");

    assertThat(SecretMask.mask("a mask-test-abcdef b mask-test-abc c mask-test-abc"))
        .isEqualTo("a <redacted> b <redacted> c <redacted>");
  }

  @Test
  void veryShortValuesAreNotMaskedSoOutputStaysReadable() {
    SecretMask.remember("ok");
    assertThat(SecretMask.mask("ok, done")).isEqualTo("ok, done");
  }

  @Test
  void nullAndEmptyPassThrough() {
    assertThat(SecretMask.mask(null)).isNull();
    assertThat(SecretMask.mask("")).isEmpty();
  }
}
