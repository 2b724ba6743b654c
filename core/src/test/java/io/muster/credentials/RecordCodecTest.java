package io.muster.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
  private static final Instant T = Instant.parse("2026-05-06T07:08:09.123Z");

  @Test
  void formationRecordsRoundTrip() throws Exception {
    FormationRecord r = new FormationRecord("prod", 7, "uuid-1", "i-0abc", "10.0.0.1", T);
    String json = RecordCodec.formation(r);
    assertThat(json)
        .isEqualTo(
            "{\"cluster\":\"prod\",\"generation\":7,\"clusterId\":\"uuid-1\","
                + "\"ownerInstanceId\":\"i-0abc\",\"ownerAddress\":\"10.0.0.1\","
                + "\"claimedAt\":\"2026-05-06T07:08:09.123Z\"}");
    assertThat(RecordCodec.formation(json, "x")).isEqualTo(r);
  }

  @Test
  void theFleetSizeHintRoundTripsAndADamagedOneIsIgnored() {
    assertThat(RecordCodec.fleetSize(640)).isEqualTo("{\"size\":640}");
    assertThat(RecordCodec.fleetSize("{\"size\":640}")).hasValue(640);
    // A pacing hint: whatever a hand edit left there is ignored, never an error.
    assertThat(RecordCodec.fleetSize("not json")).isEmpty();
    assertThat(RecordCodec.fleetSize("{\"size\":-3}")).isEmpty();
    assertThat(RecordCodec.fleetSize("{\"size\":\"many\"}")).isEmpty();
  }

  @Test
  void theFoundersViewSizeRoundTripsAndIsZeroInOlderRecords() throws Exception {
    FormationRecord r = new FormationRecord("prod", 7, "uuid-1", "i-0abc", "10.0.0.1", T, 1000);
    String json = RecordCodec.formation(r);
    assertThat(json).contains("\"viewSize\":1000");
    assertThat(RecordCodec.formation(json, "x")).isEqualTo(r);
    String older = json.replace(",\"viewSize\":1000", "");
    assertThat(RecordCodec.formation(older, "x").viewSize()).isZero();
  }

  @Test
  void memberRecordsRoundTripWithAndWithoutHostname() throws Exception {
    MemberRecord a = new MemberRecord("i-1", "fd00::1", "n1", 2, T);
    MemberRecord b = new MemberRecord("i-2", "10.0.0.2", null, 2, T);
    assertThat(RecordCodec.member(RecordCodec.member(a), "x")).isEqualTo(a);
    assertThat(RecordCodec.member(b)).doesNotContain("hostname");
    assertThat(RecordCodec.member(RecordCodec.member(b), "x")).isEqualTo(b);
  }

  @Test
  void aMembersClusterIdRoundTripsAndIsAbsentInOlderRecords() throws Exception {
    MemberRecord m =
        new MemberRecord("i-1", "10.0.0.1", null, 2, T, MemberRecord.Status.MEMBER, "uuid-2");
    String json = RecordCodec.member(m);
    assertThat(json).contains("\"clusterId\":\"uuid-2\"");
    assertThat(RecordCodec.member(json, "x")).isEqualTo(m);
    String older = json.replace(",\"clusterId\":\"uuid-2\"", "");
    assertThat(RecordCodec.member(older, "x").clusterId()).isNull();
  }

  @Test
  void aCurrentFormationRecordThatDoesNotDecodeIsReportedAsDamagedWithItsGeneration() {
    assertThatThrownBy(() -> RecordCodec.currentFormation("{\"cluster\":\"p\"}", "f/3", 3))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.damagedFormation()).isEqualTo(3))
        .hasMessageContaining("f/3")
        .hasMessageContaining("generation");
    String four = RecordCodec.formation(new FormationRecord("p", 4, "u", "i", "10.0.0.1", T));
    assertThatThrownBy(() -> RecordCodec.currentFormation(four, "f/3", 3))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.damagedFormation()).isEqualTo(3))
        .hasMessageContaining("f/3 holds generation 4");
    assertThat(new StoreException("other").damagedFormation()).isZero();
  }

  @Test
  void credentialsAreAJsonObjectOfStringsSortedByName() throws Exception {
    Credentials c = new Credentials(Map.of("b", Secret.of("2\n\"q\""), "a", Secret.of("1")));
    String json = RecordCodec.credentials(c);
    assertThat(json).isEqualTo("{\"a\":\"1\",\"b\":\"2\\n\\\"q\\\"\"}");
    assertThat(RecordCodec.credentials(json, "x")).isEqualTo(c);
  }

  @Test
  void invalidCredentialsJsonIsReportedByPositionNeverByContent() {
    String secret = "hunter2-very-secret";
    assertThatThrownBy(() -> RecordCodec.credentials("{\"k\": " + secret + "}", "the file F"))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("the file F is not valid JSON (line 1, column")
        .hasNoCause()
        .message()
        .doesNotContain(secret)
        .doesNotContain("hunter2");
    assertThatThrownBy(() -> RecordCodec.credentials("{\"k\": 42}", "F"))
        .hasMessageContaining("'k' must be a JSON string")
        .message()
        .doesNotContain("42");
    assertThatThrownBy(() -> RecordCodec.credentials("[\"" + secret + "\"]", "F"))
        .hasMessageContaining("F must hold a JSON object")
        .message()
        .doesNotContain(secret);
  }

  @Test
  void brokenRecordsNameTheEntryAndTheField() {
    assertThatThrownBy(() -> RecordCodec.formation("{\"cluster\":\"c\"}", "ssm:/m/c/formation/1"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("ssm:/m/c/formation/1")
        .hasMessageContaining("'generation'");
    assertThatThrownBy(
            () ->
                RecordCodec.member(
                    "{\"instanceId\":\"i\",\"address\":\"10.0.0.1\",\"generation\":1,"
                        + "\"joinedAt\":\"yesterday\"}",
                    "E"))
        .hasMessageContaining("E: field 'joinedAt' is not an ISO-8601 instant");
    assertThatThrownBy(() -> RecordCodec.formation("{", "E"))
        .hasMessageContaining("E is not a valid formation record");
  }
}
